"""/start, the menu's 💬 问个问题, /legalaid, a start link and the start of another chat with a
guided chat open (the QA walkthrough: a volunteer half-way through /report typed /start and
lost the answers and photos at once; then /broadcast, 留言给工作人员 or a link replaced it
unasked, and giving it up always led to /start's welcome).

A chat holding answers the person gave is not ended or replaced unasked: one message names it
and how many answers it holds, with 继续填写 (its current question again) and a button that
ends it and then does what the person asked for (放弃并开始“新建通知” for another chat, else
放弃，去做新的): the menu of /legalaid, the card of a link, the chat of 留言给工作人员. The
question's row holds what was asked and the chat as it was; its buttons carry only the row's
token, so a press after the chat moved on, after it ended, or forged, is refused and changes
nothing; they outlive a restart. A chat with nothing answered yet ends (or is replaced) at once
as before, and a group's /start touches no chat. tests/e2e/test_guided_chats.py opens every
flow over a chat holding an answer.
"""

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from content.loader import Library
from content.search import SearchIndex
from handlers.kit.callbacks import Kind, make
from local_api import FakeUser, SentMessage
from storage.drafts import drafts_of
from tests.e2e.conftest import ADMIN_ID, Harness, RestartableBot, restartable_bot
from tests.e2e.volunteer_steps import (
    answer_question,
    answers_to_materials,
    invite,
    press,
    register,
    report_to_place,
    say,
)

VOLUNTEER = 8_700_001
BYSTANDER = 8_700_002  # asks the same question with no chat open
RESIDENT = 8_700_003
GROUP = -1_008_700_001
QUESTION = "拖欠工资怎么办"
# At the photos step with one photo in: type, date, topic, place, audience, hours and photos
# (the materials were skipped: not an answer).
ANSWERED = 7


