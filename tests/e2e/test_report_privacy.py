"""A report keeps no resident's numbers: ID-card, bank-card and phone numbers typed in its
place or 简介 are hidden before it is stored or sent (the volunteer is told), and after the
volunteer's /deleteme the coordinators' notifications of their reports are withdrawn, even
when Telegram was down at the time (at the next start)."""

from pathlib import Path

from content.loader import Library
from content.search import SearchIndex
from local_api import FakeUser, SentMessage
from storage.reports import own_reports
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.e2e.volunteer_steps import answer_question, invite, press, register, say, tick_topic
from tests.waiting import eventually

HIDDEN = "已经隐去"
SUMMARY = "在集市宣传反诈，张大爷（电话13900001111，身份证110101195001011234）差点被骗。"
MASKED = f"张大爷（电话{'*' * 11}，身份证{'*' * 18}）差点被骗"


async def _report_with_numbers(bot: Harness, user: FakeUser) -> SentMessage:
    """A report up to its summary card, its place and 简介 holding a resident's numbers."""
    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    [topics] = await press(bot, user, types, "宪法宣传")
    await tick_topic(bot, user, topics)
    [date] = await press(bot, user, topics, "完成")
    await press(bot, user, date, "今天")
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
        assert "报告通知也会撤回" in (confirm.text or ""), confirm.text
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
