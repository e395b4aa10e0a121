"""One way to ask before an action: a question with ✅ 确定 / ❌ 不了 that is answered once.

`ask` sends the question with a one-time token, stored as a row of the drafts table named
`?<what>` (storage.drafts; not a guided chat: typed text passes it by, /cancel and /start leave
it alone), one per person and kind of question: asking again expires the older buttons. Both
buttons carry the token, `<what>:<token>:<y|n>:<the question's own arguments>`. The first
answer, either one, deletes the row (one conditional delete, so a double press, or ✅ after ❌,
finds it gone, in this process or after a restart) and takes the buttons off the question; a
later press is told it was answered. A question unanswered for `IDLE` lapses (so does
kit.conversation's question before a chat holding answers is given up, a `?` row too).
"""

import secrets
from datetime import timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.kit.callbacks import Kind, make
from handlers.kit.context import PufaContext
from handlers.kit.replies import acknowledge, drop_buttons, reply_html, user_id
from storage import drafts as repo

IDLE = timedelta(days=1)
PREFIX = "?"  # the draft rows of questions (a flow's name never starts with it)


class Said(StrEnum):
    YES = "y"
    NO = "n"


def _row(what: str) -> str:
    assert len(PREFIX + what) <= 16, what
    return PREFIX + what


async def ask(
    update: Update, ctx: PufaContext, text: str, kind: Kind, what: str, *args: str | int
) -> None:
    """Sends `text` with ✅ / ❌; their presses come as `kind`'s action `what` (see `answer`).
    Lapsed questions (anyone's) are cleared on the way."""
    services, token = ctx.services, secrets.token_hex(4)
    async with services.db.session() as session:
        await repo.save_draft(
            session=session,
            flow=_row(what),
            telegram_id=user_id(update),
            step="ask",
            token=token,
            data={},
            now=services.now(),
        )
        await repo.delete_drafts_before(
            session=session, prefix=PREFIX, before=services.now() - IDLE
        )
    texts = services.ui.volunteers

    def button(label: str, said: Said) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=make(kind, what, token, said, *args))

    keyboard = [[button(texts.confirm_yes, Said.YES), button(texts.confirm_no, Said.NO)]]
    await reply_html(update, text, InlineKeyboardMarkup(keyboard))


async def answer(
    update: Update, ctx: PufaContext, what: str, args: tuple[str, ...]
) -> tuple[str, ...] | None:
    """A press of a question's button (`args`: what follows `what` in its data). The first
    answer takes the buttons off; ❌ is told nothing changed. Returns the question's own
    arguments for the action to go on with, only for the first answer and a ✅; None when
    there is nothing more to do (the press is answered)."""
    services = ctx.services
    if len(args) < 2 or args[1] not in Said._value2member_map_:
        await acknowledge(update, services.ui.stale_button, alert=True)
        return None
    token, said = args[0], Said(args[1])
    async with services.db.session() as session:
        first = await repo.delete_draft(
            session=session,
            flow=_row(what),
            telegram_id=user_id(update),
            token=token,
            since=services.now() - IDLE,
        )
    if not first:
        await acknowledge(update, services.ui.volunteers.confirm_answered, alert=True)
        await drop_buttons(update)
        return None
    await acknowledge(update)
    await drop_buttons(update)
    if said is Said.NO:
        await reply_html(update, services.ui.volunteers.kept)
        return None
    return args[2:]
