"""结束 a ticket nobody answered: staff are asked why first, and the resident is told what
fits (no rating request for a message nobody answered, unless staff phoned)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from storage.tickets import get_ticket
from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    after,
    desk_message,
    desks_running,
    group,
    leave_message,
)


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    async with desks_running(tmp_path, library, index) as bot:
        yield bot


async def test_ending_an_unanswered_ticket_asks_why(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_001), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    assert question.content == texts.close_confirm.format(id=1)
    assert question.button_labels() == [
        texts.close_phoned_button, texts.close_duplicate_button,
        texts.close_no_reply_button, texts.close_keep_button,
    ]  # fmt: skip
    kept = await bot.press(
        staff, question, question.find_button(texts.close_keep_button)["callback_data"]
    )
    assert kept["text"] == texts.close_kept
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and not stored.closed
    assert api.last_message(DESK_GROUP).buttons() == []  # the question is done with

    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_no_reply_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert told.content == texts.closed_resident_no_reply.format(id=1)
    assert told.buttons() == []  # nothing was answered: nothing to rate
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.closed


async def test_a_ticket_staff_phoned_about_may_be_rated(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_002), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我", phone="13912345678")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_phoned_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert told.content == texts.closed_resident_phoned.format(id=1)
    assert told.button_labels() == [texts.rate_3, texts.rate_2, texts.rate_1]
    forged = await bot.press(staff, ticket, "1:dk:close:1:whatever")
    assert forged["text"] == texts.ticket_closed  # ended: nothing more to do


async def test_a_duplicate_is_ended_without_a_rating(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_003), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_duplicate_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert (told.content, told.buttons()) == (
        texts.closed_resident_duplicate.format(id=1), [],
    )  # fmt: skip
