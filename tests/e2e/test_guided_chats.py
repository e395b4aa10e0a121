"""Every guided chat behaves alike (issue 9 §3): /cancel ends it and the next message is an
ordinary question; so do /start and the menu's 💬 问个问题, saying which chat they ended by its
name (one holding answers, as registration past its name, is asked about first: 放弃，去做新的
ends it; tests/e2e/test_leaving_chats.py has the rest), and /help names the open chat; opened
over another chat holding an answer, each asks first and opens once that one is given up; idle
past its flow's timeout it is dropped by the sweep, with the flow's timed-out text or quietly;
its buttons pressed after it ended answer as expired and change nothing; a restart of the bot
keeps it where it was.

Each flow is started as the person it is for (a resident, a volunteer registering or
registered, the coordinator ADMIN_ID, a desk's staff member) and run through the same checks;
the sweep, a job every minute in production, is run at once after the clock is moved.
"""

import html
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from content.ui import UiTexts
from handlers.kit.conversation import title
from local_api import FakeUser, SentMessage
from storage.drafts import drafts_of
from tests.broadcasting import add_subscribers
from tests.e2e.conftest import ADMIN_ID, Harness, RestartableBot
from tests.e2e.test_precheck import choose, open_check
from tests.e2e.ticket_steps import (
    OTHER_TOWN,
    STAFF,
    STAFF_OTHER_DESK,
    TOWN,
    after,
    desk_message,
    desks_server,
    group,
    leave_message,
)
from tests.e2e.volunteer_steps import invite, register, report_to_card, say

USER = 8_600_001  # the resident or volunteer each flow is run as
BYSTANDER = 8_600_002  # asks the same question with no chat open
REVIEWED_VOLUNTEER = 8_600_003  # submits the report whose 退回 opens the reason prompt
QUESTION = "拖欠工资怎么办"


Entry = Callable[[], Awaitable[SentMessage]]  # what the person does to open the chat


def command(bot: Harness, user: FakeUser, text: str) -> Entry:
    return lambda: bot.ask(user, text)


def tapping(bot: Harness, user: FakeUser, message: SentMessage, label: str) -> Entry:
    return lambda: bot.tap(user, message, label)


async def _join(bot: Harness) -> tuple[FakeUser, Entry]:
    """An invite link: the registration asks for the name."""
    user, code = bot.api.user(USER, "李四"), await invite(bot)
    return user, command(bot, user, f"/start join_{code}")


async def _to_town(bot: Harness, user: FakeUser, _asked: SentMessage) -> SentMessage:
    """Registration past the name, at its town step (the name step has no buttons)."""
    [ask_place] = await say(bot, user, "李四")
    assert ask_place.buttons(), ask_place.content
    return ask_place


