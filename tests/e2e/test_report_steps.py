"""The registration and /report steps' answers (walkthrough 2: F2, F3, F4, F16, F17, F21,
F25), through the real bot and the local Bot API: expired buttons inside an open chat, the
number hints, typed towns and short names, unusual figures, an album of photos, a shared
location's place name, and the oldest date a report may have."""

import csv
import io
import logging
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.place_names import named
from content.report_input import USUAL_AUDIENCE, InputError, parse_audience
from local_api import FakeUser, SentMessage
from storage.drafts import drafts_of
from storage.reports import own_reports
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import (
    answers_to_materials,
    invite,
    phone_questions,
    press,
    register,
    report_to_card,
    report_to_place,
    say,
    tick_topic,
)

NEAR_DONGSHAN = (30.0450, 110.0800)  # at the sample 东山镇司法所
FAR_AWAY = (34.5, 110.0)  # about 500 km north of every sample point
OVER_HTTP = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# What a Telegram client can send (no control characters but line breaks), not a command.
TYPED = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters="\n"))
    .filter(str.strip)
    .filter(lambda t: not t.lstrip().startswith("/"))
)
USER_IDS = count(2_200_001)


async def volunteer(bot: Harness, user_id: int) -> FakeUser:
    user = bot.api.user(user_id)
    await register(bot, user, await invite(bot, "城关镇"))
    return user


async def to_photos(bot: Harness, user: FakeUser) -> SentMessage:
    """/report up to the photos question."""
    await report_to_place(bot, user)
    await answers_to_materials(bot, user)
    [photos] = await say(bot, user, "100")
    assert "照片" in (photos.text or ""), photos.text
    return photos


async def test_the_activity_type_typed_as_its_button_says_is_taken(
    bot_with_admins: Harness,
) -> None:
    """Typing 宪法宣传 (or 法治文艺 with spaces) at the type step is the button's answer; a
    word that is no type is asked again."""
    bot = bot_with_admins
    user = await volunteer(bot, 8_600_101)
    [types] = await say(bot, user, "/report")
    [again] = await say(bot, user, "讲座")
    assert (again.source_text or "").startswith(bot.ui.volunteers.report_wrong_input)
    assert again.button_labels() == types.button_labels()
    [date] = await say(bot, user, " 法治 文艺 ")
    assert "第 2 步" in date.content, date.content
    async with bot.services.db.session() as session:
        [row] = await drafts_of(session=session, telegram_id=user.id)
    assert row.data["type"] == "arts"


async def test_an_expired_button_in_an_open_chat_points_at_its_latest_prompt(
    bot_with_admins: Harness,
) -> None:
    """F2: /start would end the chat, so inside one the answer says to go on or /cancel."""
    bot = bot_with_admins
    code = await invite(bot)  # any town: the volunteer picks one
    user = bot.api.user(861)
    bot.api.send_command(user, f"/start join_{code}")
    await bot.api.wait_for_messages(user.id)
    [ask_town] = await say(bot, user, "刘志愿")
    ask_place = await bot.answer(user, ask_town, "示例县东山镇")
    answer = await bot.press(user, ask_town, ask_town.find_button("示例县西河镇")["callback_data"])
    assert answer["text"] == bot.ui.stale_step and answer["show_alert"]
    assert "/start" not in bot.ui.stale_step and "/cancel" in bot.ui.stale_step
    ask_org = await bot.answer(user, ask_place, "桃园村")  # the registration goes on
    bot.api.press_button(user, ask_org, "跳过")
    await phone_questions(bot, user, ask_org)
    [done] = await say(bot, user, "13800138000")
    assert "登记成功" in (done.text or "")

    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    [_date] = await press(bot, user, types, "宪法宣传")
    answer = await bot.press(user, types, types.find_button("法治文艺")["callback_data"])
    assert answer["text"] == bot.ui.stale_step
    bot.api.send_command(user, "/cancel")
    await bot.api.wait_for_messages(user.id)
    answer = await bot.press(user, types, types.find_button("法治文艺")["callback_data"])
    assert answer["text"] == bot.ui.volunteers.report_none  # none open: how to start one


