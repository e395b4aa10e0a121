"""The right number: /hotlines, a card's 📞 button and the numbers of an unsure answer."""

from content.routing import numbers_for_card
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import FakeChat
from tests.e2e.conftest import Harness

WAGES = "老板欠了我三个月工资不给怎么办"


async def test_hotlines_lists_every_number_grouped(bot: Harness) -> None:
    user = bot.api.user(2101)
    bot.api.send_command(user, "/hotlines")
    [reply] = await bot.api.wait_for_messages(user.id)
    texts = bot.ui.residents
    for hotline in bot.services.library.hotlines:
        assert f"{hotline.number} {hotline.name}" in reply.content, hotline.number
    heads = [reply.content.index(label) for label in ("紧急情况", "法律咨询", "按事情找部门")]
    assert heads == sorted(heads)
    assert reply.content.index("110 ") < heads[1] < reply.content.index("12348 ")
    assert "24小时" in reply.content and "12348" in texts.hotlines_footer
    assert reply.content.index("12356 心理援助热线") < heads[1]  # with the emergencies


async def test_hotlines_in_a_group_lists_the_same_public_numbers(bot: Harness) -> None:
    user, group = bot.api.user(2102), FakeChat(-2102, "group", "村民群")
    bot.api.send_command(user, "/hotlines", chat=group)
    [reply] = await bot.api.wait_for_messages(group.id)
    assert "12348" in reply.content and "96110" in reply.content


async def test_a_cards_phone_button_gives_the_numbers_that_fit_it(bot: Harness) -> None:
    user = bot.api.user(2103)
    card = await bot.ask(user, WAGES)
    reply = await bot.tap(user, card, bot.ui.residents.hotlines_button)
    library = bot.services.library
    expected = numbers_for_card(library.hotlines, library.cards["unpaid-wages"])
    assert [h.number for h in expected][:2] == ["12333", "12348"]
    assert reply.content.startswith(f"📞 “{library.cards['unpaid-wages'].title}”这类事")
    positions = [reply.content.index(f"{h.number} {h.name}") for h in expected]
    assert positions == sorted(positions)


async def test_forged_hotline_buttons_are_refused(bot: Harness) -> None:
    user = bot.api.user(2104)
    card = await bot.ask(user, WAGES)
    forged_data = ["1:h:card:no-such-card", "1:h:card", "1:h:all:x", "1:h", "1:h:zz", "1:h:card:A"]
    for forged in forged_data:
        answer = await bot.press(user, card, forged)
        assert answer["text"] == bot.ui.stale_button and answer["show_alert"], forged
    all_numbers = await bot.press(user, card, callbacks.make(Kind.HOTLINES, "all"))
    assert all_numbers["text"] is None
    [listing] = await bot.api.wait_for_messages(user.id)
    assert listing.content.startswith("📞 遇到事")


async def test_an_unsure_labour_answer_offers_the_labour_numbers(bot: Harness) -> None:
    user = bot.api.user(2105)
    reply = await bot.ask(user, "劳动纠纷")  # several labour cards, none sure
    assert bot.ui.residents.fallback_hotlines in reply.content
    numbers = reply.content[reply.content.index(bot.ui.residents.fallback_hotlines) :]
    assert numbers.index("12333") < numbers.index("12348")  # the field's number first
    assert reply.button_labels()  # the choice between cards is still offered
    leave = reply.find_button(bot.ui.tickets.leave_button)["callback_data"]
    assert leave == "1:dk:new:labor"  # a message to staff goes to the labour desk


async def test_an_answer_sure_of_its_card_adds_no_numbers(bot: Harness) -> None:
    reply = await bot.ask(bot.api.user(2106), WAGES)
    assert bot.ui.residents.fallback_hotlines not in reply.content
