"""The phone question and the desk's message when things go wrong: a question Telegram gave no
answer for (a timeout, a 5xx) may well have arrived, so it counts as asked; 不用 under a
question from an earlier stay at the same desk frees nothing; and the desk's message a crash
or a Telegram outage left without the number, or without 📱 请居民给电话, is drawn at the next
start or by the periodic ticket check, once; a redraw overtaken by a newer change while
it was on its way draws again, and one Telegram gave no answer for, applied after the newer
one, is drawn again by the periodic check, so the message does not end as the older one
left it, and the desk is told of the resident's agreement once."""

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import update

from bot import telegram_http
from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import Kind, make
from handlers.tickets.common import local_when
from local_api import FakeUser, SentMessage
from local_api.faults import StallPoint
from scheduler.sender import SharedRateLimiter
from storage.models import Ticket
from storage.tickets import agree_contact
from tests.clock import local
from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import (
    PHONE,
    STAFF,
    STAFF_OTHER_DESK,
    THERE,
    after,
    agreed_here,
    declined_move,
    desk_message,
    desks_server,
    group,
    leave_message,
    moved_there,
    run_sla_check,
    stored_ticket,
)
from tests.waiting import CEILING_SECONDS, eventually

ASK = make(Kind.DESK, "askphone", 1)
# How long the bot waits for Telegram's answer in the test where it is to give up (5 s in
# use): long enough for the agreement to be drawn meanwhile on a slow machine.
GIVE_UP_SECONDS = 20.0
RETRY_DELAYS = SharedRateLimiter.RETRY_DELAYS
EDITS = ("editMessageText", "editMessageReplyMarkup")


def bad_gateway(bot: Harness, method: str, times: int | None = None) -> None:
    """Telegram answers `method` with 502 (`times` times; None: until cleared)."""
    bot.api.fail_method(method, error_code=502, description="Bad Gateway", times=times)


def latest(bot: Harness, message: SentMessage) -> SentMessage:
    """The message as it is now (after the bot's edits)."""
    chat = bot.api.messages_to(message.chat_id)
    return [m for m in chat if m.message_id == message.message_id][-1]


async def ask_sending(bot: Harness) -> bool:
    """Whether the ticket's ask is still recorded as being sent (a start would forget it)."""
    async with bot.services.db.session() as session:
        row = await session.get(Ticket, 1)
    assert row is not None
    return row.contact_ask_sending


async def test_a_move_notice_telegram_gave_no_answer_for_is_the_desks_ask(
    desks_bot: Harness,
) -> None:
    """A 502 is no refusal: the notice may have gone, so the desk may not ask on top."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    bot.clock.flowing = False
    bot.clock.set(local(2026, 3, 10, 10, 0))
    resident, staff, other = api.user(7_381_101), api.user(STAFF), api.user(STAFF_OTHER_DESK)
    elsewhere = await bot.ask(other, "/help")  # a message in their chat to press on
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    heard = len(bot.sent_to(resident.id))
    # the move's messages (its note here, the ticket there, the notice) get 502 each time
    bad_gateway(bot, "sendMessage")
    api.press_button(staff, pick, THERE)

    async def notice_given_up() -> bool:  # tried, and again after each of the limiter's waits
        tries = [c for c in api.calls if c.params.get("chat_id") == resident.id]
        return len([c for c in tries if c.status == 502]) == 1 + len(RETRY_DELAYS)

    await eventually(notice_given_up)
    api.clear_failures()
    await bot.settle()
    stored = await stored_ticket(bot)
    assert (stored.desk_id, stored.contact_asked_at) == ("other-office", bot.services.now())
    assert stored.contact_asked_on_move and not await ask_sending(bot)
    pressed = await bot.press(other, elsewhere, ASK)
    when = local_when(texts, bot.services.tz, local(2026, 3, 10, 10, 0))
    assert pressed["text"] == texts.phone_ask_on_move.format(when=when)
    await bot.settle()
    assert [m.content for m in bot.sent_to(resident.id)][heard:] == []


async def test_a_desk_question_that_timed_out_counts_as_asked(desks_bot: Harness) -> None:
    """Telegram delivered the question and its answer came too late (the client timed out):
    the ask counts, the staff are told it went but is not known to have arrived, the card
    loses the button and a second press asks nothing."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_381_102), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    await declined_move(bot, resident, notice)
    heard = len(bot.sent_to(resident.id))
    api.stall(600, methods={"sendMessage"}, when="after", times=1)
    mark = after(bot)
    pressed = await bot.press(other, card, ASK)  # after the client's read timeout (5 s)
    api.end_stalls()
    assert not pressed.get("text")
    [question] = await api.wait_for_messages(resident.id, after=mark)
    assert question.button_labels()[0] == texts.phone_agree_button.format(desk=THERE)
    await bot.settle()
    [told] = [m for m in bot.sent_to(STAFF_OTHER_DESK) if m.index >= mark]
    assert told.content == plain_text(texts.phone_ask_unconfirmed_desk.format(id=1))
    assert texts.phone_ask_button not in latest(bot, card).button_labels()
    stored = await stored_ticket(bot)
    assert stored.contact_asked_at is not None and not await ask_sending(bot)
    again = await bot.press(other, card, ASK)
    when = local_when(texts, bot.services.tz, stored.contact_asked_at)
    assert again["text"] == texts.phone_ask_already.format(when=when)
    await bot.settle()
    assert len(bot.sent_to(resident.id)) == heard + 1
    await agreed_here(bot, resident, question)


