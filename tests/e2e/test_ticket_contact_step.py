"""The message-to-staff chat's contact step is asked in two messages (a share-my-number
keyboard, then 不留电话): the draft stores its question once, and no ending (/cancel, the
sweep, /start's 放弃, /deleteme) leaves the keyboard or the button behind."""

import pytest
from sqlalchemy import event

from local_api import FakeUser, SentMessage
from tests.e2e.conftest import Harness, reply_keyboard
from tests.e2e.test_chat_endings import ENDINGS, end_by, left_nothing_live
from tests.e2e.ticket_steps import TOWN

QUESTION = "老板拖欠我三个月工资"


async def to_the_text(bot: Harness, resident: FakeUser) -> None:
    """/help → 留言给工作人员 → a field → TOWN: the message is asked next."""
    texts = bot.ui.tickets
    help_message = await bot.ask(resident, "/help")
    bot.api.press_button(resident, help_message, texts.leave_button)
    [category] = await bot.replies(resident.id, 1)
    field = bot.services.library.categories[0]
    town_prompt = await bot.answer(resident, category, field.name)
    await bot.answer(resident, town_prompt, TOWN)
    await bot.settle()


async def contact_step(bot: Harness, resident: FakeUser) -> tuple[SentMessage, SentMessage]:
    """The chat up to its contact step: the question with the share-my-number keyboard, and
    the one with 不留电话."""
    await to_the_text(bot, resident)
    bot.api.send_text(resident, QUESTION)
    ask_phone, skip = await bot.api.wait_for_messages(resident.id, 2)
    assert reply_keyboard(ask_phone)["keyboard"][0][0]["request_contact"] is True
    assert skip.button_labels() == [bot.ui.tickets.no_contact_button]
    return ask_phone, skip


async def test_the_contact_step_is_noted_once(desks_bot: Harness) -> None:
    """The step with the message, then its question (the message with 不留电话, and that the
    keyboard shows): two writes."""
    bot = desks_bot
    resident = bot.api.user(7_390_001)
    writes: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith(("UPDATE conversation_draft", "INSERT INTO conversation_draft")):
            writes.append(statement)

    engine = bot.services.db.engine.sync_engine
    await to_the_text(bot, resident)
    event.listen(engine, "before_cursor_execute", note)
    try:
        bot.api.send_text(resident, QUESTION)
        _ask_phone, skip = await bot.api.wait_for_messages(resident.id, 2)
        await bot.settle()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(writes) == 2, "\n".join(writes)
    [chat] = await bot.services.chats.open(resident.id)
    assert (chat.step, chat.question, chat.keyboard) == ("contact", skip.message_id, True)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_no_ending_leaves_the_contact_steps_keyboard_or_button(
    desks_bot: Harness, ending: str
) -> None:
    bot = desks_bot
    resident = bot.api.user(7_390_002)
    _ask_phone, skip = await contact_step(bot, resident)
    await end_by(bot, resident, ending)
    assert left_nothing_live(bot, resident, skip)
    assert await bot.services.chats.open(resident.id) == []
