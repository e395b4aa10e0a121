"""/broadcast with an album (several photos sent as one media group): the draft takes every
photo, however they arrive (out of order, across a restart), the preview and the recipients
get the whole album (one sendMediaGroup) and under it one line with the 🔕 button (Telegram
puts no buttons on an album), the confirmation and /scheduled say it is an album, all within
Telegram's limits."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import FakeUser, SentMessage
from storage import broadcasts as repo
from storage.models import Broadcast, BroadcastStatus
from tests.broadcasting import COORDINATOR, add_subscribers
from tests.e2e.conftest import ADMIN_ID, Harness, bot_factory, restartable_bot, running_bot

SUBSCRIBERS = [3101, 3102, 3103]
CAPTION = "3·15 消费者权益日宣传海报"
UNSUBSCRIBE = "🔕 退订全部通知"


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """Under Telegram's limits (30/s, 1/s a chat), which the bot must never trip."""
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        enforce_limits=True,
        admin_ids=frozenset({COORDINATOR}),
        pace_private_replies=True,
    ) as harness:
        harness.api.user(COORDINATOR, "协调员")
        await add_subscribers(harness.services.db, SUBSCRIBERS)
        yield harness
        assert harness.api.flood_errors == 0


def album_of(messages: list[SentMessage]) -> list[SentMessage]:
    """`messages` as one album: all photos of one media group, sent by one sendMediaGroup."""
    assert [m.kind for m in messages] == ["photo"] * len(messages), messages
    assert {m.method for m in messages} == {"sendMediaGroup"}
    assert len({m.message["media_group_id"] for m in messages}) == 1
    return messages


async def album_draft(bot: Harness, coordinator: FakeUser) -> SentMessage:
    """/broadcast, then an album of three photos: the audience question, asked once."""
    start = await bot.ask(coordinator, "/broadcast")
    bot.api.send_album(coordinator, 3, CAPTION)
    [audience] = await bot.next_question(coordinator, start)
    await bot.settle()
    assert bot.api.last_message(COORDINATOR).message_id == audience.message_id
    return audience


async def rows(bot: Harness) -> list[Broadcast]:
    async with bot.services.db.session() as session:
        return await repo.upcoming(
            session=session, origins=["coordinator"], statuses=[s.value for s in BroadcastStatus]
        )


async def test_an_album_is_previewed_confirmed_and_sent_whole(bot: Harness) -> None:
    ui = bot.ui.broadcasts
    coordinator = bot.api.user(COORDINATOR)
    audience = await album_draft(bot, coordinator)
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    bot.api.press_button(coordinator, when, "🚀 立即发送")
    *preview, line, confirm = await bot.replies(COORDINATOR, 5)
    assert album_of(preview)[0].content == CAPTION and not preview[0].buttons()
    assert line.content == ui.album_footer and line.button_labels() == [UNSUBSCRIBE]
    assert confirm.content.startswith(ui.album_note.format(count=3))
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "发送完毕" in str(c.params.get("text"))
    )
    for chat in SUBSCRIBERS:
        *photos, under = bot.sent_to(chat)
        assert album_of(photos)[0].content == CAPTION and len(photos) == 3
        assert under.content == ui.album_footer and under.button_labels() == [UNSUBSCRIBE]
    [row] = await rows(bot)
    assert row.content_kind == "album"


async def test_a_scheduled_album_says_so_in_the_list_and_its_preview(bot: Harness) -> None:
    ui = bot.ui.broadcasts
    coordinator = bot.api.user(COORDINATOR)
    audience = await album_draft(bot, coordinator)
    await bot.tap(coordinator, audience, "👥 所有订阅者")
    bot.api.send_text(coordinator, "明天上午9点")
    *_preview, confirm = await bot.replies(COORDINATOR, 5)
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    listing = await bot.ask(coordinator, "/scheduled")
    assert f"{ui.album_label.format(count=3)} {CAPTION}" in listing.content
    [row] = await rows(bot)
    mark = len(bot.api.state.sent)
    bot.api.press_button(coordinator, listing, f"👁 查看 #{row.id}")
    *again, under = await bot.api.wait_for_messages(COORDINATOR, 4, after=mark)
    assert album_of(again)[0].content == CAPTION and under.button_labels() == [UNSUBSCRIBE]


async def test_an_album_arriving_out_of_order_across_a_restart_is_kept_whole(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index) as server:
        bot = server.harness
        assert bot is not None
        await add_subscribers(bot.services.db, SUBSCRIBERS)
        coordinator = bot.api.user(ADMIN_ID, "协调员")
        start = await bot.ask(coordinator, "/broadcast")
        first, second, third = bot.api.make_album(coordinator, 3, CAPTION)
        bot.api.deliver(third)
        [audience] = await bot.next_question(coordinator, start)
        bot = await server.restart()
        bot.api.deliver(first)
        bot.api.deliver(second)
        await bot.settle()
        assert bot.api.last_message(ADMIN_ID).message_id == audience.message_id
        when = await bot.tap(coordinator, audience, "👥 所有订阅者")
        bot.api.press_button(coordinator, when, "🚀 立即发送")
        *preview, _line, _confirm = await bot.replies(ADMIN_ID, 5)
        assert album_of(preview)[0].content == CAPTION  # in the album's order
        sent_ids = [m.message["photo"][-1]["file_id"] for m in preview]
        wanted = [m["photo"][-1]["file_id"] for m in (first, second, third)]
        assert sent_ids == wanted


async def test_another_album_after_the_content_is_answered_once(bot: Harness) -> None:
    """An album sent where the draft waits for a button is not the content: it is told once
    (not once per photo) to use the buttons, and the content stays the first album."""
    coordinator = bot.api.user(COORDINATOR)
    audience = await album_draft(bot, coordinator)
    mark = len(bot.api.state.sent)
    bot.api.send_album(coordinator, 4)
    [told] = await bot.api.wait_for_messages(COORDINATOR, after=mark)
    await bot.settle()
    assert told.content == bot.ui.broadcasts.use_buttons
    assert [m for m in bot.api.messages_to(COORDINATOR) if m.index >= mark] == [told]
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    bot.api.press_button(coordinator, when, "🚀 立即发送")
    *preview, _line, _confirm = await bot.replies(COORDINATOR, 5)
    assert len(album_of(preview)) == 3
