"""A /broadcast draft survives a restart of the bot: the coordinator carries on in a NEW
Application on the same database (and the same chat), previews, confirms, and the broadcast
is delivered once."""

from datetime import timedelta
from pathlib import Path

from content.loader import Library
from content.search import SearchIndex
from handlers.broadcasts.draft import FLOW
from storage import broadcasts as repo
from storage.drafts import drafts_of
from storage.models import Broadcast, BroadcastStatus
from tests.broadcasting import add_subscribers
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot

LABOR = [8101, 8102, 8103]  # subscribed to 劳动与工资
OTHERS = [8104]  # subscribed to another topic


async def coordinator_rows(bot: Harness) -> list[Broadcast]:
    async with bot.services.db.session() as session:
        return await repo.upcoming(
            session=session, origins=["coordinator"], statuses=[s.value for s in BroadcastStatus]
        )


async def draft_step(bot: Harness) -> str | None:
    async with bot.services.db.session() as session:
        found = [
            d for d in await drafts_of(session=session, telegram_id=ADMIN_ID) if d.flow == FLOW
        ]
    return found[0].step if found else None


async def test_restart_after_the_audience_then_a_typed_time_preview_and_confirm(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        await add_subscribers(bot.services.db, LABOR, category="labor")
        await add_subscribers(bot.services.db, OTHERS, category="fraud")
        coordinator = bot.api.user(ADMIN_ID, "协调员")
        await bot.ask(coordinator, "/broadcast")
        audience = await bot.ask(coordinator, "周六上午村委会有律师<免费>咨询")
        topics = await bot.tap(coordinator, audience, "📚 按主题")
        when = await bot.tap(coordinator, topics, "劳动与工资")
        assert "共 <b>3</b> 人" in (when.source_text or "")
        assert await draft_step(bot) == "when"

        # The bot restarts here: a new Application reads the draft back from the database.
        bot = await server.restart()
        bot.api.send_text(coordinator, "明天上午9点")
        preview, confirm = await bot.replies(ADMIN_ID, 2)
        assert preview.content == "周六上午村委会有律师<免费>咨询"
        assert preview.button_labels() == ["🔕 退订“劳动与工资”"]
        assert "劳动与工资" in confirm.content and "09:00" in confirm.content
        assert "3" in confirm.content
        done = await bot.tap(coordinator, confirm, "✅ 确认发送")
        assert "已确认" in done.content
        answer = await bot.press(
            coordinator, confirm, confirm.find_button("✅ 确认发送")["callback_data"]
        )
        assert "已经确认过" in str(answer.get("text", ""))
        assert await draft_step(bot) is None

        [row] = await coordinator_rows(bot)
        assert row.send_at.astimezone(bot.services.tz).hour == 9
        tick = bot.services.broadcasting.tick
        assert (await tick(row.send_at + timedelta(minutes=1))).started == [row.id]
        for chat in LABOR:
            [message] = await bot.api.wait_for_messages(chat)
            assert message.content == preview.content
        assert (await tick(row.send_at + timedelta(minutes=2))).started == []
        await bot.settle()
        assert all(len(bot.sent_to(chat)) == 1 for chat in LABOR)
        assert bot.sent_to(OTHERS[0]) == []
        # Typing now is an ordinary question again, not a broadcast step.
        assert "周六" not in (await bot.ask(coordinator, "明天上午9点")).content
        assert len(await coordinator_rows(bot)) == 1


async def test_a_copied_photo_survives_two_restarts_and_is_sent_now_once(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        await add_subscribers(bot.services.db, LABOR)
        coordinator = bot.api.user(ADMIN_ID, "协调员")
        start = await bot.ask(coordinator, "/broadcast")
        assert await draft_step(bot) == "content"

        bot = await server.restart()  # waiting for the content
        bot.api.send_photo(coordinator, caption="宣传海报")
        [audience] = await bot.next_question(coordinator, start)  # its buttons go, restarted
        assert "👥 所有订阅者" in audience.button_labels()
        assert await draft_step(bot) == "audience"

        bot = await server.restart()  # waiting for the audience; the old buttons still work
        when = await bot.tap(coordinator, audience, "👥 所有订阅者")
        assert "共 <b>3</b> 人" in (when.source_text or "")
        bot.api.press_button(coordinator, when, "🚀 立即发送")
        preview, confirm = await bot.replies(ADMIN_ID, 2)
        assert preview.kind == "photo" and preview.content == "宣传海报"
        await bot.tap(coordinator, confirm, "✅ 确认发送")
        await bot.api.wait_for_call(
            "sendMessage", predicate=lambda c: "发送完毕" in str(c.params.get("text"))
        )
        for chat in LABOR:
            [message] = bot.sent_to(chat)
            assert message.kind == "photo" and message.content == "宣传海报"
        [row] = await coordinator_rows(bot)
        assert row.content_kind == "copy" and row.source_chat_id == ADMIN_ID
        assert await draft_step(bot) is None


async def test_a_scheduled_edit_prompt_survives_a_restart(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """/scheduled → 📝 → restart → the typed text still edits that broadcast."""
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        await add_subscribers(bot.services.db, LABOR, category="labor")
        coordinator = bot.api.user(ADMIN_ID, "协调员")
        await bot.ask(coordinator, "/broadcast")
        audience = await bot.ask(coordinator, "本周六普法讲座")
        await bot.tap(coordinator, audience, "👥 所有订阅者")
        bot.api.send_text(coordinator, "明天上午9点")
        _, confirm = await bot.replies(ADMIN_ID, 2)
        await bot.tap(coordinator, confirm, "✅ 确认发送")
        listing = await bot.ask(coordinator, "/scheduled")
        [row] = await coordinator_rows(bot)
        prompt = await bot.tap(coordinator, listing, f"📝 改内容 #{row.id}")
        assert f"#{row.id}" in prompt.content

        bot = await server.restart()
        assert "已更新" in (await bot.ask(coordinator, "本周日普法讲座改到村委会")).content
        [edited] = await coordinator_rows(bot)
        assert edited.text == "本周日普法讲座改到村委会"
        # The prompt is answered: typing again is an ordinary question.
        assert "已更新" not in (await bot.ask(coordinator, "宪法日是哪天")).content
