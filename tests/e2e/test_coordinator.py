"""Coordinators' tools, and the role matrix: every coordinator command and button, tried by
a resident and by a volunteer, is refused politely and audited."""

import io
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import col, select

from content.loader import Library
from content.report_input import MAX_ORGANISATION_CHARS
from content.search import SearchIndex
from domain.figures import FIGURES
from storage.models import AuditLog, Invite, Role
from storage.people import get_role
from storage.volunteers import MAX_INVITE_DAYS
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness, bot_factory, running_bot
from tests.e2e.volunteer_steps import (
    a_report_on,
    answer_question,
    invite,
    register,
    report_to_card,
    stats_read,
)
from tests.reporting import add_volunteer

COMMANDS = [
    "/invite",
    "/invite 城关镇 单次",
    "/promote 901",
    "/demote 7000001",
    "/stats",
    "/stats 今年",
    "/export",
    "/export 本月 csv",
    "/hours",
]
FORGED_BUTTONS = ["1:k:promote:0a1b2c3d:y:901", "1:k:demote:0a1b2c3d:y:7000001"]


async def _refusals(bot: Harness) -> list[AuditLog]:
    async with bot.services.db.session() as session:
        query = select(AuditLog).where(col(AuditLog.allowed).is_(False))
        return list((await session.exec(query)).all())


@pytest.mark.parametrize("role", ["resident", "volunteer"])
async def test_role_matrix_everyone_else_is_refused_and_audited(
    bot_with_admins: Harness, role: str
) -> None:
    bot = bot_with_admins
    user = bot.api.user(901, "普通用户")
    if role == "volunteer":
        await register(bot, user, await invite(bot, "城关镇"))
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    for command in COMMANDS:
        bot.api.send_command(user, command)
        [reply] = await bot.api.wait_for_messages(user.id)
        assert reply.text == bot.ui.not_allowed, (role, command, reply.text)
    for data in FORGED_BUTTONS:
        answer = await bot.press(user, menu, data)
        assert answer.get("text") == bot.ui.not_allowed
    refused = await _refusals(bot)
    assert len(refused) == len(COMMANDS) + len(FORGED_BUTTONS)
    assert {r.actor_id for r in refused} == {user.id}
    assert {r.action for r in refused} == {
        "invite",
        "promote",
        "demote",
        "stats",
        "export",
        "hours",
    }
    async with bot.services.db.session() as session:
        assert await get_role(session=session, telegram_id=user.id) is not Role.COORDINATOR
    bot.api.send_command(bot.api.user(ADMIN_ID), "/stats")
    [stats] = await bot.api.wait_for_messages(ADMIN_ID)
    assert "普法活动统计" in (stats.text or "")  # the real coordinator is not refused


