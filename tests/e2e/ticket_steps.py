"""A library whose desks the tests can reach, a resident leaving a message step by step, and a
ticket with a phone number moved to the desk that may not see it until the resident agrees."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from content.desks import Desk
from content.loader import Library
from content.office_hours import OfficeHours
from content.search import SearchIndex
from domain.answers import plain_text
from local_api import FakeChat, FakeUser, SentMessage
from storage.tickets import StoredTicket, get_ticket
from tests.e2e.conftest import Harness, RestartableBot, restartable_bot

TOWN, OTHER_TOWN = "示例县城关镇", "示例县东山镇"
DESK_GROUP = -1_002_000_001
STAFF, STAFF_OTHER_DESK, GROUP_MEMBER = 7_300_001, 7_300_002, 7_300_003
REPLY_HOURS, ESCALATE_HOURS = 2, 4
PHONE = "13811112222"
HERE, THERE = "测试镇司法所", "测试东山司法所"  # the two desks of desks_library


HOURS = "周一至周五 08:30-12:00, 14:00-17:30"


def reachable_desk(id_: str, name: str, town: str, categories: list[str], **where: object) -> Desk:
    """A reachable (not sample) desk open on weekdays, with the tests' deadlines; `where`:
    its staff_chat_id and/or staff, and any other field."""
    return Desk.model_validate(
        {
            "id": id_, "name": name, "kind": "judicial_office", "towns": [town],
            "categories": categories, "hours": [OfficeHours.model_validate(HOURS)],
            "reply_within_hours": REPLY_HOURS, "escalate_after_hours": ESCALATE_HOURS,
            **where,
        }
    )  # fmt: skip


def desks_library(library: Library, desks: Sequence[Desk] = ()) -> Library:
    """The shipped content with `desks`, by default two reachable desks: a 司法所 with a staff
    group (only STAFF acts in it) and another town's 司法所 whose one staff member works in a
    private chat."""
    every = [c.id for c in library.categories]
    desks = list(desks) or [
        reachable_desk("test-office", "测试镇司法所", TOWN, every, staff_chat_id=DESK_GROUP,
                       staff=[STAFF], fallback=True),
        reachable_desk("other-office", "测试东山司法所", OTHER_TOWN, every,
                       staff=[STAFF_OTHER_DESK], fallback=True),
    ]  # fmt: skip
    return replace(library, desks=desks)


@asynccontextmanager
async def desks_server(
    tmp_path: Path,
    library: Library,
    index: SearchIndex,
    desks: Sequence[Desk] = (),
    **overrides: object,
) -> AsyncIterator[RestartableBot]:
    """A bot with the test desks (desks_library: `desks`, or the two), restartable and not
    throttled: the tests ask at machine speed. `overrides`: other settings."""
    async with restartable_bot(
        tmp_path, desks_library(library, desks), index, user_rate_per_minute=10_000, **overrides
    ) as bot:
        yield bot


@asynccontextmanager
async def desks_running(
    tmp_path: Path, library: Library, index: SearchIndex, desks: Sequence[Desk] = ()
) -> AsyncIterator[Harness]:
    """desks_server's bot, as it runs now."""
    async with desks_server(tmp_path, library, index, desks) as bot:
        assert bot.harness is not None
        yield bot.harness


def after(bot: Harness) -> int:
    """The journal's position now: what the bot does next comes after it."""
    return len(bot.api.state.sent)


async def leave_message(
    bot: Harness,
    resident: FakeUser,
    text: str,
    *,
    phone: str = "",
    town: str = TOWN,
    category_id: str = "labor",
) -> SentMessage:
    """/help → 留言给工作人员 → category → town → text → contact → 发送 (each question with
    buttons loses them once answered); returns the confirmation the resident gets."""
    api, texts = bot.api, bot.ui.tickets
    help_message = await bot.ask(resident, "/help")
    api.press_button(resident, help_message, texts.leave_button)
    [category] = await bot.replies(resident.id, 1)  # (a chat it replaces loses its buttons)
    assert category.content.startswith("✉️ 留言给工作人员")
    field = next(c for c in bot.services.library.categories if c.id == category_id)
    town_prompt = await bot.answer(resident, category, field.name)
    text_prompt = await bot.answer(resident, town_prompt, town)
    assert "字以内" in text_prompt.content
    api.send_text(resident, text)
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    if phone:
        api.send_contact(resident, phone)
        _noted, summary = await bot.next_question(resident, skip, said=1)
    else:
        summary = await no_phone(bot, resident, skip)
    assert text in summary.content
    return await bot.last_answer(resident, summary, texts.send_button)


