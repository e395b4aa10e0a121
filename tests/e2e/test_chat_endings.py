"""A guided chat ended from outside it leaves no live buttons behind: /leave with a report
half-way, /deleteme in any chat and a coordinator's demotion take its last question's
buttons off, as /cancel and the sweep do (tests/e2e/test_guided_chats.py has those). A step
asked in two messages (registration's phone: a share-my-number keyboard, then 跳过) stores its
question once, and no ending leaves its keyboard or its 跳过 behind."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from local_api import FakeUser, SentMessage
from storage.volunteers import leave
from tests.e2e.conftest import ADMIN_ID, Harness, reply_keyboard
from tests.e2e.test_guided_chats import sweep_now
from tests.e2e.volunteer_steps import (
    answer_question,
    invite,
    phone_questions,
    register,
    report_to_place,
)

HELPER = 8_700_001  # a coordinator promoted by ADMIN_ID, then demoted


async def confirmed(bot: Harness, user: FakeUser, command: str) -> SentMessage:
    """`command` (/leave, /deleteme, /demote …) and ✅ under its question; the reply."""
    question = await bot.ask(user, command)
    return await answer_question(bot, user, question, bot.ui.volunteers.confirm_yes)


async def test_leave_takes_the_buttons_off_a_report_half_way(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(8_700_011)
    await register(bot, user, await invite(bot, "城关镇"))
    types = await bot.ask(user, "/report")
    assert types.buttons(), types.content
    left = await confirmed(bot, user, "/leave")
    assert left.source_text == bot.ui.volunteers.left
    assert bot.as_now(types).buttons() == []  # none left to press


async def test_deleteme_takes_the_buttons_off_an_open_chat(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(8_700_012)
    towns = await bot.ask(user, "/adviser")
    assert towns.buttons(), towns.content
    await confirmed(bot, user, "/deleteme")
    assert bot.as_now(towns).buttons() == []
    assert await bot.services.chats.open(user.id) == []


async def test_demotion_takes_the_buttons_off_a_broadcast_half_way(
    bot_with_admins: Harness,
) -> None:
    bot = bot_with_admins
    admin, helper = bot.api.user(ADMIN_ID, "管理员"), bot.api.user(HELPER, "小帮手")
    await bot.ask(helper, "/start")
    await confirmed(bot, admin, f"/promote {HELPER}")
    await bot.settle()  # the helper is told of the promotion first
    draft = await bot.ask(helper, "/broadcast")
    assert draft.buttons(), draft.content
    await confirmed(bot, admin, f"/demote {HELPER}")
    await bot.settle()
    assert bot.as_now(draft).buttons() == []
    assert await bot.services.chats.open(helper.id) == []


async def phone_step(bot: Harness, user: FakeUser) -> tuple[SentMessage, SentMessage]:
    """Registration (an invite link) up to its phone step: the question with the share-my-
    number keyboard, and the one with 跳过."""
    await bot.ask(user, f"/start join_{await invite(bot, '城关镇')}")
    ask_place = await bot.ask(user, "李四")
    ask_org = await bot.answer(user, ask_place, "城关社区")
    bot.api.press_button(user, ask_org, bot.ui.volunteers.skip_button)
    return await phone_questions(bot, user, ask_org)


def keyboard_taken_down(bot: Harness, chat_id: int) -> bool:
    """Whether the reply keyboard last sent to `chat_id` was taken down since."""
    sent = [m.params.get("reply_markup") for m in bot.sent_to(chat_id)]
    keyboards = [m for m in sent if isinstance(m, dict) and "inline_keyboard" not in m]
    return keyboards[-1] == {"remove_keyboard": True}


async def test_the_phone_step_is_noted_once(bot_with_admins: Harness) -> None:
    """Asked in two messages (a reply keyboard and 跳过), the step stores its question once:
    the message with 跳过, and that the keyboard shows."""
    bot = bot_with_admins
    user = bot.api.user(8_700_021)
    writes: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith(("UPDATE conversation_draft", "INSERT INTO conversation_draft")):
            writes.append(statement)

    engine = bot.services.db.engine.sync_engine
    await bot.ask(user, f"/start join_{await invite(bot, '城关镇')}")
    ask_place = await bot.ask(user, "李四")
    ask_org = await bot.answer(user, ask_place, "城关社区")
    await bot.settle()  # its question is noted after it is sent
    event.listen(engine, "before_cursor_execute", note)
    try:
        bot.api.press_button(user, ask_org, bot.ui.volunteers.skip_button)
        _ask_phone, skip = await phone_questions(bot, user, ask_org)
        await bot.settle()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(writes) == 2, "\n".join(writes)  # the step with its answer, then its question
    [chat] = await bot.services.chats.open(user.id)
    assert (chat.step, chat.question, chat.keyboard) == ("phone", skip.message_id, True)


# The endings a chat does not speak for itself: each takes the keyboard and buttons down.
ENDINGS = ("/cancel", "timeout", "/start, 放弃", "/deleteme")


async def end_by(bot: Harness, user: FakeUser, ending: str) -> None:
    """Ends the person's open chat the way `ending` (one of ENDINGS) says; /start asks first
    when the chat holds answers, and 放弃 ends it."""
    if ending == "/cancel":
        await bot.ask(user, "/cancel")
    elif ending == "timeout":
        [chat] = await bot.services.chats.open(user.id)
        bot.clock.advance(chat.flow.idle + timedelta(minutes=1))
        await sweep_now(bot)
    elif ending == "/start, 放弃":
        asked = await bot.ask(user, "/start")
        bot.api.press_button(user, asked, bot.ui.chat.drop_button)
    else:
        await confirmed(bot, user, "/deleteme")
    await bot.settle()


def left_nothing_live(bot: Harness, user: FakeUser, question: SentMessage) -> bool:
    """Whether `question` lost its buttons and the reply keyboard shown with it is down."""
    return bot.as_now(question).buttons() == [] and keyboard_taken_down(bot, user.id)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_no_ending_leaves_the_phone_steps_keyboard_or_button(
    bot_with_admins: Harness, ending: str
) -> None:
    bot = bot_with_admins
    user = bot.api.user(8_700_022)
    _ask_phone, skip = await phone_step(bot, user)
    await end_by(bot, user, ending)
    assert left_nothing_live(bot, user, skip)
    assert await bot.services.chats.open(user.id) == []


async def test_leave_at_the_place_step_takes_its_keyboard_down(bot_with_admins: Harness) -> None:
    """The report's place is asked with a share-my-location keyboard."""
    bot = bot_with_admins
    user = bot.api.user(8_700_025)
    await register(bot, user, await invite(bot, "城关镇"))
    place = await report_to_place(bot, user)
    assert reply_keyboard(place)["keyboard"][0][0]["request_location"] is True
    left = await confirmed(bot, user, "/leave")
    assert reply_keyboard(left) == {"remove_keyboard": True}