async def test_number_steps_hint_what_they_take_and_old_dates_say_what_is_true(
    bot_with_admins: Harness,
) -> None:
    """F3 and F21."""
    bot = bot_with_admins
    user = await volunteer(bot, 862)
    texts = bot.ui.volunteers
    bot.api.send_command(user, "/report")
    [types] = await bot.api.wait_for_messages(user.id)
    await press(bot, user, types, "宪法宣传")
    [old] = await say(bot, user, "2020-01-01")
    assert "补录" not in (old.text or "") and "管理员" in (old.text or ""), old.text
    [topics] = await say(bot, user, "今天")
    await tick_topic(bot, user, topics)
    await press(bot, user, topics, "完成")
    await say(bot, user, "城关社区文化广场")
    [reply] = await say(bot, user, "1.5")
    assert reply.source_text == texts.errors.audience_format
    await say(bot, user, "80")
    [reply] = await say(bot, user, "很多")
    assert "0.5–24" in (reply.text or ""), reply.text
    await say(bot, user, "2")
    [reply] = await say(bot, user, "2.5")
    assert reply.source_text == texts.errors.materials_format
    assert "2.5" not in (reply.text or "") and "整数" in (reply.text or "")
    [photos] = await say(bot, user, "200")
    assert "照片" in (photos.text or "")


async def test_a_typed_town_is_taken_when_it_names_one_button_and_short_names_are_refused(
    bot_with_admins: Harness,
) -> None:
    """F4."""
    bot = bot_with_admins
    code = await invite(bot)
    user = bot.api.user(863)
    bot.api.send_command(user, f"/join {code}")
    await bot.api.wait_for_messages(user.id)
    [reply] = await say(bot, user, "李")
    assert reply.source_text == bot.ui.volunteers.errors.name_short
    [ask_town] = await say(bot, user, "李四")
    assert "示例县东山镇" in ask_town.button_labels()
    bot.api.send_text(user, "示例县")  # names every town
    [again] = await bot.next_question(user, ask_town)
    assert "有几个" in (again.text or "") and "示例县东山镇" in again.button_labels()
    bot.api.send_text(user, "火星")
    [again] = await bot.next_question(user, again)
    assert "没找到" in (again.text or "") and "示例县东山镇" in again.button_labels()
    bot.api.send_text(user, "东山镇")
    [ask_place] = await bot.next_question(user, again)
    assert "桃园村" in ask_place.button_labels(), ask_place.text


async def test_unusual_figures_are_asked_about_once(bot_with_admins: Harness) -> None:
    """F17: 确定 takes the figure, 改一下 asks again; each question answers once."""
    bot = bot_with_admins
    user = await volunteer(bot, 864)
    await report_to_place(bot, user)
    await say(bot, user, "城关社区文化广场")
    [question] = await say(bot, user, "99999")
    assert "确定吗" in (question.text or "") and "99999 人" in (question.text or "")
    ask = await bot.answer(user, question, "改一下")  # the question loses its buttons
    assert "多少" in (ask.text or "") and "人" in (ask.text or ""), ask.text
    [question] = await say(bot, user, "6000")
    hours = await bot.answer(user, question, "确定")
    assert "时长" in (hours.text or "")
    again = await bot.press(user, question, question.find_button("确定")["callback_data"])
    assert again["text"] == bot.ui.stale_step  # answered already
    [question] = await say(bot, user, "20")
    assert "20 小时" in (question.text or "")
    materials = await bot.answer(user, question, "确定")
    assert "资料" in (materials.text or "")
    [photos] = await press(bot, user, materials, "跳过")
    await press(bot, user, photos, "跳过")
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "6000 人" in (card.text or "") and "20 小时" in (card.text or ""), card.text
    [question] = await say(bot, user, "ok")  # the card takes buttons only
    assert "按提示" in (question.text or "")


async def test_only_the_report_question_asked_last_can_be_pressed(
    bot_with_admins: Harness,
) -> None:
    """A question with buttons loses them once the next one is asked, whether it was
    answered by a button or by typing: the steps up to the card (report_to_card), the card
    once 修改 is pressed, the list of fields once one is picked or 返回 is pressed, an
    unusual figure's question once a usual one is typed instead; the card drawn again is the
    only one left to press."""
    bot, texts = bot_with_admins, bot_with_admins.ui.volunteers
    user = await volunteer(bot, next(USER_IDS))
    start = len(bot.api.sent)
    card = await report_to_card(bot, user)
    fields = await bot.answer(user, card, "修改")
    ask_hours = await bot.answer(user, fields, texts.report_fields["hours"])
    assert "时长" in ask_hours.content and ask_hours.buttons() == []
    [unusual] = await say(bot, user, "20")
    assert "20 小时" in unusual.content and unusual.buttons()
    bot.api.send_text(user, "2")  # typed instead of 确定 or 改一下
    [card] = await bot.next_question(user, unusual)
    assert "时长：2 小时" in card.content, card.content
    fields = await bot.answer(user, card, "修改")
    card = await bot.answer(user, fields, texts.back_button)
    live = [m for m in bot.sent_to(user.id) if m.index >= start and bot.as_now(m).buttons()]
    assert live == [card], [m.describe() for m in live]


