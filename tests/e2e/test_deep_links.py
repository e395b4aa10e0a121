"""/start deep links: `card_<id>` opens that card; anything else gets the menu politely."""

import pytest

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
    note, menu = await bot.api.wait_for_messages(user.id, 2)
    assert note.text == bot.ui.deep_link_unknown
    assert "钱七" in menu.content
    assert bot.ui.menu_ask in menu.button_labels()
