"""/myqr: a volunteer's own QR codes, newest first with the residents each brought, paged, and
"再发海报" sending a code's poster and QR again (the same link, the same poster); only to its
maker or a coordinator, never for a code whose maker asked to be erased, never in a group."""

from datetime import timedelta

from sqlmodel import func, select

from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeUser, SentMessage
from storage.attribution import create_event
from storage.models import Broadcast, QrEvent
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.test_qr import LINK, follow
from tests.e2e.volunteer_steps import answer_question, invite, register


async def made(bot: Harness, user: FakeUser, args: str) -> tuple[SentMessage, SentMessage]:
    """`/qr <args>`: the poster and the bare code as they were sent."""
    bot.api.send_command(user, f"/qr {args}")
    poster, photo = await bot.api.wait_for_messages(user.id, 2)
    return poster, photo


def again(code: str) -> str:
    return callbacks.make(Kind.EVENT, "again", code)


def line(bot: Harness, n: int, title: str, when: str, residents: int) -> str:
    """A code's line in /myqr."""
    return bot.ui.engagement.qr_mine_line.format(n=n, title=title, when=when, residents=residents)


async def rows(bot: Harness, table: type[QrEvent] | type[Broadcast]) -> int:
    async with bot.services.db.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_a_volunteer_gets_a_code_of_theirs_again(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2401, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    assert (await bot.ask(volunteer, "/myqr")).source_text == texts.qr_mine_none
    assert "/myqr" in (await bot.ask(volunteer, "/qr")).content  # the usage hint names it
    place = "东山镇司法所 · 普法志愿服务"
    poster, photo = await made(bot, volunteer, f"3月12日 东山村普法讲座 电话13812345678｜{place}")
    assert "/myqr" in poster.content  # and so does a new code's caption
    bot.clock.advance(timedelta(minutes=5))
    await made(bot, volunteer, "村委会法治宣传栏")
    match = LINK.search(photo.caption or "")
    assert match
    await follow(bot, bot.api.user(2402), match[1])
    listing = await bot.ask(volunteer, "/myqr")
    text = listing.content
    assert text.index("村委会法治宣传栏") < text.index("东山村普法讲座")  # newest first
    assert "13812345678" not in text and "电话***********" in text
    lecture = texts.qr_mine_when.format(date="2026-03-12")
    assert line(bot, 2, "东山村普法讲座 电话***********", lecture, 1) in text
    assert line(bot, 1, "村委会法治宣传栏", texts.qr_mine_poster, 0) in text
    labels = [texts.qr_again_button.format(n=n) for n in (1, 2)]
    assert listing.button_labels() == labels
    codes, ratings = await rows(bot, QrEvent), await rows(bot, Broadcast)
    bot.api.press_button(volunteer, listing, labels[1])
    poster_again, photo_again = await bot.api.wait_for_messages(volunteer.id, 2)
    assert poster_again.method == "sendDocument" and photo_again.method == "sendPhoto"
    assert poster_again.file is not None and poster_again.file.startswith(b"\x89PNG")
    assert poster_again.file == poster.file  # the very poster, its place line too
    assert poster_again.file_name == poster.file_name
    assert photo_again.caption == photo.caption  # the same deep link
    assert photo_again.file == photo.file
    assert "13812345678" not in poster_again.content and place in poster_again.content
    assert "已为" not in poster_again.content and "东山村普法讲座" in poster_again.content
    assert texts.qr_sent_again.split("「")[0] in poster_again.content
    assert (await rows(bot, QrEvent), await rows(bot, Broadcast)) == (codes, ratings)


async def test_only_its_maker_or_a_coordinator_gets_a_code_again(
    bot_with_admins: Harness,
) -> None:
    """Someone else's code, a forged or malformed id, a code whose maker was erased: all
    answered as an expired button, nothing sent."""
    bot = bot_with_admins
    owner, other = bot.api.user(2403, "志愿者"), bot.api.user(2404, "另一位")
    code = await invite(bot, "城关镇")
    await register(bot, owner, code)
    await register(bot, other, code, name="李四")
    _, photo = await made(bot, owner, "3月12日 东山村普法讲座｜东山镇司法所")
    match = LINK.search(photo.caption or "")
    assert match
    mine = await bot.ask(other, "/myqr")
    forged = [
        again(match[1]),  # someone else's
        again("a" * 16),  # no such code
        callbacks.VERSION + ":ev:again:ABC",
        callbacks.VERSION + ":ev:again",
        callbacks.VERSION + f":ev:again:{match[1]}:x",
        callbacks.VERSION + ":ev:mine:0",
        callbacks.VERSION + ":ev:mine:x",
    ]
    for data in forged:
        assert (await bot.press(other, mine, data))["text"] == bot.ui.stale_button, data
    await bot.settle()
    assert bot.sent_to(other.id)[-1] == mine  # nothing sent since
    admin = bot.api.user(ADMIN_ID)
    listing = await bot.ask(admin, "/myqr")
    bot.api.press(admin, listing, again(match[1]))
    poster, bare = await bot.api.wait_for_messages(admin.id, 2)
    assert bare.caption == photo.caption and poster.file is not None
    # The owner asks to be erased: the code keeps counting, under nobody.
    bot.api.send_command(owner, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(owner.id)
    await answer_question(bot, owner, confirm, "确定")
    before = len(bot.sent_to(admin.id))
    assert (await bot.press(admin, listing, again(match[1])))["text"] == bot.ui.stale_button
    assert (await bot.ask(owner, "/myqr")).content == bot.ui.volunteers.not_volunteer
    await bot.settle()
    assert len(bot.sent_to(admin.id)) == before


async def test_codes_are_listed_a_page_at_a_time(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    admin = bot.api.user(ADMIN_ID)
    start = bot.services.now()
    async with bot.services.db.session() as session:
        for n in range(7):
            await create_event(
                session=session,
                title=f"宣传栏{n}号",
                volunteer_id=admin.id,
                town="",
                event_date=None,
                now=start + timedelta(minutes=n),
            )
    first = await bot.ask(admin, "/myqr")
    assert "宣传栏6号" in first.content and "宣传栏2号" in first.content
    assert "宣传栏1号" not in first.content
    assert first.button_labels()[-1] == bot.ui.page_next
    second = await bot.tap(admin, first, bot.ui.page_next)
    assert (second.action, second.message_id) == ("edit", first.message_id)
    assert "宣传栏1号" in second.content and "宣传栏0号" in second.content
    assert "宣传栏2号" not in second.content
    assert line(bot, 7, "宣传栏0号", texts.qr_mine_poster, 0) in second.content
    assert second.button_labels() == [
        texts.qr_again_button.format(n=6),
        texts.qr_again_button.format(n=7),
        bot.ui.page_prev,
    ]
    bot.api.press_button(admin, second, texts.qr_again_button.format(n=7))
    poster, bare = await bot.api.wait_for_messages(admin.id, 2)
    assert "宣传栏0号" in poster.content and bare.caption
    back = await bot.tap(admin, second, bot.ui.page_prev)
    assert "宣传栏6号" in back.content
    # A page past the end (forged, or fewer codes now) shows the last one.
    bot.api.press(admin, back, callbacks.make(Kind.EVENT, "mine", 9))
    [last] = await bot.api.wait_for_messages(admin.id)
    assert texts.qr_mine_title.format(page=2, pages=2) in (last.source_text or "")


async def test_codes_are_never_listed_or_sent_in_a_group(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    admin = bot.api.user(ADMIN_ID)
    _, photo = await made(bot, admin, "村委会法治宣传栏")
    match = LINK.search(photo.caption or "")
    assert match
    group = bot.api.group(-1002401, "村民群")
    bot.api.send_command(admin, "/myqr", chat=group)
    [refused] = await bot.api.wait_for_messages(group.id)
    assert refused.content == bot.ui.volunteers.private_only
    for data in (again(match[1]), callbacks.make(Kind.EVENT, "mine", 1)):
        update = bot.api.press(admin, refused, data, chat=group)
        answer = await bot.api.wait_for_answer(update)
        assert answer["text"] == bot.ui.volunteers.private_only
    await bot.settle()
    assert [m.kind for m in bot.api.messages_to(group.id)] == ["text"]
