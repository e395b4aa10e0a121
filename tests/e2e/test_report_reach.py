"""From a volunteer's own report: the evaluation indicators it also serves (picked in the
/report chat, counted in the 考核 evidence pack like a coordinator's /tag, across a restart),
and "为这次活动生成二维码" (one code per report, followed by a resident and counted in the
volunteer's /myreports)."""

from datetime import date, datetime
from pathlib import Path

from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser, SentMessage
from storage.models import ActivityReport, AuditLog, Broadcast, QrEvent
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.e2e.test_qr import LINK, attributions, follow
from tests.e2e.test_questions import WAGES
from tests.e2e.volunteer_steps import (
    TOPIC,
    answer_question,
    invite,
    press,
    register,
    report_to_card,
    say,
)
from tests.evidence_data import figures

CIVIL = "民法典宣传"
YOUTH = "青少年法治教育"
DEFAULTS = "宪法学习宣传、普法志愿服务"  # what 宪法宣传 counts for by its type


async def stored_topics(bot: Harness, report_id: int) -> list[str]:
    async with bot.services.db.session() as session:
        report = await session.get(ActivityReport, report_id)
    assert report is not None
    return [t for t in report.topics.split(",") if t]


async def evidence_sheets(bot: Harness) -> dict[str, list[list[object]]]:
    return await export(bot, "/export 考核 2026", "evidence_")


async def export(bot: Harness, command: str, prefix: str) -> dict[str, list[list[object]]]:
    """The sheets of the next file named `prefix`... the coordinator gets after `command`
    (new-report notices may reach them meanwhile)."""

    def files() -> list[SentMessage]:
        sent = bot.api.messages_to(ADMIN_ID)
        return [m for m in sent if m.kind == "document" and (m.file_name or "").startswith(prefix)]

    before = len(files())
    bot.api.send_command(bot.api.user(ADMIN_ID), command)
    await bot.api.wait_until(lambda: len(files()) > before, f"the file {prefix}...")
    document = files()[-1]
    assert document.file is not None
    return figures(document.file)


def activity_rows(sheet: list[list[object]], place: str) -> list[list[object]]:
    return [r for r in sheet if isinstance(r[0], datetime) and r[2] == place]