async def no_phone(bot: Harness, resident: FakeUser, skip: SentMessage) -> SentMessage:
    """不留电话 pressed: noted, its button goes, and the summary follows (returned)."""
    bot.api.press_button(resident, skip, bot.ui.tickets.no_contact_button)
    _noted, summary = await bot.next_question(resident, skip, said=1)
    return summary


async def desk_message(bot: Harness, mark: int, chat_id: int = DESK_GROUP) -> SentMessage:
    [message] = await bot.api.wait_for_messages(chat_id, after=mark)
    return message


def group(bot: Harness) -> FakeChat:
    return bot.api.group(DESK_GROUP, "测试司法所值班群")


async def run_sla_check(bot: Harness, instant: datetime) -> None:
    """The reminder job runs at `instant` on the bot's clock (and whatever it sends is sent)."""
    bot.clock.set(instant)
    jobs = bot.app.job_queue
    assert jobs is not None
    [job] = jobs.get_jobs_by_name("ticket-sla")
    await job.run(bot.app)
    await bot.settle()


async def moved_there(bot: Harness, resident: FakeUser) -> tuple[SentMessage, SentMessage]:
    """The resident leaves a message with PHONE for 测试镇司法所, whose staff move it to
    测试东山司法所: returns that desk's card (in its staff member's private chat) and the
    resident's move notice, which asks about the number."""
    api, texts = bot.api, bot.ui.tickets
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(api.user(STAFF), ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(api.user(STAFF), pick, THERE)
    [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    [notice] = await api.wait_for_messages(resident.id, after=mark)
    assert PHONE not in card.content
    assert notice.button_labels()[0] == texts.phone_agree_button.format(desk=THERE)
    # the notice asked for the desk: its card has no button to ask again
    assert texts.phone_ask_button not in card.button_labels()
    return card, notice


async def declined_move(bot: Harness, resident: FakeUser, notice: SentMessage) -> SentMessage:
    """The resident taps 不用 under the move notice of moved_there: the question's buttons go,
    they are told, and 测试东山司法所's card gets 📱 请居民给电话 (the desk may ask once itself):
    returns it so redrawn."""
    api, texts = bot.api, bot.ui.tickets
    mark = after(bot)
    api.press_button(resident, notice, texts.phone_decline_button)
    dropped, told = await api.wait_for_messages(resident.id, 2, after=mark)
    assert (dropped.action, dropped.buttons()) == ("edit", [])
    assert told.content == texts.phone_declined.format(id=1)
    [redrawn] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert redrawn.action == "edit" and texts.phone_ask_button in redrawn.button_labels()
    return redrawn


async def stored_ticket(bot: Harness, ticket_id: int = 1) -> StoredTicket:
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=ticket_id)
    assert stored is not None
    return stored


async def agreed_here(
    bot: Harness, resident: FakeUser, notice: SentMessage, came_from: str | None = HERE
) -> SentMessage:
    """The resident taps 同意把电话给「测试东山司法所」 under `notice` (the move notice, or the
    desk's question): the question's buttons go, they are told, and that desk's card is
    redrawn with the number and the desk it came from (None: not kept), returned, and a note
    says so."""
    api, texts = bot.api, bot.ui.tickets
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]

    # (a refused press may have taken them away already)
    asked = bool(bot.as_now(notice).buttons())
    mark = after(bot)
    assert not (await bot.press(resident, notice, agree)).get("text")
    *_dropped, told = await api.wait_for_messages(resident.id, 1 + asked, after=mark)
    assert told.content == plain_text(texts.phone_agreed.format(id=1, desk=THERE))
    assert bot.as_now(notice).buttons() == []
    redrawn, note = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
    assert redrawn.action == "edit" and f"电话：{PHONE}" in redrawn.content
    if came_from is not None:
        assert plain_text(texts.moved_from.format(desk=came_from)) in redrawn.content
    else:
        assert plain_text(texts.moved_from.format(desk=HERE)) not in redrawn.content
    assert note.content == plain_text(texts.phone_agreed_desk.format(id=1))
    return redrawn
