"""A report whose "each" notification a crash cut off is announced after the restart."""

import asyncio
import time
from pathlib import Path

from content.loader import Library
from content.search import SearchIndex
from storage.db import Database
from storage.reports import unnotified_reports
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.reporting import add_report, add_volunteer
from tests.waiting import CEILING_SECONDS, eventually


async def test_unannounced_report_is_announced_once_after_restart(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        await server.stop()  # the bot is down; a report is stored but never announced
        db = Database(server.settings.database_url)
        await add_volunteer(db, 901, name="赵志愿")
        report_id = await add_report(db, 901, now=server.clock())
        await db.dispose()
        await server.start()
        bot = server.harness
        assert bot is not None
        [notice] = await bot.api.wait_for_messages(ADMIN_ID)
        assert "赵志愿" in (notice.text or "") and str(report_id) in (notice.text or "")

        async def announced() -> bool:  # marked right after the message is answered
            async with bot.services.db.session() as session:
                return not await unnotified_reports(session=session)

        await eventually(announced)
        await bot.settle()
        assert len(bot.api.messages_to(ADMIN_ID)) == 1


async def test_a_job_late_on_a_busy_machine_still_runs(bot: Harness) -> None:
    """APScheduler's default skips a job more than a second late (the catch-up above was
    lost so on a loaded machine); the bot's job queue runs it however late."""
    ran = asyncio.Event()

    async def job(_ctx: object) -> None:
        ran.set()

    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(job, 0.1)
    held_until = time.monotonic() + 1.5
    while time.monotonic() < held_until:  # the event loop held up, as by a busy machine
        pass  # (not time.sleep: under faketime it fails)
    await asyncio.wait_for(ran.wait(), CEILING_SECONDS)
