"""A report keeps no resident's numbers: ID-card, bank-card and phone numbers typed in its
place or 简介 are hidden before it is stored or sent (the volunteer is told), and after the
volunteer's /deleteme the coordinators' notifications of their reports are withdrawn, and
their lines in the daily digests too (the other volunteers' lines kept), even when Telegram
was down at the time (at the next start)."""

from pathlib import Path

from sqlalchemy import update
from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from handlers.coordinators.report_copies import withdraw_copies
from local_api import FakeUser, SentMessage
from storage.db import Database
from storage.models import ReportDigestLine
from storage.report_messages import digests_to_withdraw
from storage.reports import get_report, own_reports, unnotified_reports
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.e2e.volunteer_steps import (
    answer_question,
    invite,
    press,
    register,
    report_to_card,
    report_to_topics,
    say,
    tick_topic,
)
from tests.reporting import add_report, add_volunteer
from tests.waiting import eventually

HIDDEN = "已经隐去"
SUMMARY = "在集市宣传反诈，张大爷（电话13900001111，身份证110101195001011234）差点被骗。"
MASKED = f"张大爷（电话{'*' * 11}，身份证{'*' * 18}）差点被骗"


async def _report_with_numbers(bot: Harness, user: FakeUser) -> SentMessage:
    """A report up to its summary card, its place and 简介 holding a resident's numbers."""
    topics = await report_to_topics(bot, user)
    await tick_topic(bot, user, topics)
    await press(bot, user, topics, "完成")
    notice, ask_audience = await say(bot, user, "李家门口 13800001111", 2)
    assert HIDDEN in (notice.text or "") and "人" in (ask_audience.text or "")
    await say(bot, user, "80")
    [materials] = await say(bot, user, "2")
    [photos] = await press(bot, user, materials, "跳过")
    await press(bot, user, photos, "跳过")
    notice, card = await say(bot, user, SUMMARY, 2)
    assert HIDDEN in (notice.text or ""), notice.text
    assert MASKED in (card.text or "") and "13900001111" not in (card.text or ""), card.text
    return card