async def _report(bot: Harness) -> tuple[FakeUser, Entry]:
    user = bot.api.user(USER, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    return user, command(bot, user, "/report")


async def _broadcast(bot: Harness) -> tuple[FakeUser, Entry]:
    admin = bot.api.user(ADMIN_ID, "协调员")
    return admin, command(bot, admin, "/broadcast")


async def _scheduled_edit(bot: Harness) -> tuple[FakeUser, Entry]:
    """/scheduled → 📝 of a broadcast scheduled for tomorrow."""
    await add_subscribers(bot.services.db, [BYSTANDER + 1])
    admin = bot.api.user(ADMIN_ID, "协调员")
    await bot.ask(admin, "/broadcast")
    audience = await bot.ask(admin, "本周六普法讲座")
    await bot.tap(admin, audience, "👥 所有订阅者")
    bot.api.send_text(admin, "明天上午9点")
    _preview, confirm = await bot.replies(ADMIN_ID, 2)
    await bot.tap(admin, confirm, "✅ 确认发送")
    listing = await bot.ask(admin, "/scheduled")
    label = next(x for x in listing.button_labels() if x.startswith("📝 改内容"))
    return admin, tapping(bot, admin, listing, label)


async def _campaign_edit(bot: Harness) -> tuple[FakeUser, Entry]:
    """/campaigns → a campaign → 📅 its dates this year."""
    admin = bot.api.user(ADMIN_ID, "协调员")
    overview = await bot.ask(admin, "/campaigns")
    label = next(x for x in overview.button_labels() if x.startswith("国家网络安全宣传周"))
    detail = await bot.tap(admin, overview, label)
    dates = next(x for x in detail.button_labels() if x.startswith("📅"))
    return admin, tapping(bot, admin, detail, dates)


async def _contest(bot: Harness) -> tuple[FakeUser, Entry]:
    admin = bot.api.user(ADMIN_ID, "协调员")
    listing = await bot.ask(admin, "/contest")
    return admin, tapping(bot, admin, listing, bot.ui.quiz.new_button)


async def _precheck(bot: Harness) -> tuple[FakeUser, Entry]:
    """/legalaid's 我能申请法律援助吗？ (the intro comes first)."""
    user = bot.api.user(USER)
    menu = await bot.ask(user, "/legalaid")

    async def entry() -> SentMessage:
        bot.api.press_button(user, menu, bot.ui.residents.aid_menu_check)
        [first, *_] = await bot.api.wait_for_messages(user.id)
        if first.source_text != bot.ui.residents.check_intro:
            return first  # not opened: asked about another chat
        _intro, question = await bot.api.wait_for_messages(user.id, 2)
        return question

    return user, entry


async def _adviser(bot: Harness) -> tuple[FakeUser, Entry]:
    user = bot.api.user(USER)
    return user, command(bot, user, "/adviser")


async def _ticket(bot: Harness) -> tuple[FakeUser, Entry]:
    user = bot.api.user(USER)
    help_message = await bot.ask(user, "/help")
    return user, tapping(bot, user, help_message, bot.ui.tickets.leave_button)


async def _sent_ticket(bot: Harness, town: str, desk_chat: int) -> SentMessage:
    """A resident's message, as the desk's chat sees it."""
    mark = after(bot)
    await leave_message(bot, bot.api.user(USER), "公司拖欠我三个月工资，怎么办？", town=town)
    return await desk_message(bot, mark, desk_chat)


async def _staff_reply(bot: Harness) -> tuple[FakeUser, Entry]:
    """回复 in the private chat of a desk's staff member: a prompt for the answer."""
    staff = bot.api.user(STAFF_OTHER_DESK)
    ticket = await _sent_ticket(bot, OTHER_TOWN, staff.id)
    return staff, tapping(bot, staff, ticket, bot.ui.tickets.reply_button)


async def _resident_more(bot: Harness) -> tuple[FakeUser, Entry]:
    """The resident's 补充 under the desk's answer: a prompt for the follow-up."""
    desk, staff = group(bot), bot.api.user(STAFF)
    ticket = await _sent_ticket(bot, TOWN, desk.id)
    prompt = await bot.tap(staff, ticket, bot.ui.tickets.reply_button)
    mark = after(bot)
    bot.api.send_text(staff, "请带上劳动合同。", chat=desk, reply_to=prompt.message_id)
    [answer] = await bot.api.wait_for_messages(USER, after=mark)
    await bot.api.wait_for_messages(desk.id, after=mark)
    resident = bot.api.user(USER)
    return resident, tapping(bot, resident, answer, bot.ui.tickets.more_button)


async def _return_reason(bot: Harness) -> tuple[FakeUser, Entry]:
    """↩️ 退回 under a new report's notification: a prompt for the reason."""
    volunteer = bot.api.user(REVIEWED_VOLUNTEER)
    await register(bot, volunteer, await invite(bot, "城关镇"))
    card = await report_to_card(bot, volunteer)
    mark = after(bot)
    bot.api.press_button(volunteer, card, "提交")
    notice = (await bot.api.wait_for_messages(ADMIN_ID, after=mark))[0]
    admin = bot.api.user(ADMIN_ID)
    return admin, tapping(bot, admin, notice, bot.ui.review.return_button)


Text = Callable[[UiTexts], str]


@dataclass(frozen=True)
class Case:
    """One flow: how it starts (`prepare` readies the person and what they do to open it;
    `then` what they answer first, if anything, to reach the prompt whose buttons it
    carries) and what it says when cancelled and when timed out (None: it ends quietly)."""

    flow: str
    prepare: Callable[[Harness], Awaitable[tuple[FakeUser, Entry]]]
    first_prompt: str  # a part of the prompt it is started at
    cancelled: Text
    timed_out: Text | None
    # The answer to one of its buttons pressed after it ended (None: a flow without buttons).
    expired: Text | None
    # How many answers it holds as it is started (then /start asks before ending it).
    answered: int = 0
    then: Callable[[Harness, FakeUser, SentMessage], Awaitable[SentMessage]] | None = None
    opened: str = ""  # a part of what the entry itself replies, when `then` follows

    async def start(self, bot: Harness) -> tuple[FakeUser, SentMessage]:
        user, entry = await self.prepare(bot)
        prompt = await entry()
        return user, await self.then(bot, user, prompt) if self.then else prompt


CASES = [
    Case(
        "register",
        _join,
        "乡镇",
        lambda ui: ui.volunteers.join_cancelled,
        None,
        lambda ui: ui.stale_button,
        answered=1,  # the name
        then=_to_town,
        opened="姓名",
    ),
    Case(
        "report",
        _report,
        "类型",
        lambda ui: ui.volunteers.report_cancelled,
        lambda ui: ui.volunteers.report_timed_out,
        lambda ui: ui.volunteers.report_none,
    ),
    Case(
        "broadcast",
        _broadcast,
        "新建通知",
        lambda ui: ui.broadcasts.cancelled_draft,
        None,
        lambda ui: ui.broadcasts.stale_draft,
    ),
    Case(
        "scheduled-edit",
        _scheduled_edit,
        "#",
        lambda ui: ui.broadcasts.edit_cancelled,
        None,
        None,
    ),
    Case(
        "campaign-edit",
        _campaign_edit,
        "例如",
        lambda ui: ui.broadcasts.edit_cancelled,
        None,
        None,
    ),
    Case(
        "contest",
        _contest,
        "新建竞赛",
        lambda ui: ui.quiz.cancelled,
        lambda ui: ui.quiz.timed_out,
        lambda ui: ui.stale_button,
    ),
    Case(
        "precheck",
        _precheck,
        "第 1 题",
        lambda ui: ui.residents.check_cancelled,
        None,
        lambda ui: ui.stale_button,
    ),
    Case(
        "adviser",
        _adviser,
        "法律顾问",
        lambda ui: ui.residents.adviser_cancelled,
        None,
        lambda ui: ui.stale_button,
    ),
    Case(
        "ticket",
        _ticket,
        "留言给工作人员",
        lambda ui: ui.tickets.cancelled,
        lambda ui: ui.tickets.timed_out,
        lambda ui: ui.stale_button,
    ),
    Case(
        "tkreply",
        _staff_reply,
        "写下给居民的答复",
        lambda ui: ui.tickets.cancelled,
        None,
        None,
    ),
    Case(
        "rvreason",
        _return_reason,
        "退回报告",
        lambda ui: ui.review.not_returned,
        lambda ui: ui.review.timed_out,
        None,
    ),
    Case(
        "tkmore",
        _resident_more,
        "要补充的内容",
        lambda ui: ui.tickets.cancelled,
        None,
        None,
    ),
]
BY_FLOW = pytest.mark.parametrize("case", CASES, ids=[c.flow for c in CASES])
WITH_BUTTONS = pytest.mark.parametrize(
    "case", [c for c in CASES if c.expired], ids=[c.flow for c in CASES if c.expired]
)


@pytest.fixture
async def server(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[RestartableBot]:
    """The coordinator ADMIN_ID, a desk residents can write to, no question throttle."""
    async with desks_server(tmp_path, library, index) as bot:
        yield bot


async def started(server: RestartableBot, case: Case) -> tuple[Harness, FakeUser, SentMessage]:
    bot = server.harness
    assert bot is not None
    user, prompt = await case.start(bot)
    assert case.first_prompt in prompt.content, prompt.content
    await bot.settle()  # some flows write the draft after sending the prompt
    assert [c.flow.name for c in await bot.services.chats.open(user.id)] == [case.flow]
    return bot, user, prompt


async def rows(bot: Harness, user: FakeUser) -> list[str]:
    """The person's chats' draft rows as stored (idle ones included; not a question's)."""
    async with bot.services.db.session() as session:
        found = await drafts_of(session=session, telegram_id=user.id)
    return [d.flow for d in found if not d.flow.startswith("?")]


async def an_ordinary_question(bot: Harness, user: FakeUser) -> None:
    """A plain message gets what anyone with no chat open gets: the step did not take it."""
    expected = await bot.ask(bot.api.user(BYSTANDER), QUESTION)
    assert (await bot.ask(user, QUESTION)).content == expected.content


async def sweep_now(bot: Harness) -> None:
    """Runs the periodic sweep (every minute in production) at once."""
    assert bot.app.job_queue is not None
    [job] = bot.app.job_queue.get_jobs_by_name("chat-sweep")
    await job.run(bot.app)


@BY_FLOW
async def test_cancel_ends_the_chat_and_the_next_message_is_a_question(
    server: RestartableBot, case: Case
) -> None:
    bot, user, prompt = await started(server, case)
    cancelled = await bot.ask(user, "/cancel")
    assert cancelled.source_text == case.cancelled(bot.ui)
    assert bot.as_now(prompt).buttons() == []  # none left to press
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)
    assert (await bot.ask(user, "/cancel")).source_text == bot.ui.volunteers.nothing_to_cancel


@BY_FLOW
async def test_typed_cancel_ends_the_chat_and_back_is_not_an_answer(
    server: RestartableBot, case: Case
) -> None:
    """返回 typed is not saved as an answer (a village called 返回): the chat stays where it
    is and says so; 取消 typed is the chat's 取消, as /cancel."""
    bot, user, prompt = await started(server, case)
    for typed in ("返回", " 上一步。"):
        refused = await bot.ask(user, typed)
        word = typed.strip(" 。")
        assert refused.source_text == bot.ui.chat.not_an_answer.format(word=word)
        assert await rows(bot, user) == [case.flow]
    cancelled = await bot.ask(user, "取消")
    assert cancelled.source_text == case.cancelled(bot.ui)
    assert bot.as_now(prompt).buttons() == []
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)


