"""The /report photos step and albums, through the real bot and the local Bot API: an album
(one message per photo sharing a media_group_id, delivered in any order, part of it before a
restart and the rest after, an update sent twice) gets one reply, edited as its photos come,
and every photo is kept once; at the limit that reply says so; a full photos step offers 完成
as the step does."""

from pathlib import Path
from typing import Any

import pytest

from content.loader import Library
from content.report_input import MAX_PHOTOS
from content.search import SearchIndex
from local_api import FakeUser, SentMessage
from local_api.demo_photos import sample_photo
from storage.drafts import drafts_of
from storage.reports import own_reports
from tests.e2e.conftest import ADMIN_ID, Harness, restartable_bot
from tests.e2e.test_report_steps import to_photos, volunteer
from tests.e2e.volunteer_steps import invite, press, register, say

DONE_OR_CLEAR = ["完成 ✔️", "🗑 清空照片，重新发"]


def shown(bot: Harness, message: SentMessage) -> SentMessage:
    """The message as the person sees it now: its latest send or edit."""
    entries = [
        e for e in bot.api.messages_to(message.chat_id) if e.message_id == message.message_id
    ]
    return entries[-1]


def sent_since(bot: Harness, user: FakeUser, start: int) -> list[SentMessage]:
    return [m for m in bot.sent_to(user.id) if m.index >= start]


async def draft_photos(bot: Harness, user: FakeUser) -> list[str]:
    async with bot.services.db.session() as session:
        [row] = await drafts_of(session=session, telegram_id=user.id)
    return list(row.data.get("photos", []))


def photo_ids(album: list[dict[str, Any]]) -> set[str]:
    return {m["photo"][-1]["file_id"] for m in album}


async def test_an_album_gets_one_reply_and_the_limit_is_said_in_it(
    bot_with_admins: Harness,
) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = await volunteer(bot, 8_800_001)
    await to_photos(bot, user)
    start = len(bot.api.sent)
    first = bot.api.make_album(user, 3, "现场照片")
    for n in (2, 0, 1):  # out of order, as Telegram may deliver them
        bot.api.deliver(first[n])
    await bot.api.wait_for_messages(user.id, after=start)
    await bot.settle()
    [reply] = sent_since(bot, user, start)
    now = shown(bot, reply)
    assert (now.text or "").startswith("已收到 3 张照片（共 3 张"), now.text
    assert "说明文字不会保存" in (now.text or "")  # the caption was on one photo of three
    assert now.button_labels() == ["完成 ✔️", "🗑 清空照片，重新发"]
    assert set(await draft_photos(bot, user)) == photo_ids(first)

    # A second album of three: two fit. Its one reply says the limit; the last question
    # follows; the third photo is left out without another word.
    start = len(bot.api.sent)
    second = bot.api.make_album(user, 3)
    for message in second:
        bot.api.deliver(message)
    await bot.api.wait_for_messages(user.id, 2, after=start)
    await bot.settle()
    reply, question = sent_since(bot, user, start)
    now = shown(bot, reply)
    assert now.text == texts.photos_limit_reached.format(max_photos=MAX_PHOTOS), now.text
    assert now.buttons() == []
    assert "最后一步" in (question.text or ""), question.text
    kept = await draft_photos(bot, user)
    assert len(kept) == MAX_PHOTOS == len(set(kept))
    assert set(kept) == photo_ids(first) | photo_ids(second[:2])

    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert f"照片：{MAX_PHOTOS} 张" in (card.text or ""), card.text
    await press(bot, user, card, "提交", 2)
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert set(report.data.photo_file_ids) == set(kept)