@pytest.fixture
async def server(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[RestartableBot]:
    """The shipped content (its sample desks), the coordinator ADMIN_ID for invites, no
    question throttle; restartable."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=10_000) as bot:
        yield bot


def running(server: RestartableBot) -> Harness:
    assert server.harness is not None
    return server.harness


async def rows(bot: Harness, user: FakeUser) -> list[tuple[str, str, int]]:
    """The person's chats' drafts as stored (not the question's row): flow, step, revision."""
    async with bot.services.db.session() as session:
        found = await drafts_of(session=session, telegram_id=user.id)
    return [(d.flow, d.step, d.revision) for d in found if not d.flow.startswith("?")]


async def at_photos(bot: Harness, user_id: int = VOLUNTEER) -> FakeUser:
    """A registered volunteer's /report at its photos step, one photo sent."""
    user = bot.api.user(user_id, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    kept = await back_at_photos(bot, user)
    assert bot.ui.volunteers.photos_done_button in kept.button_labels(), kept.button_labels()
    return user


async def at_text_from_a_link(bot: Harness) -> FakeUser:
    """A resident's message to a sample desk opened from the desk's link: the field and the
    town come with it, the question for the message says the desk is a sample."""
    resident = bot.api.user(RESIDENT, "王五")
    bot.api.send_command(resident, "/start msg_d_chengguan-judicial-office")
    [text_prompt] = await bot.api.wait_for_messages(resident.id)
    assert "字以内" in text_prompt.content and "示例" in text_prompt.content, text_prompt.content
    return resident


def asking(bot: Harness, count: int = ANSWERED) -> str:
    return bot.ui.chat.unfinished.format(name="活动报告", count=count)


async def asked(
    bot: Harness, user: FakeUser, how: str = "/start", drop: str | None = None
) -> SentMessage:
    """/start (or `how`) with the report open: the one question, nothing ended; `drop`: the
    label of its 放弃 button (放弃，去做新的 by default)."""
    before = await rows(bot, user)
    question = await bot.ask(user, how)
    assert question.source_text == asking(bot)
    labels = [bot.ui.chat.keep_button, drop or bot.ui.chat.drop_button]
    assert question.button_labels() == labels
    await bot.settle()
    assert await rows(bot, user) == before
    return question


def starting(bot: Harness, flow: str) -> str:
    """The 放弃 button of the question asked before chat `flow` opens."""
    return bot.ui.chat.drop_for.format(name=bot.ui.chat.flow_names[flow])


async def dropping(bot: Harness, user: FakeUser, question: SentMessage, label: str) -> SentMessage:
    """Presses 放弃… (answered once, quietly): the question loses its buttons, and so does
    the report's, which is ended, saying so; returns the first message of what follows."""
    [data] = [b["callback_data"] for row in question.buttons() for b in row if b["text"] == label]
    answer = await bot.press(user, question, data)
    assert answer["text"] is None, answer
    left, then = await bot.replies(user.id, 2)
    assert left.source_text == bot.ui.chat.left_chats.format(names="“活动报告”")
    assert bot.as_now(question).buttons() == bot.as_now(kept_answer(bot, user)).buttons() == []
    return then


async def an_ordinary_question(bot: Harness, user: FakeUser) -> None:
    """What anyone with no chat open gets: no chat took the message."""
    expected = await bot.ask(bot.api.user(BYSTANDER), QUESTION)
    assert (await bot.ask(user, QUESTION)).content == expected.content


async def nothing_more(bot: Harness, user: FakeUser, before: int) -> None:
    await bot.settle()
    assert bot.sent_to(user.id)[before:] == []


async def test_start_asks_before_ending_a_report_with_answers(server: RestartableBot) -> None:
    bot = running(server)
    user = await at_photos(bot)
    await asked(bot, user)
    [(flow, step, _revision)] = await rows(bot, user)
    assert (flow, step) == ("report", "photos")


async def test_keep_draws_the_current_question_and_the_report_goes_on(
    server: RestartableBot,
) -> None:
    bot = running(server)
    user = await at_photos(bot)
    question = await asked(bot, user)
    # The question's buttons go, and so do those of the answer to the photo: only the
    # photos question asked again can be pressed.
    prompt = await answer_question(bot, user, question, bot.ui.chat.keep_button)
    assert bot.as_now(kept_answer(bot, user)).buttons() == []
    done = bot.ui.volunteers.photos_done_button
    assert "照片" in prompt.content and done in prompt.button_labels(), prompt.content
    [summary_step] = await press(bot, user, prompt, done)
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "请核对" in card.content and "照片：1 张" in card.content, card.content
    answer = await bot.press(user, question, question.buttons()[0][0]["callback_data"])
    assert answer["text"] == bot.ui.stale_step and answer["show_alert"]  # answered once
    assert summary_step.content


async def test_drop_ends_the_report_and_shows_the_welcome(server: RestartableBot) -> None:
    bot = running(server)
    user = await at_photos(bot)
    question = await asked(bot, user)
    keep = question.buttons()[0][0]["callback_data"]
    observed: list[object] = []  # what the metrics hear of: the press, not the /start again
    bot.app.update_observers.append(lambda update, _took: observed.append(update))
    welcome = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert welcome.source_text == bot.ui.welcome.format(name=html.escape(user.first_name))
    await bot.settle()
    mine = [
        u
        for u in observed
        if isinstance(u, Update)
        and u.effective_user is not None
        and u.effective_user.id == user.id
    ]
    assert [u.callback_query is not None for u in mine] == [True]
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)
    before = len(bot.sent_to(user.id))
    answer = await bot.press(user, question, keep)  # the chat is gone
    assert answer["text"] == bot.ui.stale_button and answer["show_alert"]
    await nothing_more(bot, user, before)


async def test_drop_does_what_legalaid_a_link_or_ask_a_question_asked(
    server: RestartableBot,
) -> None:
    """Not the welcome: /legalaid's menu, the card a link names, 💬 问个问题's prompt (a
    button: its press is the one answered)."""
    bot = running(server)
    user = await at_photos(bot)
    menu = await dropping(bot, user, await asked(bot, user, "/legalaid"), bot.ui.chat.drop_button)
    assert menu.source_text == bot.ui.residents.aid_menu_title
    assert await rows(bot, user) == []

    await back_at_photos(bot, user)
    question = await asked(bot, user, "/start card_unpaid-wages")
    card = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert card.text is not None
    assert card.text.startswith(bot.services.library.cards["unpaid-wages"].title)

    await back_at_photos(bot, user)
    help_message = await bot.ask(user, "/help")
    bot.api.press_button(user, help_message, bot.ui.menu_ask)
    [question] = await bot.api.wait_for_messages(user.id)
    assert question.source_text == asking(bot)
    prompt = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert prompt.source_text == bot.ui.ask_prompt
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)


def kept_answer(bot: Harness, user: FakeUser) -> SentMessage:
    """The answer to the photo `back_at_photos` sent."""
    kept = bot.ui.volunteers.photo_received.split("{")[0]
    return [m for m in bot.sent_to(user.id) if m.content.startswith(kept)][-1]


async def back_at_photos(bot: Harness, user: FakeUser) -> SentMessage:
    """The registered volunteer's next /report, at its photos step, one photo sent: the
    answer to it (the question's 跳过 gone, its own 完成 below)."""
    await report_to_place(bot, user)
    materials = await answers_to_materials(bot, user)
    [photos] = await press(bot, user, materials, "跳过")
    assert "照片" in photos.content, photos.content
    bot.api.send_photo(user, "现场照片")
    [kept] = await bot.next_question(user, photos)
    assert [flow for flow, _step, _revision in await rows(bot, user)] == ["report"]
    return kept


async def test_a_command_asks_before_replacing_the_report(server: RestartableBot) -> None:
    """/broadcast with the coordinator's own report half-way: asked first; 继续填写 keeps the
    report and opens nothing; 放弃并开始“新建通知” ends it and opens the broadcast."""
    bot = running(server)
    admin = await at_photos(bot, ADMIN_ID)
    drop = starting(bot, "broadcast")
    question = await asked(bot, admin, "/broadcast", drop)
    prompt = await answer_question(bot, admin, question, bot.ui.chat.keep_button)
    assert bot.ui.volunteers.photos_done_button in prompt.button_labels(), prompt.content
    await bot.settle()
    assert [flow for flow, _step, _revision in await rows(bot, admin)] == ["report"]

    question = await asked(bot, admin, "/broadcast", drop)
    start = await dropping(bot, admin, question, drop)
    assert start.source_text == bot.ui.broadcasts.start
    await bot.settle()
    assert [flow for flow, _step, _revision in await rows(bot, admin)] == ["broadcast"]


async def test_a_button_asks_before_replacing_the_report(server: RestartableBot) -> None:
    """留言给工作人员 (a button of /help) with a report half-way."""
    bot = running(server)
    user = await at_photos(bot)
    help_message = await bot.ask(user, "/help")
    before = await rows(bot, user)
    question = await bot.tap(user, help_message, bot.ui.tickets.leave_button)
    drop = starting(bot, "ticket")
    assert question.source_text == asking(bot)
    assert question.button_labels() == [bot.ui.chat.keep_button, drop]
    await bot.settle()
    assert await rows(bot, user) == before
    first = await dropping(bot, user, question, drop)
    bystander = bot.api.user(BYSTANDER)
    help_there = await bot.ask(bystander, "/help")
    expected = await bot.tap(bystander, help_there, bot.ui.tickets.leave_button)
    assert first.content == expected.content  # as with no chat open
    assert [flow for flow, _step, _revision in await rows(bot, user)] == ["ticket"]


async def test_a_start_link_asks_before_replacing_the_report(server: RestartableBot) -> None:
    """A desk's 留言给工作人员 link: the message to that desk opens once the report is given
    up, at the question for the message (the desk and its field came with the link)."""
    bot = running(server)
    user = await at_photos(bot)
    question = await asked(bot, user, "/start msg_d_chengguan-judicial-office")
    text_prompt = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert "字以内" in text_prompt.content and "示例" in text_prompt.content, text_prompt.content
    assert [flow for flow, _step, _revision in await rows(bot, user)] == ["ticket"]


async def test_a_press_after_the_report_moved_on_or_forged_is_refused(
    server: RestartableBot,
) -> None:
    bot = running(server)
    user = await at_photos(bot)
    question = await asked(bot, user, "/legalaid")
    keep, drop = (row[0]["callback_data"] for row in question.buttons())
    token = drop.split(":")[1]
    bot.api.send_photo(user, "又一张")  # an answer after the question: its buttons are stale
    await bot.replies(user.id, 1)
    now = await rows(bot, user)
    forged = [
        keep,
        drop,
        make(Kind.LEAVE, "0000abcd", "drop"),
        make(Kind.LEAVE, token, "submit"),
        make(Kind.LEAVE, token, "drop", "1"),
        make(Kind.LEAVE, token),
        make(Kind.LEAVE),
    ]
    for data in forged:
        before = len(bot.sent_to(user.id))
        answer = await bot.press(user, question, data)
        assert answer["text"] == bot.ui.stale_step and answer["show_alert"], data
        await nothing_more(bot, user, before)
        assert await rows(bot, user) == now, data
    # asked again, the question shows the report as it is now, and its buttons count; the
    # older question's expire, and so does this one's for anyone else
    question = await asked(bot, user, "/legalaid")
    drop = question.buttons()[1][0]["callback_data"]
    other = bot.api.user(BYSTANDER)
    answer = await bot.press(other, question, drop)
    assert answer["text"] == bot.ui.stale_button and answer["show_alert"]
    assert await rows(bot, user) == now
    menu = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert menu.source_text == bot.ui.residents.aid_menu_title
    assert await rows(bot, user) == []
    before = len(bot.sent_to(user.id))
    answer = await bot.press(user, question, drop)  # twice
    assert answer["text"] == bot.ui.stale_button and answer["show_alert"]
    await nothing_more(bot, user, before)


async def test_the_question_outlives_a_restart(server: RestartableBot) -> None:
    bot = running(server)
    user = await at_photos(bot)
    question = await asked(bot, user)
    bot = await server.restart()
    prompt = await answer_question(bot, user, question, bot.ui.chat.keep_button)
    done = bot.ui.volunteers.photos_done_button
    assert "照片" in prompt.content and done in prompt.button_labels(), prompt.content
    question = await asked(bot, user, "/legalaid")
    bot = await server.restart()  # what was asked is kept with the question
    menu = await dropping(bot, user, question, bot.ui.chat.drop_button)
    assert menu.source_text == bot.ui.residents.aid_menu_title


async def test_ask_a_question_and_legalaid_ask_too(server: RestartableBot) -> None:
    """The menu's 💬 问个问题 and /legalaid start afresh as /start does: they ask first."""
    bot = running(server)
    user = await at_photos(bot)
    await asked(bot, user, "/legalaid")
    help_message = await bot.ask(user, "/help")
    bot.api.press_button(user, help_message, bot.ui.menu_ask)
    [question] = await bot.api.wait_for_messages(user.id)
    assert question.source_text == asking(bot)
    await nothing_more(bot, user, len(bot.sent_to(user.id)))
    assert [flow for flow, _step, _revision in await rows(bot, user)] == ["report"]


async def test_a_chat_with_nothing_answered_ends_at_once(server: RestartableBot) -> None:
    """A report at its first question, and a message to staff opened from a desk's link (its
    town and the sample desk's warning came with the link: nothing the resident gave). The
    question it ended on loses its buttons."""
    bot = running(server)
    user = bot.api.user(VOLUNTEER, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    types = await bot.ask(user, "/report")
    assert types.buttons()
    left, welcome = await say(bot, user, "/start", 2)
    assert left.source_text == bot.ui.chat.left_chats.format(names="“活动报告”")
    assert welcome.source_text == bot.ui.welcome.format(name=html.escape(user.first_name))
    assert bot.as_now(types).buttons() == []
    resident = await at_text_from_a_link(bot)
    left, _welcome = await say(bot, resident, "/start", 2)
    assert left.source_text == bot.ui.chat.left_chats.format(names="“留言给工作人员”")


async def test_a_message_to_staff_opened_from_a_link_asks_once_written(
    server: RestartableBot,
) -> None:
    """What the link filled in (the desk, its field and town) is not counted; the message
    written is."""
    bot = running(server)
    resident = await at_text_from_a_link(bot)
    bot.api.send_text(resident, "公司拖欠我三个月工资，怎么办？")
    await bot.api.wait_for_messages(resident.id, 2)  # the number question and its button
    question = await bot.ask(resident, "/start")
    assert question.source_text == bot.ui.chat.unfinished.format(name="留言给工作人员", count=1)


async def test_a_groups_start_touches_no_chat(server: RestartableBot) -> None:
    bot = running(server)
    user = await at_photos(bot)
    now = await rows(bot, user)
    group = bot.api.group(GROUP, "普法志愿者群")
    before = len(bot.sent_to(user.id))
    welcome = await bot.ask(user, "/start", chat=group)
    assert welcome.source_text == bot.ui.welcome.format(name=html.escape(user.first_name))
    await nothing_more(bot, user, before)
    assert await rows(bot, user) == now