def left(bot: Harness, case: Case) -> str:
    flow = bot.services.chats._flows[case.flow]
    return bot.ui.chat.left_chats.format(names=f"“{title(flow, bot.ui)}”")


async def leaving(
    bot: Harness, user: FakeUser, case: Case, prompt: SentMessage
) -> list[SentMessage]:
    """The two messages /start or 💬 问个问题 just sent: the chat's name, then what follows;
    the chat's `prompt` has lost its buttons. A chat holding answers is asked about first,
    and 放弃，去做新的 is pressed (what follows is the same then)."""
    if not case.answered:
        said = await bot.replies(user.id, 2)
        assert bot.as_now(prompt).buttons() == []
        return said
    [question] = await bot.api.wait_for_messages(user.id)
    flow = bot.services.chats._flows[case.flow]
    name = title(flow, bot.ui)
    assert question.source_text == bot.ui.chat.unfinished.format(name=name, count=case.answered)
    assert await rows(bot, user) == [case.flow]
    bot.api.press_button(user, question, bot.ui.chat.drop_button)
    said = await bot.replies(user.id, 2)
    assert bot.as_now(question).buttons() == bot.as_now(prompt).buttons() == []
    return said


@BY_FLOW
async def test_start_ends_the_chat_by_its_name_and_the_next_message_is_a_question(
    server: RestartableBot, case: Case
) -> None:
    bot, user, prompt = await started(server, case)
    bot.api.send_command(user, "/start")
    told, welcome = await leaving(bot, user, case, prompt)
    assert told.source_text == left(bot, case)
    assert welcome.source_text == bot.ui.welcome.format(name=html.escape(user.first_name))
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)
    assert (await bot.ask(user, "/start")).source_text == welcome.source_text  # nothing to end


