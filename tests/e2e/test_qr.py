"""QR attribution: a volunteer's code for an event, a resident who follows it counted once
(first touch only), their questions and subscriptions counted (never shown who), the
volunteer's /myreports, the coordinators' /stats and export, /deleteme, the event's rating
the day after it, with the clock controlled, and the printable poster with its place line."""

import asyncio
import html
import io
import re
from datetime import timedelta

import openpyxl
from PIL import Image
from sqlmodel import col, select, update

from content.report_input import EVENT_AHEAD_DAYS, EVENT_PAST_DAYS
from documents.charts import find_cjk_font
from documents.poster import HEIGHT_PX, WIDTH_PX, poster_png
from domain.posters import MAX_PLACE, poster_words
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser
from storage.models import Attribution, Broadcast, QrEvent, Vote
from tests.clock import local
from tests.documents.test_poster import assert_code_reads
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.test_cases import subscribe
from tests.e2e.test_questions import WAGES
from tests.e2e.volunteer_steps import answer_question, invite, register

LINK = re.compile(r"start=ev_([a-z0-9]+)")


async def make_code(bot: Harness, user: FakeUser, args: str) -> str:
    bot.api.send_command(user, f"/qr {args}")
    poster, photo = await bot.api.wait_for_messages(user.id, 2)
    assert "已为" in poster.content and poster.kind == "document" and photo.kind == "photo"
    assert poster.file is not None and poster.file.startswith(b"\x89PNG")
    assert photo.file is not None and photo.file.startswith(b"\x89PNG")
    match = LINK.search(photo.caption or "")
    assert match, photo.caption
    return match[1]


async def follow(bot: Harness, user: FakeUser, code: str) -> str:
    bot.api.send_command(user, f"/start ev_{code}")
    [welcome] = await bot.api.wait_for_messages(user.id)
    return welcome.content


async def stored_poster(bot: Harness, event: QrEvent, link: str) -> bytes:
    """The poster as drawn from the stored code alone (its title, place line, town and day):
    what any later drawing of it prints."""
    words = poster_words(
        bot.services.library,
        event.title,
        town=event.town,
        day=event.event_date,
        place=event.place,
    )
    font = bot.services.volunteering.chart_font
    return await asyncio.to_thread(poster_png, words, link, font=font)


async def attributions(bot: Harness) -> list[Attribution]:
    async with bot.services.db.session() as session:
        return list((await session.exec(select(Attribution))).all())


