"""/start deep links: `card_<id>` opens that card, `msg…` a message to staff (a broken one
too); anything else gets the menu politely, with the note in the menu's own message."""

import pytest

from domain.answers import plain_text
from tests.e2e.conftest import Harness


async def test_card_link_opens_exactly_that_card(bot: Harness) -> None:
    user = bot.api.user(1501)
    bot.api.send_command(user, "/start card_unpaid-wages")
    [card] = await bot.api.wait_for_messages(user.id)
    await bot.settle()
    assert bot.api.messages_to(user.id) == [card]
    assert card.text is not None
    assert card.text.startswith(bot.services.library.cards["unpaid-wages"].title)
    assert bot.ui.share_button in card.button_labels()


@pytest.mark.parametrize(
    "payload",
    ["card_nope", "garbage!!", "card_UNPAID-WAGES", "card_", "x" * 64, "card_" + "a" * 59],
)
async def test_unknown_link_gets_a_friendly_note_and_the_menu(bot: Harness, payload: str) -> None:
    user = bot.api.user(1502, "钱七")
    bot.api.send_command(user, f"/start {payload}")
    [menu] = await bot.api.wait_for_messages(user.id)
    await bot.settle()
    assert bot.sent_to(user.id) == [menu]
    assert menu.content.startswith(bot.ui.deep_link_unknown)
    assert "钱七" in menu.content
    assert bot.ui.menu_ask in menu.button_labels()


@pytest.mark.parametrize(
    "payload", ["msg_", "msg_x", "msg_c_", "msg_d_", "msg_z_labor", "msg_c", "msg_" + "a" * 59]
)
async def test_a_broken_leave_message_link_opens_the_message_anyway(
    bot: Harness, payload: str
) -> None:
    """A 留言给工作人员 link cut short or mistyped still opens the message, asking the field
    it would have known: the general note promised a menu and none came."""
    user = bot.api.user(1503)
    texts = bot.ui.tickets
    bot.api.send_command(user, f"/start {payload}")
    [category] = await bot.api.wait_for_messages(user.id)
    await bot.settle()
    assert bot.sent_to(user.id) == [category]
    assert category.content == plain_text(f"{texts.ask_title}\n{texts.ask_category}")
    assert len(await bot.services.chats.open(user.id)) == 1


async def test_the_note_on_an_unknown_link_comes_with_the_menu(bot: Harness) -> None:
    """Whatever the link, the note that promises the menu is the menu's own message."""
    user = bot.api.user(1504, "孙八")
    for payload in ["card_nope", "msgx", "msg_x", "ev", "join", "legalaid_x", "adviser_"]:
        before = len(bot.sent_to(user.id))
        bot.api.send_command(user, f"/start {payload}")
        await bot.api.wait_for_messages(user.id)
        await bot.settle()
        for sent in bot.sent_to(user.id)[before:]:
            if bot.ui.deep_link_unknown in sent.content:
                assert bot.ui.menu_ask in sent.button_labels(), payload