async def test_an_invite_link_opens_registration_beside_an_open_chat(
    server: RestartableBot,
) -> None:
    """`/start join_<code>` opens a chat of its own: it is not a fresh start that ends others."""
    bot = server.harness
    assert bot is not None
    user = bot.api.user(USER, "李四")
    await open_check(bot, user)
    code = await invite(bot)
    bot.api.send_command(user, f"/start join_{code}")
    [ask_name] = await bot.api.wait_for_messages(user.id)
    assert "姓名" in ask_name.content
    [ask_town] = await say(bot, user, "李四")  # the registration takes it
    assert "乡镇" in ask_town.content
    assert sorted(await rows(bot, user)) == ["precheck", "register"]


@BY_FLOW
async def test_help_names_the_open_chat_and_ask_a_question_ends_it(
    server: RestartableBot, case: Case
) -> None:
    bot, user, prompt = await started(server, case)
    flow = bot.services.chats._flows[case.flow]
    help_message = await bot.ask(user, "/help")
    hint = bot.ui.chat.help_open_chat.format(name=title(flow, bot.ui))
    assert help_message.source_text is not None and help_message.source_text.endswith(hint)
    bot.api.press_button(user, help_message, bot.ui.menu_ask)
    told, asking = await leaving(bot, user, case, prompt)
    assert [told.source_text, asking.source_text] == [left(bot, case), bot.ui.ask_prompt]
    assert await rows(bot, user) == []
    await an_ordinary_question(bot, user)
    assert hint not in ((await bot.ask(user, "/help")).source_text or "")