async def test_a_code_counts_the_residents_it_brought_once(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    volunteer, other_volunteer = bot.api.user(2301, "志愿者"), bot.api.user(2302, "另一位")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    await register(bot, other_volunteer, await invite(bot, "城关镇"), name="李四")
    lecture = await make_code(bot, volunteer, "3月12日 东山村普法讲座")
    poster = await make_code(bot, other_volunteer, "村委会法治宣传栏")
    assert lecture != poster and len(lecture) == 16
    resident, neighbour = bot.api.user(2303), bot.api.user(2304)
    assert "东山村普法讲座" in await follow(bot, resident, lecture)
    await follow(bot, resident, lecture)  # again: still one
    await follow(bot, resident, poster)  # a later code changes nothing
    await follow(bot, volunteer, lecture)  # its maker is not reached by it
    assert "村委会法治宣传栏" in await follow(bot, neighbour, poster)
    rows = {(a.resident_id, a.code, a.town) for a in await attributions(bot)}
    assert rows == {(resident.id, lecture, "示例县城关镇"), (neighbour.id, poster, "示例县城关镇")}
    await bot.ask(resident, WAGES)
    await bot.ask(resident, "借钱不还怎么办")
    await subscribe(bot, resident)
    await bot.services.question_log.flush()
    mine = await bot.ask(volunteer, "/myreports")
    reach = "活动二维码「东山村普法讲座」：带来 1 位居民，提问 2 次，订阅 1 人，答题 0 道"
    assert reach in mine.content
    assert str(resident.id) not in mine.content
    admin = bot.api.user(ADMIN_ID)
    stats = await bot.ask(admin, "/stats")
    assert "二维码</b>：2 个，带来 2 位居民，提问 2 次，订阅 1 人，答题 0 道" in (
        stats.source_text or ""
    )
    bot.api.send_command(admin, "/export 二维码")
    [document] = await bot.api.wait_for_messages(admin.id)
    assert document.file is not None
    sheet = openpyxl.load_workbook(io.BytesIO(document.file)).active
    assert sheet is not None
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    table = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert table["东山村普法讲座"]["带来居民"] == 1 and table["东山村普法讲座"]["提问次数"] == 2
    assert table["东山村普法讲座"]["志愿者"] == "张三"
    assert table["村委会法治宣传栏"]["带来居民"] == 1
    assert table["村委会法治宣传栏"]["订阅人数"] == 0
    # /deleteme erases the link; the code's count drops with it.
    bot.api.send_command(resident, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(resident.id)
    await answer_question(bot, resident, confirm, "确定")
    assert {a.resident_id for a in await attributions(bot)} == {neighbour.id}


async def test_only_volunteers_make_codes_and_bad_links_count_nothing(
    bot_with_admins: Harness,
) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    resident = bot.api.user(2305)
    refused = await bot.ask(resident, "/qr 我的海报")
    assert refused.content == bot.ui.volunteers.not_volunteer
    admin = bot.api.user(ADMIN_ID)
    assert (await bot.ask(admin, "/qr")).source_text == texts.qr_usage
    for day in ("3月12日", "明天"):  # a day, no title: the title is what is missing
        missing = await bot.ask(admin, f"/qr {day}")
        assert missing.source_text == texts.qr_title_missing.format(date=f"{day} ")
    assert "还差活动名称" in missing.content and "/qr 明天 城关广场反诈宣传" in missing.content
    assert (await bot.ask(admin, "/qr ｜东山镇司法所")).source_text == (
        texts.qr_title_missing.format(date="")
    )
    assert (await bot.ask(admin, "/qr 明天 长")).source_text == texts.qr_title_bad
    assert (await bot.ask(admin, "/qr " + "长" * 41)).source_text == texts.qr_title_bad
    # A first word that is a date but not a usable one is said so, not made into a poster
    # titled with it (which would have no day, and no rating the day after).
    bot.clock.set(local(2027, 3, 10, 9))
    invalid = await bot.ask(admin, "/qr 2月30日 东山村普法讲座")
    assert invalid.source_text == texts.qr_date_invalid.format(date="2月30日")
    for day in ("2026-12-01", "2028-05-01"):
        out_of_range = await bot.ask(admin, f"/qr {day} 东山村普法讲座")
        assert out_of_range.source_text == texts.qr_date_range.format(
            date=day, past=EVENT_PAST_DAYS, ahead=EVENT_AHEAD_DAYS
        )
    async with bot.services.db.session() as session:
        assert (await session.exec(select(QrEvent))).all() == []
    group = bot.api.group(-1002305, "村民群")
    bot.api.send_command(admin, "/qr 海报", chat=group)
    [private_only] = await bot.api.wait_for_messages(group.id)
    assert private_only.content == bot.ui.volunteers.private_only
    for payload in ["ev_", "ev_" + "a" * 16, "ev_ABC", "ev_" + "a" * 41, "ev_../x"]:
        before = len(bot.sent_to(resident.id))
        bot.api.send_command(resident, f"/start {payload}")
        await bot.api.wait_for_messages(resident.id)
        await bot.settle()
        # one answer, offering what it says (the general note promised a menu, none came)
        [unknown] = bot.sent_to(resident.id)[before:]
        assert unknown.source_text == texts.qr_link_unknown
        assert unknown.button_labels() == [texts.qr_topics_button]
    assert await attributions(bot) == []


async def test_residents_an_event_brought_rate_it_the_day_after(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    admin = bot.api.user(ADMIN_ID)  # the clock: Tuesday 2026-03-10
    code = await make_code(bot, admin, "3月12日 法律进乡村")
    came, stranger = bot.api.user(2306), bot.api.user(2307)
    await follow(bot, came, code)
    await bot.ask(stranger, "/start")
    early = await bot.press(
        came, await bot.ask(came, WAGES), callbacks.make(Kind.VOTE, "up", "e", code)
    )
    assert early["text"] == bot.ui.stale_button  # not over yet
    async with bot.services.db.session() as session:
        [row] = (await session.exec(select(Broadcast).where(Broadcast.origin == "rating"))).all()
    assert row.send_at == local(2026, 3, 13, 10)
    bot.clock.set(row.send_at + timedelta(minutes=1))
    before = len(bot.api.sent)
    assert (await bot.services.broadcasting.tick()).started == [row.id]
    [prompt] = await bot.api.wait_for_messages(came.id, after=before)
    assert "法律进乡村" in prompt.content
    assert prompt.button_labels() == [texts.event_up_button, texts.event_down_button]
    vote = prompt.find_button(texts.event_up_button)["callback_data"]
    assert (await bot.press(came, prompt, vote))["text"] == texts.vote_thanks
    assert (await bot.press(came, prompt, vote))["text"] == texts.vote_same
    forged = await bot.press(stranger, prompt, vote)  # not brought by this code
    assert forged["text"] == bot.ui.stale_button
    await bot.settle()
    assert len(bot.sent_to(stranger.id)) == 1  # no rating request for them
    async with bot.services.db.session() as session:
        [vote_row] = (await session.exec(select(Vote))).all()
    assert (vote_row.kind, vote_row.voter_id, vote_row.satisfied) == ("event", came.id, True)


async def test_a_code_whose_title_was_erased_still_welcomes(bot_with_admins: Harness) -> None:
    """/deleteme blanks the title of codes made from the volunteer's reports (it named the
    place): the code keeps working, with a welcome that names nothing."""
    bot = bot_with_admins
    code = await make_code(bot, bot.api.user(ADMIN_ID), "幸福小区3栋门口普法")
    async with bot.services.db.session() as session:
        await session.exec(update(QrEvent).where(col(QrEvent.code) == code).values(title=""))
    welcome = await follow(bot, bot.api.user(2308), code)
    assert welcome.startswith("👋 欢迎来到普法小助手") and "「」" not in welcome


async def test_the_code_comes_as_a_printable_poster_and_as_the_bare_code(
    bot_with_admins: Harness,
) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2308, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    bot.api.send_command(volunteer, "/qr 3月12日 东山村普法讲座")
    poster, photo = await bot.api.wait_for_messages(volunteer.id, 2)
    assert poster.method == "sendDocument" and photo.method == "sendPhoto"
    assert "东山村普法讲座" in poster.content and texts.qr_poster_caption in poster.content
    assert poster.file is not None and photo.file is not None and photo.caption is not None
    link = photo.caption
    assert poster.file_name == f"poster_{link.rsplit('=', 1)[1]}.png"
    assert Image.open(io.BytesIO(poster.file)).size == (WIDTH_PX, HEIGHT_PX)
    assert_code_reads(poster.file, link)


async def test_a_poster_can_say_where_or_who(bot_with_admins: Harness) -> None:
    """`/qr 标题｜地点`: the place is a line of that poster (and of its caption, escaped),
    stored with the code; too long or without letters it is refused with an example."""
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2309, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    place = "东山镇司法所 · <普法>志愿服务"
    bot.api.send_command(volunteer, f"/qr 3月12日 东山村普法讲座 ｜ {place}")
    poster, photo = await bot.api.wait_for_messages(volunteer.id, 2)
    assert poster.file is not None and photo.caption is not None
    line = texts.qr_poster_place.format(place=html.escape(place))
    assert line in (poster.source_text or ""), poster.source_text
    assert texts.qr_poster_place.format(place=place) in poster.content
    assert "东山村普法讲座" in poster.content and "｜" not in poster.content
    code = photo.caption.rsplit("=", 1)[1].removeprefix("ev_")
    async with bot.services.db.session() as session:
        event = await session.get(QrEvent, code)
    assert event is not None and (event.title, event.place) == ("东山村普法讲座", place)
    expected = await stored_poster(bot, event, photo.caption)
    assert poster.file == expected  # the very poster, place line included, as the code has it
    assert_code_reads(poster.file, photo.caption)
    refused = await bot.ask(volunteer, f"/qr 东山村普法讲座|{'长' * (MAX_PLACE + 1)}")
    too_long = texts.qr_place_too_long.format(most=MAX_PLACE, command="东山村普法讲座")
    assert refused.source_text == too_long
    # Without a place, no place line.
    bot.api.send_command(volunteer, "/qr 村委会法治宣传栏")
    plain, _ = await bot.api.wait_for_messages(volunteer.id, 2)
    assert texts.qr_poster_place.split("{")[0] not in plain.content


async def test_a_place_that_is_empty_or_prints_nothing_is_told_in_plain_words(
    bot_with_admins: Harness,
) -> None:
    """After "｜" nothing, only emoji or symbols, or only a number the poster leaves off: each
    is told what is wrong, with the volunteer's own command to send again (with a place, or
    without "｜"); no code is made, and the command sent again with a place works."""
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2315, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    command = "3月12日 东山村普法讲座"
    for typed, said in [
        ("", texts.qr_place_empty),
        ("   ", texts.qr_place_empty),
        ("🎉🎉", texts.qr_place_unprintable),
        ("·・！", texts.qr_place_unprintable),
        ("电话 13812345678", texts.qr_place_unprintable),
    ]:
        refused = await bot.ask(volunteer, f"/qr {command}｜{typed}")
        assert refused.source_text == said.format(command=command), typed
        assert (
            "13812345678" not in refused.content
            and "/qr 3月12日 东山村普法讲座" in refused.content
        )
    async with bot.services.db.session() as session:
        assert (await session.exec(select(QrEvent))).all() == []
    await make_code(bot, volunteer, f"{command}｜东山镇司法所")


async def test_a_title_the_poster_would_print_nothing_of_is_refused(
    bot_with_admins: Harness,
) -> None:
    """A title of only a labelled phone number (or that and emoji), or of letters the poster's
    font cannot draw, would leave the poster without a title: /qr says so, stores no code,
    and the next /qr with a name works."""
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2314, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    for typed, day in [
        ("电话13812345678", ""),
        ("明天 联系手机：13812345678", "明天 "),
        ("🎉 电话 13812345678（）", ""),
        ("ꡀꡁ", ""),  # letters (八思巴字) no CJK font draws, nor the pinyin of a fontless one
    ]:
        refused = await bot.ask(volunteer, f"/qr {typed}")
        assert refused.source_text == texts.qr_title_off_poster.format(date=day), typed
        assert "13812345678" not in refused.content
    async with bot.services.db.session() as session:
        assert (await session.exec(select(QrEvent))).all() == []
    await make_code(bot, volunteer, "明天 反诈宣传 电话13812345678")


async def test_numbers_typed_in_a_title_or_place_are_masked_everywhere(
    bot_with_admins: Harness,
) -> None:
    """A phone number in `/qr`'s title or place line is masked before the title is stored and
    the poster drawn: the caption (which says so, once), the poster, the welcome, /myreports;
    a name stays (the maker's choice). Emoji the poster font cannot draw are left off the
    poster and named in the caption."""
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2310, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    phone, landline = "13812345678", "0931-8123456"
    bot.api.send_command(
        volunteer, f"/qr 12月20日 🎉城关广场反诈宣传 电话{phone} 张三｜咨询 {landline}"
    )
    poster, photo = await bot.api.wait_for_messages(volunteer.id, 2)
    assert poster.file is not None and photo.caption is not None
    title = f"🎉城关广场反诈宣传 电话{'*' * 11} 张三"
    place = f"咨询 {'*' * 12}"
    assert phone not in poster.content and landline not in poster.content
    assert f"「{title}」" in poster.content  # the maker sees where numbers were
    # The poster leaves the numbers out, and the 电话 before one: no asterisks on a wall.
    assert bot.ui.engagement.qr_poster_place.format(place="咨询") in poster.content
    words = poster_words(bot.services.library, title, place=place)
    assert (words.title, words.place) == ("🎉城关广场反诈宣传 张三", "咨询")
    assert poster.content.count(texts.qr_numbers_hidden) == 1
    if find_cjk_font(bot.services.volunteering.chart_font) is not None:
        assert texts.qr_poster_dropped.format(chars="🎉") in poster.content
    code = photo.caption.rsplit("=", 1)[1].removeprefix("ev_")
    async with bot.services.db.session() as session:
        event = await session.get(QrEvent, code)
    assert event is not None and (event.title, event.place) == (title, place)  # stored masked
    expected = await stored_poster(bot, event, photo.caption)
    assert poster.file == expected  # the poster drawn from the masked words
    welcome = await follow(bot, bot.api.user(2311), code)
    assert phone not in welcome and title in welcome
    mine = await bot.ask(volunteer, "/myreports")
    assert phone not in mine.content and title in mine.content
    # A plain title: no word of hidden numbers.
    bot.api.send_command(volunteer, "/qr 村委会法治宣传栏")
    plain, _ = await bot.api.wait_for_messages(volunteer.id, 2)
    assert texts.qr_numbers_hidden not in plain.content
    assert texts.qr_poster_dropped.split("{")[0] not in plain.content


async def test_a_title_stored_with_a_number_before_is_shown_masked(
    bot_with_admins: Harness,
) -> None:
    """Codes made before titles were masked keep their title as typed, and so does their
    rating invitation, scheduled then: the welcome, /myreports and the invitation, when it is
    sent, mask it."""
    bot = bot_with_admins
    volunteer = bot.api.user(2312, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    code = await make_code(bot, volunteer, "3月12日 城关广场反诈宣传")
    typed = "城关广场反诈宣传 电话13812345678"
    async with bot.services.db.session() as session:
        await session.exec(update(QrEvent).where(col(QrEvent.code) == code).values(title=typed))
        await session.exec(
            update(Broadcast).where(col(Broadcast.audience_value) == code).values(text=typed)
        )
    resident = bot.api.user(2313)
    welcome = await follow(bot, resident, code)
    assert "13812345678" not in welcome and "电话***********" in welcome
    mine = await bot.ask(volunteer, "/myreports")
    assert "13812345678" not in mine.content and "电话***********" in mine.content
    async with bot.services.db.session() as session:
        [row] = (await session.exec(select(Broadcast).where(Broadcast.origin == "rating"))).all()
    bot.clock.set(row.send_at + timedelta(minutes=1))
    before = len(bot.api.sent)
    assert (await bot.services.broadcasting.tick()).started == [row.id]
    [invitation] = await bot.api.wait_for_messages(resident.id, after=before)
    assert invitation.content == bot.ui.engagement.event_rating_prompt.format(
        title="城关广场反诈宣传 电话***********"
    )