async def test_a_desk_question_telegram_answered_with_502_counts_as_asked(
    desks_bot: Harness,
) -> None:
    """The question gets 502 each time it is tried: it may have gone (an outage can hide a
    delivery), so it counts, and the staff are told it went but is not known to have
    arrived, not that the resident was asked."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_381_109), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    await declined_move(bot, resident, notice)
    api.fail_method(
        "sendMessage", error_code=502, description="Bad Gateway", chat_ids=[resident.id]
    )
    mark = after(bot)
    assert not (await bot.press(other, card, ASK)).get("text")
    [told] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert told.content == plain_text(texts.phone_ask_unconfirmed_desk.format(id=1))
    await bot.settle()
    assert texts.phone_ask_button not in latest(bot, card).button_labels()
    assert (await stored_ticket(bot)).contact_asked_at is not None


def agreement_notes(bot: Harness, since: int) -> list[SentMessage]:
    """The notes telling 测试东山司法所 that the resident agreed to give it the number."""
    note = plain_text(bot.ui.tickets.phone_agreed_desk.format(id=1))
    return [m for m in bot.sent_to(STAFF_OTHER_DESK) if m.index >= since and m.content == note]


def shown(message: dict[str, Any]) -> tuple[object, ...]:
    """What a chat's member sees of a message: its text (with its formatting) and buttons."""
    return message.get("text"), message.get("entities"), message.get("reply_markup")


def card_edits(bot: Harness, card: SentMessage, since: int) -> list[SentMessage]:
    """The edits of 测试东山司法所's card since `since`, as Telegram applied them."""
    chat = bot.api.messages_to(STAFF_OTHER_DESK)
    return [m for m in chat if m.index >= since and m.message_id == card.message_id]


async def drawn(bot: Harness) -> bool:
    """Whether no change of the ticket is left for a redraw to show."""
    return (await stored_ticket(bot)).desk_redraw < 0


async def asked_held_then_agreed(
    bot: Harness, resident: FakeUser, when: StallPoint
) -> tuple[SentMessage, int, SentMessage]:
    """The ticket moved to 测试东山司法所, 不用, then its staff ask and that redraw's edit of
    the card (without 📱 请居民给电话, and without the number) is held at `when`; meanwhile
    the resident agrees, and that redraw (with the number) lands, tells the desk and clears
    the mark. Returns the card, the journal's position before the ask and the agreement's
    edit."""
    api = bot.api
    card, notice = await moved_there(bot, resident)
    await declined_move(bot, resident, notice)
    await bot.settle()
    api.stall(600, methods={"editMessageText"}, when=when, times=1, chat_ids={STAFF_OTHER_DESK})
    mark = after(bot)
    assert not (await bot.press(api.user(STAFF_OTHER_DESK), card, ASK)).get("text")
    [question] = await api.wait_for_messages(resident.id, after=mark)
    await api.wait_until(lambda: api.held_requests == 1, "the ask's redraw to be held")
    agreed = await agreed_here(bot, resident, question)
    await eventually(lambda: drawn(bot))  # the agreement's redraw is done: nothing is marked
    return card, mark, agreed