async def a_check_with_an_answer(bot: Harness, user: FakeUser) -> None:
    """A pre-check with its first question answered: a chat anyone can have that holds an
    answer the person gave."""
    question = await open_check(bot, user)
    await choose(bot, user, question, question.button_labels()[0])
    assert await rows(bot, user) == ["precheck"]


@BY_FLOW
async def test_opening_it_over_a_chat_with_answers_asks_first_then_opens_it(
    server: RestartableBot, case: Case
) -> None:
    """Every way into a chat goes through the kit's check (`begin`): with a chat holding an
    answer open (a pre-check), the entry (a command, a link, a button) only asks, naming that
    chat; 放弃并开始“…” ends it and opens this chat as the entry does."""
    bot = server.harness
    assert bot is not None
    user, entry = await case.prepare(bot)
    assert await rows(bot, user) == []
    await a_check_with_an_answer(bot, user)
    question = await entry()
    names = bot.ui.chat.flow_names
    held = names["precheck"]
    assert question.source_text == bot.ui.chat.unfinished.format(name=held, count=1)
    drop = bot.ui.chat.drop_for.format(name=names[case.flow])
    assert question.button_labels() == [bot.ui.chat.keep_button, drop]
    await bot.settle()
    assert await rows(bot, user) == ["precheck"]
    answer = await bot.press(user, question, question.buttons()[1][0]["callback_data"])
    assert answer["text"] is None, answer  # answered once, and quietly
    [told] = await bot.replies(user.id, 1)
    assert bot.as_now(question).buttons() == []
    assert told.source_text == bot.ui.chat.left_chats.format(names=f"“{held}”")
    await bot.settle()
    assert await rows(bot, user) == [case.flow]
    opened = [m.content for m in bot.sent_to(user.id) if m.index > told.index]
    assert any((case.opened or case.first_prompt) in text for text in opened), opened


@BY_FLOW
async def test_an_idle_chat_is_dropped_with_its_flows_timed_out_text(
    server: RestartableBot, case: Case
) -> None:
    bot, user, prompt = await started(server, case)
    [chat] = await bot.services.chats.open(user.id)
    bot.clock.advance(chat.flow.idle - timedelta(minutes=1))
    await sweep_now(bot)
    assert await rows(bot, user) == [case.flow]  # not yet
    bot.clock.advance(timedelta(minutes=2))
    assert await bot.services.chats.open(user.id) == []  # gone for updates before the sweep
    before = len(bot.sent_to(user.id))
    await sweep_now(bot)
    assert await rows(bot, user) == []
    told = [m.source_text for m in bot.sent_to(user.id)[before:]]
    assert told == [case.timed_out(bot.ui) if case.timed_out else bot.ui.chat_timed_out]
    assert bot.as_now(prompt).buttons() == []  # none left to press
    if case.expired is not None:
        [[button, *_], *_] = prompt.buttons()
        answer = await bot.press(user, prompt, button["callback_data"])
        assert answer["text"] == case.expired(bot.ui), button
    await an_ordinary_question(bot, user)


@WITH_BUTTONS
async def test_a_button_pressed_after_the_chat_ended_is_expired(
    server: RestartableBot, case: Case
) -> None:
    bot, user, prompt = await started(server, case)
    await bot.ask(user, "/cancel")
    assert case.expired is not None
    for row in prompt.buttons():
        for button in row:
            before = len(bot.sent_to(user.id))
            answer = await bot.press(user, prompt, button["callback_data"])
            assert answer["text"] == case.expired(bot.ui) and answer["show_alert"], button
            assert await rows(bot, user) == []
            await bot.settle()
            assert bot.sent_to(user.id)[before:] == [], button


@BY_FLOW
async def test_a_restart_keeps_the_chat(server: RestartableBot, case: Case) -> None:
    bot, user, _prompt = await started(server, case)
    bot = await server.restart()
    assert [c.flow.name for c in await bot.services.chats.open(user.id)] == [case.flow]
    assert (await bot.ask(user, "/cancel")).source_text == case.cancelled(bot.ui)


async def test_every_flow_is_in_the_table(server: RestartableBot) -> None:
    """A new guided chat joins these checks."""
    assert server.harness is not None
    assert sorted(server.harness.services.chats._flows) == sorted(c.flow for c in CASES)


def test_every_flow_has_a_name(library: Library) -> None:
    """/start, 💬 问个问题 and /help name a chat by `chat.flow_names`: one for each flow."""
    assert sorted(library.ui.chat.flow_names) == sorted(c.flow for c in CASES)