async def test_a_chat_started_again_takes_the_buttons_off_the_one_it_replaces(
    bot: Harness,
) -> None:
    """/adviser while its town list is open: the new list is the one to press."""
    user = bot.api.user(8_700_031)
    first = await bot.ask(user, "/adviser")
    second = await bot.ask(user, "/adviser")
    assert second.buttons(), second.content
    assert bot.as_now(first).buttons() == []


async def test_a_forged_skip_at_the_phone_step_changes_nothing(bot_with_admins: Harness) -> None:
    """跳过 carrying an argument is no 跳过: expired, and the phone is still asked."""
    bot = bot_with_admins
    user = bot.api.user(8_700_026)
    _ask_phone, skip = await phone_step(bot, user)
    [chat] = await bot.services.chats.open(user.id)
    answer = await bot.press(user, skip, f"1:j:{chat.token}:skip:0")
    assert answer["text"] == bot.ui.stale_step
    [still] = await bot.services.chats.open(user.id)
    assert (still.step, still.question) == ("phone", skip.message_id)


async def test_a_role_lost_elsewhere_takes_the_place_keyboard_down(
    bot_with_admins: Harness,
) -> None:
    """Left in another process (a standby's /leave, the CLI): the next step is refused, and the
    refusal takes down the share-my-location keyboard, which would otherwise send a location
    for nothing."""
    bot = bot_with_admins
    user = bot.api.user(8_700_027)
    await register(bot, user, await invite(bot, "城关镇"))
    place = await report_to_place(bot, user)
    assert reply_keyboard(place)["keyboard"][0][0]["request_location"] is True
    async with bot.services.db.session() as session:
        assert await leave(session=session, telegram_id=user.id, now=bot.services.now())
    refused = await bot.ask(user, "文化广场")
    assert refused.source_text == bot.ui.volunteers.not_volunteer
    assert reply_keyboard(refused) == {"remove_keyboard": True}
    await bot.settle()  # the draft goes after the refusal is said
    assert await bot.services.chats.open(user.id) == []