async def test_promote_with_confirmation_then_demote(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    admin = bot.api.user(ADMIN_ID, "管理员")
    helper = bot.api.user(902, "小帮手", username="helper_902")
    bot.api.send_command(helper, "/start")
    await bot.api.wait_for_messages(helper.id)
    bot.api.send_command(admin, "/promote @nobody")
    [reply] = await bot.api.wait_for_messages(admin.id)
    assert "找不到" in (reply.text or "")
    bot.api.send_command(admin, "/promote @Helper_902")
    [confirm] = await bot.api.wait_for_messages(admin.id)
    assert "小帮手" in (confirm.text or "")
    kept = await answer_question(bot, admin, confirm, "不了")
    assert "没有改变" in (kept.text or "")
    late = await bot.press(admin, confirm, confirm.find_button("确定")["callback_data"])
    assert late["text"] == bot.ui.volunteers.confirm_answered  # ❌ was the answer
    bot.api.send_command(admin, "/promote @Helper_902")
    [confirm] = await bot.api.wait_for_messages(admin.id)
    done = await answer_question(bot, admin, confirm, "确定")
    [told] = await bot.api.wait_for_messages(helper.id, after=done.index)
    assert "已把 小帮手（902）设为协调员" in (done.text or "") and "协调员" in (told.text or "")
    bot.api.send_command(helper, "/hours 今年")
    [hours] = await bot.api.wait_for_messages(helper.id)  # allowed; nothing recorded yet
    assert "没有记录到志愿服务时长" in (hours.text or "")
    bot.api.send_command(helper, "/demote 7000001")
    [reply] = await bot.api.wait_for_messages(helper.id)
    assert "PUFA_ADMIN_IDS" in (reply.text or "")
    bot.api.send_command(admin, "/demote 🙂")
    [reply] = await bot.api.wait_for_messages(admin.id)
    assert "找不到" in (reply.text or "") and "/promote" not in (reply.text or "")
    bot.api.send_command(admin, "/demote 902")
    [confirm] = await bot.api.wait_for_messages(admin.id)
    done = await answer_question(bot, admin, confirm, "确定")
    [told] = await bot.api.wait_for_messages(helper.id, after=done.index)
    assert "已撤销 小帮手（902）的协调员身份" in (done.text or "") and "撤销" in (told.text or "")
    bot.api.send_command(helper, "/stats")
    [reply] = await bot.api.wait_for_messages(helper.id)
    assert reply.text == bot.ui.not_allowed
    async with bot.services.db.session() as session:
        allowed = await session.exec(select(AuditLog.action).where(col(AuditLog.allowed)))
        actions = list(allowed.all())
    assert actions.count("promote") == 1 and actions.count("demote") == 1
    assert "hours" in actions


async def test_a_coordinator_who_demotes_themselves_is_told_once(
    bot_with_admins: Harness,
) -> None:
    """/demote of one's own id: the answer says it is done, and no second message to the
    same chat says "你的协调员身份已被撤销" again; the menu is a resident's."""
    bot = bot_with_admins
    admin, helper = bot.api.user(ADMIN_ID, "管理员"), bot.api.user(903, "小帮手")
    await bot.ask(helper, "/start")
    confirm = await bot.ask(admin, "/promote 903")
    await answer_question(bot, admin, confirm, "确定")
    await bot.settle()
    confirm = await bot.ask(helper, "/demote 903")
    done = await answer_question(bot, helper, confirm, "确定")
    assert "已撤销 小帮手（903）的协调员身份" in done.content
    await bot.settle()
    assert bot.sent_to(helper.id)[-1].index == done.index
    assert bot.ui.volunteers.you_are_demoted not in [m.text for m in bot.sent_to(helper.id)]
    assert f"chat:{helper.id}" not in bot.api.commands  # a resident's: the default menu


async def test_coordinator_input_is_checked(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    admin = bot.api.user(ADMIN_ID)
    for command, words in [
        ("/invite 火星镇", "可选的乡镇"),
        ("/stats 下个月", "时间段没看懂"),
        ("/export 2026-03-31 2026-01-01", "结束日期"),
        ("/promote", "/promote 对方的 Telegram 数字 ID"),
        ("/demote", "/demote 对方的 Telegram 数字 ID"),
        ("/demote 123", "找不到"),
    ]:
        bot.api.send_command(admin, command)
        [reply] = await bot.api.wait_for_messages(admin.id)
        assert words in (reply.text or ""), (command, reply.text)
        # how to ask for CSV only where a file is made
        csv_hint = bot.services.ui.volunteers.format_usage in (reply.text or "")
        assert csv_hint == command.startswith("/export"), (command, reply.text)


async def test_hours_export_lists_volunteers_with_phones(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    user = bot.api.user(903)
    # A name stored before symbols were refused at registration (a formula, if it were a cell)
    await add_volunteer(bot.services.db, user.id, name="=HYPERLINK(1)")
    card = await report_to_card(bot, user)
    bot.api.press_button(user, card, "提交")
    _removed, done = await bot.api.wait_for_messages(user.id, 2)
    [notice] = await bot.api.wait_for_messages(ADMIN_ID, after=done.index)
    assert "新的活动报告" in (notice.text or "")
    bot.api.send_command(bot.api.user(ADMIN_ID), "/hours")
    title, document = await bot.api.wait_for_messages(ADMIN_ID, 2)
    assert "=HYPERLINK(1)" in (title.text or "")
    assert document.file is not None
    sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
    assert sheet is not None
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    values = dict(zip(header, row, strict=True))
    # Text cells in XLSX are text, never formulas: the name shows as written, no quote.
    assert values["志愿者"] == "=HYPERLINK(1)" and values["电话"] == "13800138000"
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} <= {"s", "n", "d"}
    assert values["服务时长（小时）"] == 2 and values["活动次数"] == 1


async def test_daily_digest_instead_of_each_report(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        admin_ids=frozenset({ADMIN_ID}),
        user_rate_per_minute=10_000,
        report_notify="digest",
    ) as bot:
        user = bot.api.user(904)
        await register(bot, user, await invite(bot, "城关镇"))
        for _ in range(2):
            card = await report_to_card(bot, user)
            bot.api.press_button(user, card, "提交")
            await bot.api.wait_for_messages(user.id, 2)
        await bot.settle()
        assert not [m for m in bot.api.messages_to(ADMIN_ID) if "新的活动报告" in m.content]
        assert bot.app.job_queue is not None
        [job] = bot.app.job_queue.get_jobs_by_name("report-digest")
        mark = len(bot.api.sent)
        await job.run(bot.app)
        [digest] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
        assert "今日活动报告 2 份" in (digest.text or "")
        await job.run(bot.app)  # nothing new: no second digest
        await bot.settle()
        assert (
            len(bot.api.messages_to(ADMIN_ID))
            == len([m for m in bot.api.sent[:mark] if m.chat_id == ADMIN_ID]) + 1
        )


async def test_stats_count_residents_questions(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    resident = bot.api.user(903, "居民")
    card = await bot.ask(resident, "老板拖欠工资三个月了怎么办")
    await bot.ask(resident, "今天天气怎么样")  # no card: the fallback
    await bot.services.question_log.flush()
    bot.api.press_button(resident, card, "🙋 没解决？")
    await bot.api.wait_for_messages(resident.id)
    bot.api.send_command(bot.api.user(ADMIN_ID), "/stats 本月")
    [stats] = await bot.api.wait_for_messages(ADMIN_ID)
    assert "居民提问 2 个：找到答案 1，没找到（给了 12348 等求助方式）1，点了“没解决” 1" in (
        stats.text or ""
    )


async def test_an_export_of_an_empty_period_says_so_and_sends_no_file(
    bot_with_admins: Harness,
) -> None:
    """Nothing recorded in March 2026 (the clock's month): each export names what it looked
    for and when, and what to try; no spreadsheet of headers only. Once a report is in, the
    same /export sends the file."""
    bot = bot_with_admins
    admin, texts = bot.api.user(ADMIN_ID), bot.ui.volunteers
    kinds = texts.export_kinds
    assert set(kinds) == {"reports", "hours"} | set(FIGURES)
    period = "2026-03-01 ~ 2026-03-10"
    for command, kind, example in [
        ("/export", "reports", "/export"),
        ("/export 本月 csv", "reports", "/export"),
        ("/hours", "hours", "/hours"),
        ("/export 满意度", "satisfaction", "/export 满意度"),
        ("/export 二维码", "reach", "/export 二维码"),
        ("/export 留言", "tickets", "/export 留言"),
    ]:
        reply = await bot.ask(admin, command)
        assert reply.kind == "text", (command, reply.kind)
        expected = texts.export_empty.format(period=period, kind=kinds[kind], command=example)
        assert reply.source_text == expected, command
    # The year to try instead: this year for an earlier (or the next) one, never one earlier
    # still (/export 考核 1999 suggested 1998); the year before for this year.
    for asked, other in [(2026, 2025), (2025, 2026), (1999, 2026), (2027, 2026)]:
        reply = await bot.ask(admin, f"/export 考核 {asked}")
        assert reply.kind == "text"
        assert reply.source_text == bot.ui.engagement.evidence_empty.format(
            year=asked, other=other
        )
    assert "2027年没有记录到任何考核材料" in reply.content
    async with bot.services.db.session() as session:
        audited = await session.exec(select(AuditLog.action).where(col(AuditLog.allowed)))
        assert "export.evidence" in list(audited.all())  # still asked, and recorded

    user = bot.api.user(904)
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    bot.api.press_button(user, card, "提交")
    _removed, done = await bot.api.wait_for_messages(user.id, 2)
    await bot.api.wait_for_messages(ADMIN_ID, after=done.index)  # the new-report notice
    bot.api.send_command(admin, "/export")
    [document] = await bot.api.wait_for_messages(ADMIN_ID)
    assert document.kind == "document" and document.file is not None


async def test_a_month_without_a_year_is_the_latest_one(bot_with_admins: Harness) -> None:
    """/stats 11月 (the QA walkthrough's F13), asked in January: last November, where the
    report filed then counts; /stats 12月 is the December just gone, /hours 11月 its hours."""
    bot = bot_with_admins
    await a_report_on(bot, bot.api.user(905), local(2026, 11, 20, 10, 0))
    bot.clock.set(local(2027, 1, 5, 10, 0))
    admin = bot.api.user(ADMIN_ID)
    await stats_read(
        bot,
        [
            ("/stats 11月", "2026-11-01 ~ 2026-11-30", 1),
            ("/stats 十一月份", "2026-11-01 ~ 2026-11-30", 1),
            ("/stats 去年11月", "2026-11-01 ~ 2026-11-30", 1),
            ("/stats 12月", "2026-12-01 ~ 2026-12-31", 0),
        ],
    )
    bot.api.send_command(admin, "/stats 13月")
    [refused] = await bot.api.wait_for_messages(ADMIN_ID)
    assert "时间段没看懂" in refused.content and "11月" in refused.content
    bot.api.send_command(admin, "/hours 11月")
    title, document = await bot.api.wait_for_messages(ADMIN_ID, 2)
    assert "2026-11-01 ~ 2026-11-30" in (title.text or "") and document.file is not None


async def test_last_week_and_days_without_a_year(bot_with_admins: Harness) -> None:
    """/stats 上周 is Monday to Sunday of the week before; a range's days may leave out the
    year (12月1日 12月10日), as coordinators say them."""
    bot = bot_with_admins
    await a_report_on(bot, bot.api.user(906), local(2026, 11, 20, 10, 0))  # a Friday
    bot.clock.set(local(2026, 11, 25, 10, 0))  # the Wednesday after
    await stats_read(
        bot,
        [
            ("/stats 上周", "2026-11-16 ~ 2026-11-22", 1),
            ("/stats 本周", "2026-11-23 ~ 2026-11-25", 0),
            ("/stats 11月20日 11月21日", "2026-11-20 ~ 2026-11-21", 1),
            ("/stats 11月21日到11月25日", "2026-11-21 ~ 2026-11-25", 0),
        ],
    )


@pytest.mark.parametrize("days", ["0天", "400天", "1000天", "99999天"])
async def test_invite_days_out_of_range_are_said_and_nothing_is_created(
    bot_with_admins: Harness, days: str
) -> None:
    bot = bot_with_admins
    admin = bot.api.user(ADMIN_ID, "协调员")
    bot.api.send_command(admin, f"/invite 城关镇 {days}")
    [reply] = await bot.api.wait_for_messages(admin.id)
    assert reply.text == bot.ui.volunteers.invite_days.format(max=MAX_INVITE_DAYS, typed=days)
    async with bot.services.db.session() as session:
        assert (await session.exec(select(Invite))).all() == []


@pytest.mark.parametrize("organisation", ["", "😀😀", "★★★", "长" * 101])
async def test_an_invite_organisation_that_is_no_name_is_said_and_nothing_is_created(
    bot_with_admins: Harness, organisation: str
) -> None:
    """单位: is checked as the organisation typed at registration is (it is shown and exported
    the same way): words, at most MAX_ORGANISATION_CHARS."""
    bot = bot_with_admins
    admin = bot.api.user(ADMIN_ID, "协调员")
    bot.api.send_command(admin, f"/invite 城关镇 单位:{organisation}")
    [reply] = await bot.api.wait_for_messages(admin.id)
    expected = bot.ui.volunteers.invite_organisation.format(
        max=MAX_ORGANISATION_CHARS, typed=organisation[:40]
    )
    assert reply.text == expected
    async with bot.services.db.session() as session:
        assert (await session.exec(select(Invite))).all() == []
    bot.api.send_command(admin, "/invite 城关镇 单位:城关镇司法所")
    created, _ = await bot.api.wait_for_messages(admin.id, 2)
    assert "城关镇司法所" in created.content
