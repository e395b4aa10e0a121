"""Guided chats remember who has no open draft (so residents' messages need no database
read), and never at the cost of a draft: a chat started later, or one already stored when
the process started, is found."""

from datetime import UTC, datetime, timedelta

from telegram import Bot

from handlers.kit.conversation import Conversations, Flow, Step
from storage.db import Database
from storage.drafts import save_draft

NOW = datetime(2027, 2, 28, 23, 59, tzinfo=UTC)
PERSON = 42


async def _nothing(*_: object) -> None:
    return None


FLOW = Flow(
    name="memo",
    kind=None,
    steps={"first": Step(text=_nothing), "second": Step(text=_nothing)},
    idle=timedelta(hours=1),
    wrong_input=_nothing,
    cancelled=_nothing,
)


def _chats(db: Database) -> Conversations:
    chats = Conversations(db, lambda: NOW)
    chats.add(FLOW)
    return chats


async def test_a_chat_started_after_a_question_is_found(db: Database) -> None:
    chats = _chats(db)
    assert await chats.open(PERSON) == []  # asked a question: remembered as without drafts
    assert await chats.open(PERSON) == []
    started = await chats.start("memo", PERSON, "first", {})
    [found] = await chats.open(PERSON)
    assert (found.token, found.step) == (started.token, "first")
    await found.goto("second")
    # No question was sent: the bot is not called
    assert await chats.end_all(Bot("123:unused"), PERSON) is False
    assert await chats.open(PERSON) == []


async def test_a_draft_stored_before_this_process_started_is_found(db: Database) -> None:
    async with db.session() as session:
        await save_draft(
            session=session,
            flow="memo",
            telegram_id=PERSON,
            step="second",
            token="abcd1234",
            data={},
            now=NOW,
        )
    [found] = await _chats(db).open(PERSON)  # e.g. a standby that just took over
    assert (found.token, found.step) == ("abcd1234", "second")