async def test_a_redraw_overtaken_while_on_its_way_draws_again_and_tells_the_desk_once(
    desks_bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ask's redraw is held on its way to Telegram while the agreement's lands; then the
    held edit lands, showing the ticket without the number: that redraw finds its change
    overtaken and draws again, so the card ends with the number, and the desk is not told
    of the agreement a second time."""
    # The held edit is to land late, not be dropped: the bot waits for Telegram's answer
    # longer than the test can take (a request whose client gave up is never served).
    monkeypatch.setattr(telegram_http, "READ_TIMEOUT", 2 * CEILING_SECONDS)
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    card, mark, agreed = await asked_held_then_agreed(bot, api.user(7_381_108), "before")
    api.end_stalls()
    await bot.settle()
    first, stale, *_again = card_edits(bot, card, mark)  # the ask's landed after the agreement's
    assert first == agreed
    assert PHONE not in stale.content and texts.phone_ask_button not in stale.button_labels()
    assert shown(api.state.messages[(STAFF_OTHER_DESK, card.message_id)]) == shown(agreed.message)
    assert await drawn(bot)
    assert len(agreement_notes(bot, mark)) == 1


async def test_a_redraw_telegram_gave_no_answer_for_is_drawn_again_if_it_lands_late(
    desks_bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ask's redraw reaches Telegram but waits there past the bot's read timeout, while
    the agreement's lands and clears the mark; then Telegram applies the held edit, showing
    the ticket without the number. The redraw Telegram did not answer marked the ticket
    again, so the periodic check draws the card with the number, telling nobody twice; the
    check after draws nothing."""
    # The agreement must be drawn before the ask's redraw gives up: it takes well under a
    # second even on a loaded machine, and the wait is raised from 5 s for slower ones.
    monkeypatch.setattr(telegram_http, "READ_TIMEOUT", GIVE_UP_SECONDS)
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    card, mark, agreed = await asked_held_then_agreed(bot, api.user(7_381_109), "queued")
    gave_up = [r for r in caplog.records if "Timed out" in r.getMessage()]
    assert not gave_up, "the ask's redraw gave up on Telegram before the agreement was drawn"
    await bot.settle()  # the ask's redraw has given up on Telegram's answer
    api.end_stalls()
    await api.wait_until(lambda: len(card_edits(bot, card, mark)) == 2, "the held edit")
    stale = card_edits(bot, card, mark)[-1]
    assert PHONE not in stale.content and texts.phone_ask_button not in stale.button_labels()
    await run_sla_check(bot, bot.services.now())
    assert shown(api.state.messages[(STAFF_OTHER_DESK, card.message_id)]) == shown(agreed.message)
    assert await drawn(bot)
    assert len(agreement_notes(bot, mark)) == 1
    journal = after(bot)
    await run_sla_check(bot, bot.services.now())
    assert api.messages_to(STAFF_OTHER_DESK)[-1].index < journal


async def test_no_to_a_question_of_an_earlier_stay_frees_nothing(desks_bot: Harness) -> None:
    """Moved there (asked, not answered), back, and there again (asked again): 不用 under the
    first question is out of date, as is a button from before stays were numbered; 不用
    under the second frees the desk's ask."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, staff, other = api.user(7_381_103), api.user(STAFF), api.user(STAFF_OTHER_DESK)
    card, first = await moved_there(bot, resident)
    pick = await bot.tap(other, card, texts.transfer_button)
    mark = after(bot)
    api.press_button(other, pick, "测试镇司法所")
    back_here = await desk_message(bot, mark)
    await api.wait_for_messages(resident.id, after=mark)  # told, with nothing to ask
    pick = await bot.tap(staff, back_here, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, THERE)
    [card_again] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    [second] = await api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    before = await stored_ticket(bot)
    assert before.contact_asked_on_move

    decline = first.find_button(texts.phone_decline_button)["callback_data"]
    from_before = make(Kind.DESK, "nophone", 1, "other-office")
    heard = len(bot.sent_to(resident.id))
    for old in (decline, from_before):
        pressed = await bot.press(resident, first, old)
        assert pressed["text"] == texts.phone_decline_outdated.format(id=1)
    await bot.settle()
    assert await stored_ticket(bot) == before
    assert len(bot.sent_to(resident.id)) == heard
    assert texts.phone_ask_button not in latest(bot, card_again).button_labels()
    on_move = await bot.press(other, card_again, ASK)
    when = local_when(texts, bot.services.tz, before.contact_asked_at or bot.services.now())
    assert on_move["text"] == texts.phone_ask_on_move.format(when=when)

    await declined_move(bot, resident, second)
    assert (await stored_ticket(bot)).contact_asked_at is None


async def test_a_consent_the_bot_stopped_before_showing_is_shown_at_the_next_start(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """The consent is recorded and the bot stops before the desk's message is drawn: the next
    start draws it with the number and tells the desk, once."""
    async with desks_server(tmp_path, library, index) as server:
        assert server.harness is not None
        bot, api, texts = server.harness, server.api, server.harness.ui.tickets
        resident = api.user(7_381_104)
        card, _notice = await moved_there(bot, resident)
        await bot.settle()
        async with bot.services.db.session() as session:  # as the press records it, then stops
            agreed = await agree_contact(
                session=session, ticket_id=1, resident_id=resident.id, desk_id="other-office",
                now=bot.services.now(),
            )  # fmt: skip
        assert agreed
        mark = after(bot)
        bot = await server.restart()
        redrawn, note = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
        assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
        assert f"电话：{PHONE}" in redrawn.content
        assert note.content == plain_text(texts.phone_agreed_desk.format(id=1))
        mark = after(bot)
        bot = await server.restart()  # drawn: nothing more
        await run_sla_check(bot, bot.services.now())
        assert api.messages_to(STAFF_OTHER_DESK)[-1].index < mark


async def test_a_desk_message_telegram_did_not_take_is_drawn_by_the_periodic_check(
    desks_bot: Harness,
) -> None:
    """The resident agrees while Telegram answers edits with 502: the card stays without the
    number until the periodic ticket check draws it, once."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident = api.user(7_381_105)
    card, notice = await moved_there(bot, resident)
    for method in EDITS:
        bad_gateway(bot, method)
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]
    assert not (await bot.press(resident, notice, agree)).get("text")
    await bot.settle()
    assert PHONE not in latest(bot, card).content
    api.clear_failures()
    mark = after(bot)
    await run_sla_check(bot, bot.services.now())
    redrawn, note = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
    assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
    assert f"电话：{PHONE}" in redrawn.content
    assert note.content == plain_text(texts.phone_agreed_desk.format(id=1))
    mark = after(bot)
    await run_sla_check(bot, bot.services.now())
    assert api.messages_to(STAFF_OTHER_DESK)[-1].index < mark