async def test_a_volunteer_counts_their_report_for_more_indicators(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        texts = bot.ui.volunteers
        volunteer = bot.api.user(2401, "志愿者")
        await register(bot, volunteer, await invite(bot, "城关镇"))
        card = await report_to_card(bot, volunteer)
        # 宪法宣传 counts by its type (before anything is picked), as the card shows.
        assert f"考核指标：{DEFAULTS}\n" in card.content
        [ask] = await press(bot, volunteer, card, texts.indicators_button)
        assert ask.source_text == texts.report_ask_indicators
        default = texts.indicator_default_label.format(name="宪法学习宣传")
        assert ask.button_labels()[0] == default and CIVIL in ask.button_labels()
        # 群众满意度 comes from residents' votes: not offered, and a forged press is refused.
        assert "群众满意度" not in ask.button_labels()
        satisfaction = ask.find_button(CIVIL)["callback_data"].replace(
            "civil-code-publicity", "public-satisfaction"
        )
        assert (await bot.press(volunteer, ask, satisfaction))[
            "text"
        ] == bot.ui.stale_step  # the open chat
        explained = await bot.press(volunteer, ask, ask.find_button(default)["callback_data"])
        assert explained["text"] == texts.indicator_by_default.format(name="宪法学习宣传")
        [edited] = await press(bot, volunteer, ask, CIVIL)
        assert edited.action == "edit" and f"✅ {CIVIL}" in edited.button_labels()
        [edited] = await press(bot, volunteer, ask, YOUTH)
        [edited] = await press(bot, volunteer, ask, f"✅ {YOUTH}")  # and off again
        assert YOUTH in edited.button_labels() and f"✅ {CIVIL}" in edited.button_labels()
        # Forged data on the volunteer's own draft: an indicator that does not exist.
        parsed = callbacks.parse(ask.find_button(CIVIL)["callback_data"])
        assert parsed is not None
        token = parsed.args[0]
        forged = callbacks.make(Kind.REPORT, token, "ind", "no-such-indicator")
        assert (await bot.press(volunteer, ask, forged))["text"] == bot.ui.stale_step
        # Someone else pressing the volunteer's button data has no such draft: a resident is
        # not told how to begin one (/report is for volunteers), only that it is stale.
        resident = bot.api.user(2409)
        hello = await bot.ask(resident, "/start")
        forged = callbacks.make(Kind.REPORT, token, "ind", "youth-law")
        assert (await bot.press(resident, hello, forged))["text"] == bot.ui.stale_button
        # Typing here asks again; nothing of the draft is lost.
        [again] = await say(bot, volunteer, "还有普法宣传")
        assert texts.report_wrong_input in (again.source_text or "")
        assert f"✅ {CIVIL}" in again.button_labels()

        # The bot restarts at this step; /report picks the draft up where it was.
        bot = await server.restart()
        bot.api.send_command(volunteer, "/report")
        [resumed] = await bot.next_question(volunteer, again)  # known after the restart
        assert f"✅ {CIVIL}" in resumed.button_labels()
        [card] = await press(bot, volunteer, resumed, "完成")
        assert f"考核指标：{DEFAULTS}、{CIVIL}\n" in card.content
        mark = len(bot.api.state.sent)
        _removed, done = await press(bot, volunteer, card, "提交", 2)
        assert "提交成功" in done.content
        async with bot.services.db.session() as session:
            [report] = (await session.exec(select(ActivityReport))).all()
        assert report.id is not None
        # Stored as a coordinator's /tag stores it: the indicator's id among the topics.
        assert await stored_topics(bot, report.id) == ["constitution", "civil-code-publicity"]
        notice = (await bot.api.wait_for_messages(ADMIN_ID, after=mark))[0]
        sheets = await evidence_sheets(bot)
        # The volunteer's own pick counts once a coordinator has verified the report.
        assert activity_rows(sheets[CIVIL], "城关社区文化广场") == []
        admin = bot.api.user(ADMIN_ID)
        verify = notice.find_button(bot.ui.review.verify_button)["callback_data"]
        assert (await bot.press(admin, notice, verify))[
            "text"
        ] == bot.ui.review.verified_done.format(id=report.id)
        sheets = await evidence_sheets(bot)
        assert len(activity_rows(sheets[CIVIL], "城关社区文化广场")) == 1
        assert len(activity_rows(sheets["宪法学习宣传"], "城关社区文化广场")) == 1
        assert activity_rows(sheets[YOUTH], "城关社区文化广场") == []
        summary = {row[0]: row for row in sheets["汇总"] if row and row[0]}
        assert summary[CIVIL][2:4] == [1, 80]
        # The reports spreadsheet names the tag among the topics.
        [[header, row]] = (await export(bot, "/export", "reports_")).values()
        assert dict(zip(header, row, strict=True))["主题"] == f"{TOPIC}、{CIVIL}"

        # After submitting: /myreports → 修改 shows the tag; taking it off counts it no more.
        mine = await bot.ask(volunteer, "/myreports")
        [card] = await press(bot, volunteer, mine, f"修改 #{report.id}")
        assert f"考核指标：{DEFAULTS}、{CIVIL}\n" in card.content
        [ask] = await press(bot, volunteer, card, texts.indicators_button)
        await press(bot, volunteer, ask, f"✅ {CIVIL}")
        [card] = await press(bot, volunteer, ask, "完成")
        assert f"考核指标：{DEFAULTS}\n" in card.content
        _removed, done = await press(bot, volunteer, card, "提交", 2)
        assert "已更新" in done.content
        assert await stored_topics(bot, report.id) == ["constitution"]
        assert activity_rows((await evidence_sheets(bot))[CIVIL], "城关社区文化广场") == []


async def make_report_code(bot: Harness, user: FakeUser, message: SentMessage, label: str) -> str:
    poster, photo = await press(bot, user, message, label, 2)
    assert "已为" in poster.content and poster.kind == "document" and photo.kind == "photo"
    assert photo.file is not None and photo.file.startswith(b"\x89PNG")
    match = LINK.search(photo.caption or "")
    assert match, photo.caption
    return match[1]


async def test_a_report_makes_its_event_code_once(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer, other = bot.api.user(2411, "志愿者"), bot.api.user(2412, "另一位")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    await register(bot, other, await invite(bot, "城关镇"), name="李四")
    card = await report_to_card(bot, volunteer)
    _removed, done = await press(bot, volunteer, card, "提交", 2)
    assert done.button_labels() == [texts.qr_report_button]
    code = await make_report_code(bot, volunteer, done, "为这次活动生成二维码")
    # Pressed again, and from /myreports: the same code, not a second one.
    assert await make_report_code(bot, volunteer, done, texts.qr_report_button) == code
    mine = await bot.ask(volunteer, "/myreports")
    pressed = callbacks.parse(done.find_button(texts.qr_report_button)["callback_data"])
    assert pressed is not None
    report_id = int(pressed.args[1])
    label = texts.qr_report_list_button.format(id=report_id)
    assert await make_report_code(bot, volunteer, mine, label) == code
    async with bot.services.db.session() as session:
        [event] = (await session.exec(select(QrEvent))).all()
        audits = (await session.exec(select(AuditLog).where(AuditLog.action == "qr"))).all()
        ratings = (await session.exec(select(Broadcast).where(Broadcast.origin == "rating"))).all()
    assert (event.report_id, event.volunteer_id, event.town) == (
        report_id,
        volunteer.id,
        "示例县城关镇",
    )
    assert event.event_date == date(2026, 3, 10) and event.kind == "event" and len(audits) == 1
    assert [r.send_at for r in ratings] == [local(2026, 3, 11, 10)]  # asked the day after, once
    # A coordinator may make it too (the same code); another volunteer and a resident may not.
    data = done.find_button(texts.qr_report_button)["callback_data"]
    admin = bot.api.user(ADMIN_ID)
    hello = await bot.ask(admin, "/start")
    bot.api.press(admin, hello, data)
    _poster, photo = await bot.api.wait_for_messages(admin.id, 2)
    assert f"start=ev_{code}" in (photo.caption or "")
    for stranger, refusal in (
        (other, texts.qr_report_unknown),
        (bot.api.user(2413), bot.ui.volunteers.not_volunteer),
    ):
        hello = await bot.ask(stranger, "/start")
        assert (await bot.press(stranger, hello, data))["text"] == refusal
    for forged in (
        callbacks.make(Kind.EVENT, "qr", 999999),
        callbacks.make(Kind.EVENT, "qr", "x"),
        callbacks.make(Kind.EVENT, "qr"),
    ):
        answer = await bot.press(volunteer, done, forged)
        assert answer["text"] in {texts.qr_report_unknown, bot.ui.stale_button}, forged
    # A resident follows the code: counted for this event in the volunteer's /myreports.
    resident = bot.api.user(2414)
    assert "3月10日 宪法宣传（城关社区文化广场）" in await follow(bot, resident, code)
    await follow(bot, resident, code)
    await bot.ask(resident, WAGES)
    await bot.services.question_log.flush()
    assert [a.code for a in await attributions(bot)] == [code]
    mine = await bot.ask(volunteer, "/myreports")
    assert "宪法宣传（城关社区文化广场）」：带来 1 位居民，提问 1 次" in mine.content
    assert str(resident.id) not in mine.content
    # A withdrawn report's button refuses.
    [confirm] = await press(bot, volunteer, mine, f"撤回 #{report_id}")
    await answer_question(bot, volunteer, confirm, "确定")
    withdrawn = await bot.press(volunteer, done, data)
    assert withdrawn["text"] == texts.qr_report_withdrawn.format(id=report_id)
    mine = await bot.ask(volunteer, "/myreports")
    assert label not in mine.button_labels()
    # Nor is its code sent again from /myqr, where it still counts.
    listing = await bot.ask(volunteer, "/myqr")
    assert "宪法宣传（城关社区文化广场）" in listing.content
    again = listing.find_button(texts.qr_again_button.format(n=1))["callback_data"]
    refused = await bot.press(volunteer, listing, again)
    assert refused["text"] == texts.qr_report_withdrawn.format(id=report_id)
