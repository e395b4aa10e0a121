"""Hypothesis over HTTP for the free-text steps of 留言给工作人员: whatever a resident types as
their message or a 补充 (card numbers hidden), and whatever a staff member types as an answer,
the bot answers once (accepts it or says why not) and never fails; forged 留言 buttons are
answered."""

from itertools import count

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from domain.answers import plain_text
from domain.tickets import MAX_TICKET_CHARS, MIN_TICKET_CHARS
from handlers.tickets.chat import CATEGORY, CONTACT, TEXT, TOWN
from handlers.tickets.common import FLOW, MORE_FLOW
from storage.tickets import NewTicket, open_ticket
from tests.e2e.conftest import Harness
from tests.e2e.test_fuzz import OVER_HTTP, TYPED, errors_logged
from tests.e2e.ticket_steps import STAFF
from tests.e2e.ticket_steps import TOWN as A_TOWN

USER_IDS = count(2_400_001)
TYPED_TEXT = st.text(TYPED, min_size=1, max_size=MAX_TICKET_CHARS + 20).filter(str.strip)


def explanations(bot: Harness) -> set[str]:
    """What the bot may answer instead of taking the text: why it cannot, or, for a command
    it does not know (/0, which Telegram marks as a command), that it is none."""
    texts = bot.ui.tickets
    return {
        texts.text_empty, texts.text_no_letters, texts.text_too_long.format(max=MAX_TICKET_CHARS),
        texts.text_too_short.format(min=MIN_TICKET_CHARS), bot.ui.unknown_command,
    }  # fmt: skip


@OVER_HTTP
@given(text=TYPED_TEXT)
@example(text="/")  # no bot_command entity: text for the step, not a command
@example(text="/ 你好")
@example(text="/0")
async def test_any_message_typed_is_taken_or_explained(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    user = bot.api.user(next(USER_IDS))
    data = {CATEGORY: "labor", TOWN: A_TOWN, "desk": bot.services.library.desks[0].id}
    await bot.services.chats.start(FLOW, user.id, TEXT, data)
    bot.api.send_text(user, text)
    await bot.settle()
    replies = [m.content for m in bot.api.messages_to(user.id)]
    chat = await bot.services.chats.get(FLOW, user.id)
    assert chat is not None
    if chat.step == CONTACT:  # (card numbers hidden: a line says so first)
        hidden = replies[0] == bot.ui.tickets.numbers_hidden
        assert len(replies) == 2 + hidden and chat.data[TEXT].strip() == chat.data[TEXT]
    else:
        assert chat.step == TEXT and len(replies) == 1 and replies[0] in explanations(bot)
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(text=TYPED_TEXT)
@example(text="/0")
async def test_any_follow_up_or_answer_is_taken_or_explained(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    resident = bot.api.user(next(USER_IDS))
    at = bot.clock()
    async with bot.services.db.session() as session:
        ticket, _ = await open_ticket(
            session=session,
            new=NewTicket(
                f"{resident.id}-x", resident.id, bot.services.library.desks[0].id, "labor",
                A_TOWN, "工资", "", at, at, at,
            ),
        )  # fmt: skip
    await bot.services.chats.start(MORE_FLOW, resident.id, "text", {"ticket": ticket.id})
    bot.api.send_text(resident, text)
    await bot.settle()
    [reply] = [m.content for m in bot.api.messages_to(resident.id)]
    desk = bot.services.library.desks[0]  # a sample desk: what is added is kept, said so
    kept = plain_text(bot.ui.tickets.more_sample.format(desk=desk.name, id=ticket.id))
    assert desk.sample and (
        reply in {*explanations(bot), kept} or reply.startswith(bot.ui.tickets.numbers_hidden)
    )
    assert errors_logged(caplog) == []


@OVER_HTTP
@given(tail=st.text("abcz09_-:", max_size=50))
async def test_any_forged_desk_button_is_answered(
    bot: Harness, caplog: pytest.LogCaptureFixture, tail: str
) -> None:
    owner = bot.api.user(STAFF)
    if not bot.api.messages_to(owner.id):
        bot.api.send_command(owner, "/start")
        await bot.api.wait_for_messages(owner.id)
    menu = bot.api.messages_to(owner.id)[0]
    for kind in ("dk", "tk"):
        update = bot.api.press(owner, menu, f"1:{kind}:{tail}")
        await bot.api.wait_for_answer(update)
    await bot.settle()
    assert errors_logged(caplog) == []
