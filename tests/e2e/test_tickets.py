"""留言给工作人员 end to end, as residents and staff through the local Bot API server: a ticket
from question to answer to rating across restarts, office hours at fixed instants, reminders and
escalation on the test's clock, and refusals."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from domain.tickets import export_tickets
from handlers.kit.callbacks import Kind, make
from storage.models import TicketStatus
from storage.stats import Period
from storage.tickets import get_ticket
from tests.clock import TZ, local
from tests.e2e.conftest import ADMIN_ID, Harness, RestartableBot
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    GROUP_MEMBER,
    STAFF,
    STAFF_OTHER_DESK,
    after,
    desk_message,
    desks_server,
    group,
    leave_message,
    run_sla_check,
)
from tests.waiting import eventually

QUESTION = "老板拖欠我三个月工资不给，怎么办？😭"
PHONE = "13912345678"


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[RestartableBot]:
    async with desks_server(tmp_path, library, index, ticket_check_seconds=0.1) as bot:
        yield bot


async def test_question_to_answer_to_rating_across_restarts(desks_bot: RestartableBot) -> None:
    bot = desks_bot.harness
    assert bot is not None
    texts, resident, staff = bot.ui.tickets, bot.api.user(7_310_001), bot.api.user(STAFF)
    desk_chat = group(bot)
    # The card's 没解决 offers the message, with the card's field already chosen.
    card = await bot.ask(resident, "老板拖欠工资怎么办")
    thanks = await bot.tap(resident, card, bot.ui.unsolved_button)
    assert texts.leave_button in thanks.button_labels()
    town_prompt = await bot.tap(resident, thanks, texts.leave_button)
    assert town_prompt.content == plain_text(f"{texts.ask_title}\n{texts.ask_town}")
    await bot.api.wait_for_messages(resident.id)  # (the town prompt)

    mark = after(bot)
    sent = await leave_message(bot, resident, QUESTION, phone=PHONE)
    assert "#1" in sent.content and "前面还有 0 条" in sent.content  # open on Tuesday 10:00
    ticket = await desk_message(bot, mark)
    assert QUESTION in ticket.content and PHONE in ticket.content
    assert ticket.button_labels() == [
        texts.take_button, texts.reply_button, texts.transfer_button, texts.close_button,
    ]  # fmt: skip

    bot = await desks_bot.restart()
    taken = await bot.tap(staff, ticket, texts.take_button)
    assert taken.content == texts.taken.format(id=1)
    await bot.settle()  # the ticket's first button now says who took it
    assert bot.api.last_message(DESK_GROUP).button_labels()[0] == texts.taken_by_button.format(
        name="测试用户"
    )
    prompt = await bot.tap(staff, ticket, texts.reply_button)
    mark = after(bot)
    bot.api.send_text(
        staff,
        "请带上劳动合同和工资条，周三上午来司法所。",
        chat=desk_chat,
        reply_to=prompt.message_id,
    )
    [answer] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert answer.content.startswith("💬 测试镇司法所 答复你的留言 #1")
    assert "周三上午" in answer.content and "7300001" not in str(answer.message)
    await bot.api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民

    # The resident's follow-ups: a reply to the bot's message, then 补充.
    mark = after(bot)
    bot.api.send_text(resident, "好的，劳动合同丢了怎么办？", reply_to=answer.message_id)
    follow = await desk_message(bot, mark)
    assert "劳动合同丢了" in follow.content and "#1" in follow.content
    [passed] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert passed.content == texts.more_sent.format(desk="测试镇司法所", id=1)
    more = await bot.tap(resident, answer, texts.more_button)
    assert more.content == texts.more_prompt.format(id=1)
    mark = after(bot)
    bot.api.send_text(resident, "我还有微信聊天记录")
    assert "微信聊天记录" in (await desk_message(bot, mark)).content

    bot = await desks_bot.restart()
    mark = after(bot)  # a Telegram reply to the ticket itself answers too, after the restart
    bot.api.send_text(
        staff, "聊天记录也可以作为证据。", chat=desk_chat, reply_to=ticket.message_id
    )
    [second] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert "聊天记录也可以作为证据" in second.content
    mark = after(bot)
    bot.api.press_button(staff, ticket, texts.close_button)
    [rating] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert rating.content == texts.closed_resident.format(id=1)

    async def ticket_lost_its_buttons() -> bool:
        edits = [m for m in bot.api.messages_to(DESK_GROUP) if m.message_id == ticket.message_id]
        return edits[-1].action == "edit" and edits[-1].buttons() == []

    await eventually(ticket_lost_its_buttons)
    rated = await bot.tap(resident, rating, texts.rate_3)
    assert rated.content == texts.rated
    assert (await bot.press(resident, rating, rating.find_button(texts.rate_1)["callback_data"]))[
        "text"
    ] == texts.rated_already  # one rating

    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
        figures = await export_tickets(
            session=session, period=Period(date(2026, 3, 1), date(2026, 3, 31)), fmt="csv",
            library=bot.services.library, tz=TZ,
        )  # fmt: skip
    assert stored is not None and stored.status is TicketStatus.CLOSED and stored.rating == 3
    line = "测试镇司法所,2026-03,1,1,1,1,1,3,0,0,0,0,0"
    assert figures.data.decode("utf-8-sig").splitlines()[1] == line
    # The coordinator's /export 留言 gives the same figures (and nothing of the resident's).
    coordinator = bot.api.user(ADMIN_ID)
    sent = await bot.ask(coordinator, "/export 留言 2026-03 csv")
    assert sent.file is not None and sent.file.decode("utf-8-sig").splitlines()[1] == line
    assert QUESTION not in sent.file.decode("utf-8-sig")
    refused = await bot.ask(resident, "/export 留言 2026-03")
    assert refused.content == bot.ui.not_allowed


async def test_an_unsatisfied_or_so_so_rating_offers_a_new_message(
    desks_bot: RestartableBot,
) -> None:
    """🙁 不满意 after an answer is thanked with a next step: a button that opens a new message
    (the ended one's field and town already known) and the 12348 line; 😐 一般, more softly,
    the same button; 😊 满意 only thanks."""
    bot = desks_bot.harness
    assert bot is not None
    texts, staff, desk_chat = bot.ui.tickets, bot.api.user(STAFF), group(bot)
    residents = [bot.api.user(7_310_003), bot.api.user(7_310_004), bot.api.user(7_310_005)]
    unhappy, happy, so_so = residents
    ratings = []
    for resident in residents:
        mark = after(bot)
        await leave_message(bot, resident, "老板拖欠我三个月工资不给")
        ticket = await desk_message(bot, mark)
        mark = after(bot)
        bot.api.send_text(staff, "可以申请劳动仲裁。", chat=desk_chat, reply_to=ticket.message_id)
        await bot.api.wait_for_messages(resident.id, after=mark)
        mark = after(bot)
        bot.api.press_button(staff, ticket, texts.close_button)
        [rating] = await bot.api.wait_for_messages(resident.id, after=mark)
        ratings.append(rating)

    sorry = await bot.tap(unhappy, ratings[0], texts.rate_1)
    assert sorry.content == plain_text(texts.rated_unsatisfied) and "12348" in sorry.content
    assert sorry.button_labels() == [texts.leave_button]
    prompt = await bot.tap(unhappy, sorry, texts.leave_button)
    assert "字以内" in prompt.content  # the text asked: the field and the town are known
    thanked = await bot.tap(happy, ratings[1], texts.rate_3)
    assert (thanked.content, thanked.buttons()) == (texts.rated, [])
    offered = await bot.tap(so_so, ratings[2], texts.rate_2)
    assert offered.button_labels() == [texts.leave_button]
    assert offered.content == plain_text(texts.rated_so_so)
    prompt = await bot.tap(so_so, offered, texts.leave_button)
    assert "字以内" in prompt.content


async def test_forged_ids_and_other_desks_staff_are_refused(desks_bot: RestartableBot) -> None:
    bot = desks_bot.harness
    assert bot is not None
    texts, resident = bot.ui.tickets, bot.api.user(7_310_002)
    mark = after(bot)
    await leave_message(bot, resident, "邻居占了我家的宅基地")
    ticket = await desk_message(bot, mark)
    assert texts.desk_no_contact in ticket.content  # no phone without consent
    outsider, member = bot.api.user(STAFF_OTHER_DESK), bot.api.user(GROUP_MEMBER)
    take = make(Kind.DESK, "take", 1)
    assert (await bot.press(member, ticket, take))["text"] == texts.not_staff
    assert (await bot.press(outsider, ticket, take))["text"] == texts.not_staff
    for forged in (
        make(Kind.DESK, "take", 999),
        "1:dk:take:abc",
        "1:dk:take:99999999999",
    ):
        answer = await bot.press(bot.api.user(STAFF), ticket, forged)
        assert answer["text"] == bot.ui.stale_button, forged
    stranger = bot.api.user(7_310_003)  # a resident's buttons, forged in the desk's group
    for resident_button in (make(Kind.DESK, "rate", 1, 3), make(Kind.DESK, "more", 1)):
        answer = await bot.press(stranger, ticket, resident_button)
        assert answer["text"] == bot.ui.own_chat_button_only, resident_button
    mark = after(bot)  # a reply to the ticket from a group member who is not staff
    bot.api.send_text(member, "我来回复", chat=group(bot), reply_to=ticket.message_id)
    [refused] = await bot.api.wait_for_messages(DESK_GROUP, after=mark)
    assert refused.content == texts.not_staff
    assert [m for m in bot.api.messages_to(resident.id) if "我来回复" in m.content] == []


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (local(2026, 3, 10, 7, 0), "3月10日（周二）08:30"),  # before opening
        (local(2026, 3, 10, 12, 30), "3月10日（周二）14:00"),  # the lunch break
        (local(2026, 3, 14, 10, 0), "3月16日（周一）08:30"),  # a Saturday
        (local(2026, 4, 6, 10, 0), "4月7日（周二）08:30"),  # 清明节 (holidays.yaml)
    ],
)
async def test_outside_office_hours_the_resident_learns_when(
    desks_bot: RestartableBot, instant: object, expected: str
) -> None:
    bot = desks_bot.harness
    assert bot is not None
    desks_bot.clock.set(instant)  # type: ignore[arg-type]
    sent = await leave_message(bot, bot.api.user(7_310_010), "工伤认定要多久")
    assert expected in sent.content and "前面" not in sent.content


async def test_unanswered_ticket_reminds_then_escalates_once(desks_bot: RestartableBot) -> None:
    bot = desks_bot.harness
    assert bot is not None
    texts, clock = bot.ui.tickets, desks_bot.clock
    clock.flowing = False
    clock.set(local(2026, 3, 10, 10, 0))
    mark = after(bot)
    await leave_message(bot, bot.api.user(7_310_020), "公司不给交社保")
    await desk_message(bot, mark)
    reminder = texts.reminder.format(id=1, hours=2)
    mark = after(bot)
    clock.set(local(2026, 3, 10, 11, 59))
    await bot.settle()
    clock.set(local(2026, 3, 10, 12, 0))
    assert (await desk_message(bot, mark)).content == reminder
    clock.set(local(2026, 3, 10, 16, 0))  # 10-12 and 14-16: four open hours
    [escalation] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert "测试镇司法所" in escalation.content and "社保" not in escalation.content
    bot = await desks_bot.restart()
    clock.set(local(2026, 3, 11, 10, 0))
    jobs = bot.app.job_queue
    assert jobs is not None
    [job] = jobs.get_jobs_by_name("ticket-sla")
    for _ in range(2):
        await job.run(bot.app)
    await bot.settle()
    assert [m.content for m in bot.sent_to(DESK_GROUP)].count(reminder) == 1
    assert len([m for m in bot.sent_to(ADMIN_ID) if "#1" in m.content]) == 1


async def test_deadlines_count_the_desks_open_hours_only(desks_bot: RestartableBot) -> None:
    """Left on Friday evening, a message is not overdue on Monday at opening: it is due once
    the desk has been open REPLY_HOURS (two) hours, and the coordinators are told after four
    open hours (the lunch break does not count). By then the resident has waited since
    Friday, and the reminder says so."""
    bot = desks_bot.harness
    assert bot is not None
    texts, clock = bot.ui.tickets, desks_bot.clock
    clock.flowing = False
    clock.set(local(2026, 3, 13, 18, 0))  # a Friday, after closing
    mark = after(bot)
    await leave_message(bot, bot.api.user(7_310_030), "公司不给交社保")
    await desk_message(bot, mark)
    mark = after(bot)
    await run_sla_check(bot, local(2026, 3, 16, 8, 30))  # Monday, opening time
    await run_sla_check(bot, local(2026, 3, 16, 10, 29))
    assert bot.api.messages_to(DESK_GROUP)[-1].index < mark
    await run_sla_check(bot, local(2026, 3, 16, 10, 30))  # opened 08:30, plus two open hours
    assert (await desk_message(bot, mark)).content == texts.reminder.format(id=1, hours=64)
    mark = after(bot)
    await run_sla_check(
        bot, local(2026, 3, 16, 14, 29)
    )  # 08:30-12:00 and 14:00-14:29: not yet four
    assert [m for m in bot.api.messages_to(ADMIN_ID) if m.index >= mark] == []
    await run_sla_check(bot, local(2026, 3, 16, 14, 30))
    [escalation] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
    assert "68 小时" in escalation.content


async def test_a_follow_up_after_the_answer_reopens_the_ticket(desks_bot: RestartableBot) -> None:
    """The desk answered; the resident writes again: the ticket waits in the desk's queue
    again, the desk sees the follow-up, and its reminder comes after two more open hours."""
    bot = desks_bot.harness
    assert bot is not None
    texts, clock = bot.ui.tickets, desks_bot.clock
    resident, staff, desk_chat = bot.api.user(7_310_040), bot.api.user(STAFF), group(bot)
    clock.flowing = False
    clock.set(local(2026, 3, 10, 10, 0))  # a Tuesday, open
    mark = after(bot)
    await leave_message(bot, resident, "单位不给签劳动合同")
    ticket = await desk_message(bot, mark)
    mark = after(bot)
    bot.api.send_text(staff, "可以要求双倍工资。", chat=desk_chat, reply_to=ticket.message_id)
    [answer] = await bot.api.wait_for_messages(resident.id, after=mark)
    await bot.api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
    mark = after(bot)
    # past the first deadline: answered, so no reminder
    await run_sla_check(bot, local(2026, 3, 11, 10, 0))
    assert [m for m in bot.sent_to(DESK_GROUP) if m.index >= mark] == []
    bot.api.send_text(resident, "公司说试用期不用签，对吗？", reply_to=answer.message_id)
    follow = await desk_message(bot, mark)
    assert follow.content.startswith("📎 留言 #1 居民在答复后又补充了内容，留言已重新打开")
    assert follow.content.endswith("公司说试用期不用签，对吗？")
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.status is TicketStatus.OPEN
    assert stored.answered_at == local(2026, 3, 10, 10, 0)  # the first answer still counts
    listing = await bot.ask(staff, "/tickets", chat=desk_chat)
    assert "#1 · " in listing.content and texts.status_open in listing.content
    mark = after(bot)
    await run_sla_check(bot, local(2026, 3, 11, 11, 59))
    assert [m for m in bot.sent_to(DESK_GROUP) if m.index >= mark] == []
    await run_sla_check(bot, local(2026, 3, 11, 12, 0))  # two open hours after the follow-up
    reminder = await desk_message(bot, mark)
    # the resident has waited two hours since the follow-up (not 26 since the first message)
    assert reminder.content == texts.reminder.format(id=1, hours=2)


async def test_towns_come_in_one_order_and_a_sample_desk_is_said_before_one_writes(
    bot: Harness,
) -> None:
    """The shipped desks are samples: the resident hears nobody reads them before writing,
    not only after sending; the pre-check and the message list the towns alike."""
    texts, api = bot.ui.tickets, bot.api
    resident = api.user(7_350_030)
    api.send_command(resident, "/legalaid")
    [menu] = await api.wait_for_messages(resident.id)
    api.press_button(resident, menu, bot.ui.residents.aid_menu_check)
    _intro, question = await api.wait_for_messages(resident.id, 2)
    api.press_button(resident, question, "受虐待、遗弃或家庭暴力，要维权")
    _edited, check_towns = await api.wait_for_messages(resident.id, 2)
    help_message = await bot.ask(resident, "/help")
    asked = await bot.tap(resident, help_message, texts.leave_button)  # the check holds an answer
    api.press_button(resident, asked, bot.ui.chat.drop_for.format(name="留言给工作人员"))
    _left, category = await bot.replies(resident.id, 2)
    towns = await bot.answer(resident, category, "劳动")
    named = towns.button_labels()[:-1]  # (then ✖️ 退出)
    assert check_towns.button_labels()[: len(named)] == named
    prompt = await bot.answer(resident, towns, "示例县东山镇")
    desk = "示例县法律援助中心（示例）"  # the county's desk for 劳动
    warning = plain_text(texts.sample_desk_ahead.format(desk=desk))
    assert prompt.content.startswith(warning) and "字以内" in prompt.content
    api.send_text(resident, "老板拖欠工资三个月了")
    ask, _skip = await api.wait_for_messages(resident.id, 2)
    assert warning not in ask.content  # said once


async def test_the_field_and_town_questions_lose_their_buttons_once_answered(
    bot: Harness,
) -> None:
    """Once a town is chosen (or the field), its question keeps its text but not its buttons,
    whichever way the chat was opened: nothing is left there to tap that would only say the
    step has passed."""
    texts, resident = bot.ui.tickets, bot.api.user(7_350_033)
    card = await bot.ask(resident, "老板拖欠工资怎么办")
    thanks = await bot.tap(resident, card, bot.ui.unsolved_button)
    towns = await bot.tap(resident, thanks, texts.leave_button)
    assert towns.content.endswith(texts.ask_town) and towns.buttons()
    prompt = await bot.answer(resident, towns, "示例县城关镇")
    assert "字以内" in prompt.content
    assert bot.as_now(towns).content == towns.content and bot.as_now(towns).buttons() == []
    await bot.ask(resident, "/cancel")
    help_message = await bot.ask(resident, "/help")
    fields = await bot.tap(resident, help_message, texts.leave_button)
    towns = await bot.answer(resident, fields, "劳动")
    assert towns.content == texts.ask_town
    await bot.answer(resident, towns, "示例县城关镇")
    assert [bot.as_now(m).buttons() for m in (fields, towns)] == [[], []]


async def test_the_field_and_town_steps_have_an_exit_button(bot: Harness) -> None:
    """Every question of the chat can be left with a button, as every other guided chat's:
    the town asked after a card's 没解决, and the field asked from /help."""
    texts, resident = bot.ui.tickets, bot.api.user(7_350_031)
    card = await bot.ask(resident, "老板拖欠工资怎么办")
    thanks = await bot.tap(resident, card, bot.ui.unsolved_button)
    towns = await bot.tap(resident, thanks, texts.leave_button)
    assert towns.content.endswith(texts.ask_town)
    assert towns.button_labels()[-1] == texts.exit_button
    bot.api.press_button(resident, towns, texts.exit_button)
    [left] = await bot.replies(resident.id, 1)
    assert left.content == texts.cancelled and bot.as_now(towns).buttons() == []
    assert await bot.services.chats.open(resident.id) == []
    help_message = await bot.ask(resident, "/help")
    fields = await bot.tap(resident, help_message, texts.leave_button)
    assert fields.button_labels()[-1] == texts.exit_button
    bot.api.press_button(resident, fields, texts.exit_button)
    assert [m.content for m in await bot.replies(resident.id, 1)] == [texts.cancelled]
    assert await bot.services.chats.open(resident.id) == []


async def test_every_way_in_opens_under_the_same_title_and_the_message_step_says_how_to_leave(
    bot: Harness,
) -> None:
    """The chat's first question comes under ✉️ 留言给工作人员 and its /cancel hint, whether it
    is the field (the fallback answer, /help) or the town (a card's 没解决); the step where the
    resident writes, which has no button, says how to leave too, and /cancel there does."""
    texts, api = bot.ui.tickets, bot.api
    title = plain_text(texts.ask_title)
    hint = plain_text(texts.text_cancel_hint)
    resident = api.user(7_350_032)
    fallback = await bot.ask(resident, "火星上的土地怎么买卖")
    fields = await bot.tap(resident, fallback, texts.leave_button)
    assert fields.content == f"{title}\n{texts.ask_category}"
    towns = await bot.answer(resident, fields, "劳动")
    assert towns.content == texts.ask_town  # the title once
    bot.api.press_button(resident, towns, texts.exit_button)
    await bot.replies(resident.id, 1)
    card = await bot.ask(resident, "老板拖欠工资怎么办")
    thanks = await bot.tap(resident, card, bot.ui.unsolved_button)
    towns = await bot.tap(resident, thanks, texts.leave_button)
    assert towns.content == f"{title}\n{texts.ask_town}"
    prompt = await bot.answer(resident, towns, "示例县城关镇")
    assert "字以内" in prompt.content and prompt.content.endswith(hint)
    left = await bot.ask(resident, "/cancel")
    assert left.content == texts.cancelled
    assert await bot.services.chats.open(resident.id) == []