async def test_an_album_split_by_a_restart_and_sent_twice_keeps_every_photo_once(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=1000) as server:
        bot = server.harness
        assert bot is not None
        user = bot.api.user(8_800_002, "张三")
        await register(bot, user, await invite(bot, "城关镇"))
        await to_photos(bot, user)
        start = len(bot.api.sent)
        album = bot.api.make_album(user, 4)
        bot.api.deliver(album[1])
        bot.api.deliver(album[0])
        await bot.api.wait_for_messages(user.id, after=start)
        await bot.settle()
        bot = await server.restart()
        for n in (3, 0, 2):  # the rest, and photo 0 again (an update sent twice)
            bot.api.deliver(album[n])
        await bot.settle()
        [reply] = sent_since(bot, user, start)
        now = shown(bot, reply)
        assert (now.text or "").startswith("已收到 4 张照片（共 4 张"), now.text
        kept = await draft_photos(bot, user)
        assert len(kept) == 4 and set(kept) == photo_ids(album)
        [summary] = await press(bot, user, now, "完成")
        assert "最后一步" in (summary.text or ""), summary.text


async def test_a_full_photos_step_offers_done(bot_with_admins: Harness) -> None:
    """Back at the photos step from the summary card with the photos full: a photo (or an
    album, once) is answered that they are full, with 完成, which goes back to the card."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = await volunteer(bot, 8_800_003)
    await to_photos(bot, user)
    bot.api.send_album(user, MAX_PHOTOS)
    await bot.api.wait_for_messages(user.id, 2)
    await bot.settle()
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    [fields] = await press(bot, user, card, "修改")
    [ask] = await press(bot, user, fields, texts.report_fields["photos"])
    assert "第 8 步" in (ask.text or "") and ask.button_labels() == DONE_OR_CLEAR
    full = texts.photos_full.format(max_photos=MAX_PHOTOS)
    bot.api.send_photo(user)
    [reply] = await bot.next_question(user, ask)  # only the latest answer's buttons are live
    assert reply.source_text == full and reply.button_labels() == DONE_OR_CLEAR
    start = len(bot.api.sent)
    bot.api.send_album(user, 3)
    await bot.api.wait_for_messages(user.id, after=start)
    await bot.settle()
    [reply] = sent_since(bot, user, start)
    assert reply.source_text == full and reply.button_labels() == DONE_OR_CLEAR
    [card] = await press(bot, user, reply, "完成")
    assert f"照片：{MAX_PHOTOS} 张" in (card.text or ""), card.text
    assert len(await draft_photos(bot, user)) == MAX_PHOTOS


async def test_a_photo_sent_as_a_file_is_explained(bot_with_admins: Harness) -> None:
    """A photo sent 以文件形式 (a document, as for the original quality) is not one the report
    can keep: the volunteer is told to send it as a picture, and the step is asked again; a
    file of another kind gets the usual answer."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = await volunteer(bot, 8_800_009)
    photos = await to_photos(bot, user)
    bot.api.send_document(user, "IMG_0001.JPG", data=sample_photo(1), mime_type="image/jpeg")
    [reply] = await bot.next_question(user, photos)  # asked again: buttons only below
    assert (reply.source_text or "").startswith(texts.report_photo_as_file), reply.source_text
    assert photos.content in reply.content and reply.button_labels() == photos.button_labels()
    bot.api.send_document(user)  # a PDF
    [reply] = await bot.next_question(user, reply)
    assert (reply.source_text or "").startswith(texts.report_wrong_input), reply.source_text
    assert await draft_photos(bot, user) == []


