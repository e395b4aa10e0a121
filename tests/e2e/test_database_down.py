"""The bot while its database is unreachable: residents still get answers (search needs no
database), each message gets one reply, and the questions are logged once it is back."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from storage.models import QuestionLog
from tests.conftest import BACKENDS, PG_URL
from tests.e2e.conftest import Harness, bot_factory, running_bot
from tests.outage import SqliteLock, TcpProxy, postgres_behind_proxy
from tests.waiting import eventually

WAGES = "老板拖欠工资三个月了怎么办"
LOAN = "借钱不还怎么办"


@asynccontextmanager
async def bot_on(
    backend: str, tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[tuple[Harness, SqliteLock | TcpProxy]]:
    """A bot whose database a test can make unreachable."""
    if backend == "sqlite":
        async with running_bot(tmp_path, bot_factory(library, index)) as bot:
            yield bot, SqliteLock(tmp_path / "pufa.db")
        return
    async with (
        postgres_behind_proxy(PG_URL) as (url, proxy),
        running_bot(tmp_path, bot_factory(library, index), database_url=url) as bot,
    ):
        yield bot, proxy


@pytest.mark.parametrize("backend", BACKENDS)
async def test_residents_get_answers_while_the_database_is_down(
    backend: str, tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with bot_on(backend, tmp_path, library, index) as (bot, outage):
        user = bot.api.user(2101, "李四")
        await bot.ask(user, "/start")
        await outage.cut()
        card = await bot.ask(user, WAGES)
        assert card.content.startswith("老板拖欠工资怎么办")
        assert bot.ui.unsolved_button in card.button_labels()
        loan = await bot.ask(user, LOAN)
        assert loan.content.startswith("别人欠钱不还")
        await bot.settle()
        assert bot.ui.error not in [m.text for m in bot.api.messages_to(user.id)]
        await outage.restore()

        async def logged() -> bool:
            async with bot.services.db.session() as session:
                rows = (await session.exec(select(QuestionLog))).all()
            return sorted(r.text for r in rows) == sorted([WAGES, LOAN])

        await eventually(logged)
