"""/deleteme and the coordinators' chats: the notifications of an erased volunteer's reports
("📝 新的活动报告", with their name and 简介) and the notices of their corrections ("✏️ 报告 #41
（name）已修改") are withdrawn right after they are told, and so
are their lines in the daily digests (each digest is edited, its other lines kept); at each
start, what a crash or a Telegram outage left (the database says what is left)."""

import logging

from telegram import Bot

from handlers.coordinators.notifications import digest_redrawn
from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.withdraw import Outcome, withdraw
from storage.db import unavailable
from storage.report_messages import (
    copies_to_withdraw,
    copy_withdrawn,
    digest_withdrawn,
    digests_to_withdraw,
)
from storage.volunteers import Erasure

log = logging.getLogger(__name__)
CATCH_UP_DELAY = 2.0  # seconds after start-up


async def on_person_erased(ctx: PufaContext, _erased: Erasure) -> None:
    await withdraw_copies(ctx.bot, ctx.services)


async def _catch_up(ctx: PufaContext) -> None:
    await withdraw_copies(ctx.bot, ctx.services)


async def withdraw_copies(bot: Bot, services: Services) -> None:
    """Copy by copy, then digest by digest; one Telegram refuses for good is given up (and
    logged), and while Telegram does not answer the rest waits for the next start. Never
    raises for an unreachable database."""
    try:
        if await _withdraw_notices(bot, services):
            await _withdraw_digest_lines(bot, services)
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning(
            "database unreachable: erased volunteers' report notifications withdrawn later"
        )


async def _withdraw_notices(bot: Bot, services: Services) -> bool:
    """False if Telegram did not answer (the rest is left for later)."""
    async with services.db.session() as session:
        pending = await copies_to_withdraw(session=session)
    neutral = services.ui.volunteers.report_erased
    for chat_id, message_id in pending:
        if await withdraw(bot, neutral, chat_id, message_id) is Outcome.LATER:
            return False
        async with services.db.session() as session:
            await copy_withdrawn(session=session, chat_id=chat_id, message_id=message_id)
    return True


async def _withdraw_digest_lines(bot: Bot, services: Services) -> None:
    """Each digest listing an erased volunteer's report drawn again with their lines neutral;
    a line is marked withdrawn only once the digest shows it so."""
    async with services.db.session() as session:
        pending = await digests_to_withdraw(session=session)
    for digest in pending:
        text = await digest_redrawn(services, digest)
        if await withdraw(bot, text, digest.chat_id, digest.message_id, shared=True) is (
            Outcome.LATER
        ):
            return
        async with services.db.session() as session:
            await digest_withdrawn(session=session, digest=digest)


def schedule(app: PufaApplication, services: Services) -> None:
    services.hooks.person_erased.append(on_person_erased)
    if app.job_queue is not None:
        app.job_queue.run_once(_catch_up, CATCH_UP_DELAY, name="report-copies-withdrawn")