async def test_an_album_of_six_photos_keeps_five_and_says_so(bot_with_admins: Harness) -> None:
    """F25: one line per photo, the limit said, the sixth not kept (and not an error)."""
    bot = bot_with_admins
    user = await volunteer(bot, 865)
    await to_photos(bot, user)
    start = len(bot.api.sent)
    for n in range(1, 7):
        bot.api.send_photo(user, f"现场照片{n}")
    await bot.api.wait_for_messages(user.id, 6, after=start)
    await bot.settle()
    replies = [m for m in bot.sent_to(user.id) if m.index >= start]
    texts = [m.text or "" for m in replies]
    assert len(replies) == 6, texts
    # Each answer's 完成 went as the next photo was answered: none is left to press.
    assert [bot.as_now(m).buttons() for m in replies] == [[]] * 6
    for n, text in enumerate(texts[:4], 1):
        assert text.startswith(f"已收到第 {n} 张照片"), text
        assert "第 8 步" not in text  # not the whole question again
    assert "说明文字不会保存" in texts[0] and "说明文字" not in texts[1]
    assert "已收到 5 张照片" in texts[4] and "最后一步" in texts[4], texts[4]
    assert "没有保存" in texts[5] and "按提示" not in texts[5], texts[5]
    [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
    assert "照片：5 张" in (card.text or ""), card.text
    await press(bot, user, card, "提交", 2)
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert len(report.data.photo_file_ids) == 5


async def test_a_shared_location_is_named_and_exported(bot_with_admins: Harness) -> None:
    """F16: near a service point, its name; else the coordinates; both in the export."""
    bot = bot_with_admins
    user = await volunteer(bot, 866)
    for (lat, lon), place in [
        (NEAR_DONGSHAN, "东山镇司法所（公共法律服务工作站）附近"),
        (FAR_AWAY, "位置 34.5000, 110.0000"),
    ]:
        await report_to_place(bot, user)
        bot.api.send_location(user, lat, lon)
        await bot.api.wait_for_messages(user.id)
        await say(bot, user, "80")
        [materials] = await say(bot, user, "2")
        [photos] = await press(bot, user, materials, "跳过")
        await press(bot, user, photos, "跳过")
        [card] = await say(bot, user, "在文化广场宣讲宪法，群众反响很好。")
        assert place in (card.text or ""), card.text
        await press(bot, user, card, "提交", 2)
    admin = bot.api.user(ADMIN_ID)
    await bot.settle()  # the coordinator's notices of both reports are out
    start = len(bot.api.sent)
    bot.api.send_command(admin, "/export 本月 csv")
    [document] = await bot.api.wait_for_messages(admin.id, after=start)
    assert document.file is not None
    rows = list(csv.DictReader(io.StringIO(document.file.decode("utf-8-sig"))))
    assert [(r["地点"], r["纬度"], r["经度"]) for r in rows] == [
        ("东山镇司法所（公共法律服务工作站）附近", "30.045", "110.08"),
        ("位置 34.5000, 110.0000", "34.5", "110"),
    ]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@OVER_HTTP
@given(text=TYPED.map(lambda t: t[:120]))
async def test_any_text_at_the_town_step_takes_one_named_town_or_asks_again(
    bot_with_admins: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    bot = bot_with_admins
    user = bot.api.user(next(USER_IDS))
    bot.api.send_command(user, f"/join {await invite(bot)}")
    await bot.api.wait_for_messages(user.id)
    await say(bot, user, "刘志愿")
    before = len(bot.api.messages_to(user.id))
    bot.api.send_text(user, text)
    await bot.settle()
    assert len(bot.api.messages_to(user.id)) - before == 2  # the list loses its buttons
    chat = await bot.services.chats.get("register", user.id)
    assert chat is not None
    matches = named(text, [t.town for t in bot.services.library.towns])
    if len(matches) == 1:
        assert (chat.step, chat.data["town"]) == ("place", matches[0])
    else:
        assert chat.step == "town" and not chat.data.get("town")
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(text=st.one_of(TYPED.map(lambda t: t[:60]), st.integers(0, 200_000).map(str)))
async def test_any_text_at_the_audience_step_is_taken_asked_about_or_explained(
    bot_with_admins: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    bot = bot_with_admins
    user = await volunteer(bot, next(USER_IDS))
    await report_to_place(bot, user)
    await say(bot, user, "城关社区文化广场")
    before = len(bot.api.messages_to(user.id))
    bot.api.send_text(user, text)
    await bot.settle()
    assert len(bot.api.messages_to(user.id)) - before == 1
    chat = await bot.services.chats.get("report", user.id)
    assert chat is not None
    try:
        audience: int | None = parse_audience(text)
    except InputError:
        audience = None
    if audience is not None and audience <= USUAL_AUDIENCE:
        assert (chat.step, chat.data["audience"]) == ("hours", audience)
    else:  # refused, or kept aside until 确定
        assert chat.step == "audience" and chat.data.get("unsure") == audience
    assert errors_logged(caplog) == []


async def test_summary_limits_said_up_front_and_skip_typed_at_the_photo_steps(
    bot_with_admins: Harness,
) -> None:
    """跳过 typed at the materials and photos steps is the button; the summary question says
    both of its limits, as its refusal does; the card counts materials in 份."""
    bot = bot_with_admins
    user = await volunteer(bot, next(USER_IDS))
    await report_to_place(bot, user)
    materials = await answers_to_materials(bot, user)
    [photos] = await say(bot, user, "跳过")
    assert "照片" in (photos.text or ""), photos.text
    [summary] = await say(bot, user, "跳过 ⏭")
    assert "5–500 个字" in (summary.text or ""), summary.text
    [short] = await say(bot, user, "宣讲宪法")
    assert "至少 5 个字" in (short.text or "") and "最多 500 个字" in (short.text or "")
    [card] = await say(bot, user, "在文化广场宣讲宪法。")
    assert "资料：无" in (card.text or "") and "没问题就点" in (card.text or ""), card.text
    # 完成 typed at the photos step, with a photo in, goes on as well.
    [fields] = await press(bot, user, card, "修改")
    await press(bot, user, fields, "资料份数")
    [card] = await say(bot, user, "300")
    assert "资料：300 份" in (card.text or ""), card.text
    [fields] = await press(bot, user, card, "修改")
    [ask_photos] = await press(bot, user, fields, "照片")
    bot.api.send_photo(user)
    await bot.next_question(user, ask_photos)  # the answer's 完成 replaces the question's
    [card] = await say(bot, user, "完成")
    assert "照片：1 张" in (card.text or ""), card.text
    assert materials.text and "资料" in materials.text


async def test_submit_on_an_older_summary_card_is_refused(bot_with_admins: Harness) -> None:
    """The QA walkthrough: the card showing the old date cannot submit the corrected draft:
    its 提交 is refused and the card as the draft is now comes below; that one submits."""
    bot = bot_with_admins
    user = await volunteer(bot, next(USER_IDS))
    old = await report_to_card(bot, user)
    today = bot.services.local_now().date()
    assert today.isoformat() in old.content
    [fields] = await press(bot, user, old, "修改")
    [ask_date] = await press(bot, user, fields, "日期")
    [latest] = await press(bot, user, ask_date, "昨天")
    yesterday = (today - timedelta(days=1)).isoformat()
    assert yesterday in latest.content and "请核对" in latest.content
    answer = await bot.press(user, old, old.find_button("提交")["callback_data"])
    assert answer["text"] == bot.ui.chat.outdated_card and answer["show_alert"]
    [redrawn] = await bot.next_question(user, latest)  # only the card drawn last is live
    assert redrawn.content == latest.content
    async with bot.services.db.session() as session:
        assert await own_reports(session=session, volunteer_id=user.id) == []
    [_submitted, done] = await press(bot, user, redrawn, "提交", 2)
    assert "提交成功" in done.content, done.content
    async with bot.services.db.session() as session:
        [report] = await own_reports(session=session, volunteer_id=user.id)
    assert report.data.activity_date.isoformat() == yesterday