async def test_album_photos_after_done_are_kept_while_there_is_room(
    bot_with_admins: Harness,
) -> None:
    """完成 pressed before all of an album had come (a slow upload): its other photos are
    kept and its one reply updated, without another message or the question again."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_800_004)
    photos = await to_photos(bot, user)
    start = len(bot.api.sent)
    album = bot.api.make_album(user, 3)
    bot.api.deliver(album[0])
    [reply] = await bot.next_question(user, photos)
    [summary] = await press(bot, user, reply, "完成")
    assert "最后一步" in (summary.text or ""), summary.text
    bot.api.deliver(album[2])
    bot.api.deliver(album[1])
    await bot.settle()
    assert [m.message_id for m in sent_since(bot, user, start)] == [
        reply.message_id,
        summary.message_id,
    ]
    now = shown(bot, reply)
    assert (now.text or "").startswith("已收到 3 张照片（共 3 张"), now.text
    assert now.buttons() == []  # its 完成 is done with
    assert set(await draft_photos(bot, user)) == photo_ids(album)
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "照片：3 张" in (card.text or ""), card.text


async def test_an_album_photo_after_the_summary_card_draws_the_card_again(
    bot_with_admins: Harness,
) -> None:
    """The rest of an album arriving once the summary card is shown is kept and changes the
    draft: the card is drawn again with it, so the volunteer's 提交 is on a card that is not
    out of date."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_800_006)
    photos = await to_photos(bot, user)
    album = bot.api.make_album(user, 2)
    bot.api.deliver(album[0])
    [reply] = await bot.next_question(user, photos)
    await press(bot, user, reply, "完成")
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "照片：1 张" in (card.text or ""), card.text
    bot.api.deliver(album[1])
    told, again = await bot.next_question(user, card, said=1)  # the old card's buttons go
    assert told.message_id == reply.message_id  # the album's one reply, updated
    assert "照片：2 张" in (again.text or ""), again.text
    await press(bot, user, again, "提交", 2)
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert set(report.data.photo_file_ids) == photo_ids(album)


@pytest.mark.parametrize(
    ("count", "change"), [(2, "照片 5 → 2"), (MAX_PHOTOS, "照片 5 → 5（换了照片）")]
)
async def test_photos_a_report_was_returned_for_are_replaced(
    bot_with_admins: Harness, count: int, change: str
) -> None:
    """A correction at a full photos step (a report returned for its photos): 清空 drops the
    photos kept, new ones are taken, and the report stored has only those; the coordinators
    are told, as many photos as before too."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = await volunteer(bot, 8_800_005)
    await to_photos(bot, user)
    old = bot.api.make_album(user, MAX_PHOTOS)
    for message in old:
        bot.api.deliver(message)
    await bot.api.wait_for_messages(user.id, 2)
    await bot.settle()
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    await press(bot, user, card, "提交", 2)
    [mine] = await say(bot, user, "/myreports")
    [edit_card] = await press(bot, user, mine, "修改 #1")
    [fields] = await press(bot, user, edit_card, "修改")
    [ask] = await press(bot, user, fields, texts.report_fields["photos"])
    assert ask.button_labels() == DONE_OR_CLEAR
    bot.api.send_photo(user)
    [full] = await bot.next_question(user, ask)  # the question's 完成 is the answer's now
    assert "清空照片" in (full.text or ""), full.text
    again = await bot.answer(user, full, "🗑 清空照片，重新发")
    assert (again.source_text or "").startswith(texts.photos_cleared), again.source_text
    assert again.button_labels() == ["跳过 ⏭"] and await draft_photos(bot, user) == []
    new = bot.api.make_album(user, count)
    start = len(bot.api.sent)
    for message in new:
        bot.api.deliver(message)
    await bot.api.wait_for_messages(user.id, after=start)
    await bot.settle()
    reply = sent_since(bot, user, start)[0]
    if count < MAX_PHOTOS:
        await press(bot, user, shown(bot, reply), "完成")
    *_, card = [m for m in bot.api.messages_to(user.id) if "没问题就点" in (m.text or "")]
    assert f"照片：{count} 张" in (card.text or ""), card.text
    mark = len(bot.api.state.sent)
    await press(bot, user, card, "提交", 2)
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert set(report.data.photo_file_ids) == photo_ids(new)  # what the dashboard shows
    told = await bot.api.wait_for_messages(ADMIN_ID, 2, after=mark)  # redrawn, told
    assert any(change in (m.text or "") for m in told), [m.text for m in told]