async def test_numbers_are_hidden_and_notifications_withdrawn_after_deleteme(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        user = bot.api.user(831)
        await register(bot, user, await invite(bot, "城关镇"))
        card = await _report_with_numbers(bot, user)
        sent = len(bot.api.state.sent)
        bot.api.press_button(user, card, "提交")
        await bot.api.wait_for_messages(user.id, 2)
        [notice] = await bot.api.wait_for_messages(ADMIN_ID, after=sent)
        text = notice.text or ""
        assert "新的活动报告" in text and MASKED in text and "李家门口 ***********" in text
        async with bot.services.db.session() as session:
            [stored] = await own_reports(session=session, volunteer_id=user.id)
        assert MASKED in stored.data.summary and "13800001111" not in stored.data.place

        # Telegram down while the volunteer erases themselves: the copy stays for now
        for method in ("deleteMessage", "editMessageText"):
            bot.api.fail_method(method, error_code=502, description="Bad Gateway")
        bot.api.send_command(user, "/deleteme")
        [confirm] = await bot.api.wait_for_messages(user.id)
        assert "报告通知和每日汇总里关于你的记录也会撤回" in (confirm.text or ""), confirm.text
        done = await answer_question(bot, user, confirm, "确定")
        assert "1 份活动报告已匿名化" in (done.text or ""), done.text
        await bot.settle()
        assert not _withdrawn(bot, notice)

        bot.api.clear_failures()
        bot = await server.restart()

        async def withdrawn() -> bool:
            return _withdrawn(bot, notice)

        await eventually(withdrawn)
        await bot.settle()
        assert [e.action for e in bot.api.messages_to(ADMIN_ID)].count("delete") == 1


def _withdrawn(bot: Harness, notice: SentMessage) -> bool:
    return any(
        entry.action == "delete" and entry.message_id == notice.message_id
        for entry in bot.api.messages_to(ADMIN_ID)
    )


async def test_digest_lines_withdrawn_after_deleteme_despite_an_outage(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """A volunteer with a report notified on its own and two in a digest (one of another
    volunteer's): after their /deleteme the notification is deleted at once, but Telegram
    fails (502) the digest's edit; at the next start the digest is edited, their lines
    neutral, the other kept, and nothing is done twice (not even after a crash between the
    edit and its record)."""
    async with restartable_bot(tmp_path, library, index) as server:
        started = server.harness
        assert started is not None
        bot: Harness = started
        user = bot.api.user(832)
        await register(bot, user, await invite(bot, "城关镇"), name="赵志愿")
        card = await report_to_card(bot, user)
        sent = len(bot.api.state.sent)
        await press(bot, user, card, "提交", 2)
        [notice] = await bot.api.wait_for_messages(ADMIN_ID, after=sent)

        await server.stop()  # reports stored while the bot is down come in a digest
        db = Database(server.settings.database_url)
        await add_volunteer(db, 833, name="钱志愿")
        own = await add_report(db, user.id, now=server.clock(), place="赵家村")
        other = await add_report(db, 833, now=server.clock(), audience=77)
        await db.dispose()
        sent = len(server.api.state.sent)
        bot = await server.start()
        [digest] = await bot.api.wait_for_messages(ADMIN_ID, after=sent)
        text = digest.text or ""
        assert "今日活动报告 2 份" in text and "赵志愿" in text and "钱志愿" in text, text

        async def recorded() -> bool:
            async with bot.services.db.session() as session:
                return not await unnotified_reports(session=session)

        await eventually(recorded)

        bot.api.fail_method("editMessageText", error_code=502, description="Bad Gateway")
        bot.api.send_command(user, "/deleteme")
        [confirm] = await bot.api.wait_for_messages(user.id)
        assert "每日汇总里关于你的记录也会撤回" in (confirm.text or ""), confirm.text
        done = await answer_question(bot, user, confirm, "确定")
        assert "2 份活动报告已匿名化" in (done.text or ""), done.text

        async def notice_deleted() -> bool:
            return _actions(bot, notice) == ["delete"]

        await eventually(notice_deleted)
        await bot.settle()
        assert _actions(bot, digest) == []  # the outage: left for the next start

        bot.api.clear_failures()
        bot = await server.restart()

        async def digest_edited() -> bool:
            return _actions(bot, digest) == ["edit"]

        await eventually(digest_edited)
        [edited] = [
            e
            for e in bot.api.messages_to(ADMIN_ID)
            if e.message_id == digest.message_id and e.action == "edit"
        ]
        text = edited.text or ""
        erased = bot.ui.volunteers.digest_line_erased.format(id=own)
        assert "今日活动报告 2 份" in text and erased in text and "钱志愿" in text, text
        assert "赵志愿" not in text and f"#{other} " in text and "77 人" in text, text

        async def edit_recorded() -> bool:  # recorded once Telegram has answered the edit
            async with bot.services.db.session() as session:
                return await digests_to_withdraw(session=session) == []

        await eventually(edit_recorded)

        # A crash between the edit and its record: the edit is done again, to no change.
        async with bot.services.db.session() as session:
            await session.exec(update(ReportDigestLine).values(withdrawn=False))
        await withdraw_copies(bot.app.bot, bot.services)
        async with bot.services.db.session() as session:
            assert await digests_to_withdraw(session=session) == []
        bot = await server.restart()
        await withdraw_copies(bot.app.bot, bot.services)  # as the start-up check does
        await bot.settle()
        assert _actions(bot, notice) == ["delete"] and _actions(bot, digest) == ["edit"]


async def test_digest_redrawn_keeps_the_other_lines_as_sent(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """A digest lists two volunteers' reports; one corrects theirs (its hours) and renames
    themselves (/profile), then the other erases themselves: the digest is edited with only
    the erased volunteer's line changed, the other as it was sent (not as it is now), and the
    line as sent, which named the erased volunteer, is no longer stored."""
    async with restartable_bot(tmp_path, library, index) as server:
        started = server.harness
        assert started is not None
        bot: Harness = started
        stays, leaves = bot.api.user(837), bot.api.user(838)
        await register(bot, stays, await invite(bot, "城关镇"), name="钱志愿")
        await register(bot, leaves, await invite(bot, "城关镇"), name="赵志愿")

        await server.stop()  # reports stored while the bot is down come in a digest
        db = Database(server.settings.database_url)
        kept = await add_report(db, stays.id, now=server.clock(), hours=2.0)
        gone = await add_report(db, leaves.id, now=server.clock())
        await db.dispose()
        sent = len(server.api.state.sent)
        bot = await server.start()
        [digest] = await bot.api.wait_for_messages(ADMIN_ID, after=sent)
        source = digest.source_text or ""
        [kept_line] = [line for line in source.splitlines() if line.startswith(f"#{kept} ")]
        [gone_line] = [line for line in source.splitlines() if line.startswith(f"#{gone} ")]
        assert "钱志愿" in kept_line and "2 小时" in kept_line and "赵志愿" in gone_line, source

        async def recorded() -> bool:
            async with bot.services.db.session() as session:
                return not await unnotified_reports(session=session)

        await eventually(recorded)

        [mine] = await say(bot, stays, "/myreports")
        [edit_card] = await press(bot, stays, mine, f"修改 #{kept}")
        [fields] = await press(bot, stays, edit_card, "修改")
        await press(bot, stays, fields, "服务时长")
        [card] = await say(bot, stays, "5")
        _removed, done = await press(bot, stays, card, "提交", 2)
        assert "已更新" in (done.text or ""), done.text
        [profile] = await say(bot, stays, "/profile")
        await press(bot, stays, profile, "姓名")
        updated, _shown = await say(bot, stays, "钱新名", 2)
        assert "已更新" in (updated.text or ""), updated.text
        async with bot.services.db.session() as session:
            report = await get_report(session=session, report_id=kept)
        assert report is not None and report.data.hours == 5.0  # now drawn otherwise

        bot.api.send_command(leaves, "/deleteme")
        [confirm] = await bot.api.wait_for_messages(leaves.id)
        await answer_question(bot, leaves, confirm, "确定")

        async def digest_edited() -> bool:
            return _actions(bot, digest) == ["edit"]

        await eventually(digest_edited)
        [edited] = [
            e
            for e in bot.api.messages_to(ADMIN_ID)
            if e.message_id == digest.message_id and e.action == "edit"
        ]
        erased = bot.ui.volunteers.digest_line_erased.format(id=gone)
        assert edited.source_text == source.replace(gone_line, erased), edited.source_text

        async def edit_recorded() -> bool:
            async with bot.services.db.session() as session:
                return await digests_to_withdraw(session=session) == []

        await eventually(edit_recorded)
        async with bot.services.db.session() as session:
            query = select(ReportDigestLine.report_id, ReportDigestLine.text)
            stored = dict((await session.exec(query)).all())
        assert stored == {kept: kept_line, gone: None}


def _actions(bot: Harness, message: SentMessage) -> list[str]:
    """What the bot did to `message` after sending it."""
    return [
        e.action
        for e in bot.api.messages_to(ADMIN_ID)
        if e.message_id == message.message_id and e.action != "send"
    ]


async def test_correction_notices_withdrawn_after_deleteme(bot_with_admins: Harness) -> None:
    """The coordinators' notice of a correction ("✏️ 报告 #1（name）已修改：…") names the
    volunteer: after their /deleteme it is withdrawn with the report's notification."""
    bot = bot_with_admins
    user = bot.api.user(834)
    await register(bot, user, await invite(bot, "城关镇"), name="孙志愿")
    card = await report_to_card(bot, user)
    sent = len(bot.api.state.sent)
    await press(bot, user, card, "提交", 2)
    [notice] = await bot.api.wait_for_messages(ADMIN_ID, after=sent)
    [mine] = await say(bot, user, "/myreports")
    [edit_card] = await press(bot, user, mine, "修改 #1")
    [fields] = await press(bot, user, edit_card, "修改")
    await press(bot, user, fields, "受众人数")
    [card] = await say(bot, user, "60")
    sent = len(bot.api.state.sent)
    await press(bot, user, card, "提交", 2)
    news = await bot.api.wait_for_messages(ADMIN_ID, 2, after=sent)
    [corrected] = [m for m in news if m.action == "send"]
    assert "孙志愿" in (corrected.text or "") and "80 → 60" in (corrected.text or "")

    bot.api.send_command(user, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(user.id)
    await answer_question(bot, user, confirm, "确定")

    async def withdrawn() -> bool:
        return _actions(bot, notice)[-1:] == ["delete"] and _actions(bot, corrected) == ["delete"]

    await eventually(withdrawn)