async def test_the_ask_button_comes_back_after_a_start_telegram_did_not_answer(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """An ask the bot stopped before sending is forgotten at the next start, while Telegram
    answers edits with 502: the desk's message gets 📱 请居民给电话 back at the periodic check."""
    async with desks_server(tmp_path, library, index) as server:
        assert server.harness is not None
        bot, api, texts = server.harness, server.api, server.harness.ui.tickets
        resident = api.user(7_381_106)
        card, _notice = await moved_there(bot, resident)
        await bot.settle()
        async with bot.services.db.session() as session:  # as if it stopped before the notice
            await session.exec(update(Ticket).values(contact_ask_sending=True))
        for method in EDITS:
            bad_gateway(bot, method)
        bot = await server.restart()
        assert (await stored_ticket(bot)).contact_asked_at is None
        assert texts.phone_ask_button not in latest(bot, card).button_labels()
        api.clear_failures()
        mark = after(bot)
        await run_sla_check(bot, bot.services.now())
        [redrawn] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
        assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
        assert texts.phone_ask_button in redrawn.button_labels()


async def test_no_from_before_stays_were_numbered_works_while_the_ticket_stays(
    desks_bot: Harness,
) -> None:
    """A 不用 button sent before 0028 names the desk: for a ticket moved before (stay 0) and not
    since, it frees the desk's ask as it did; a forged stay is an expired button."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident = api.user(7_381_107)
    card, notice = await moved_there(bot, resident)
    await bot.settle()
    async with bot.services.db.session() as session:  # as migration 0028 leaves it
        await session.exec(update(Ticket).values(stay=0))
    for forged in ("x", "99999999999", "-1"):
        pressed = await bot.press(resident, notice, f"1:dk:decline:1:{forged}")
        assert pressed["text"] == bot.ui.stale_button
    mark = after(bot)
    from_before = make(Kind.DESK, "nophone", 1, "other-office")
    assert not (await bot.press(resident, notice, from_before)).get("text")
    dropped, told = await api.wait_for_messages(resident.id, 2, after=mark)
    assert (dropped.action, dropped.buttons()) == ("edit", [])
    assert told.content == texts.phone_declined.format(id=1)
    [redrawn] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert redrawn.message_id == card.message_id
    assert texts.phone_ask_button in redrawn.button_labels()
