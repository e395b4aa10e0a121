"""The right number: /hotlines, a card's 📞 button and the numbers of an unsure answer."""

import re

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


def said(text: str, number: str) -> int:
    """How many times `number` is in `text` (not inside a longer number: 110 in 96110)."""
    return len(re.findall(rf"(?<!\d){number}(?!\d)", text))


async def test_each_number_is_said_once_under_a_card(bot: Harness) -> None:
    """The card's 找谁帮忙 line, its last line and the footer all pointed to 12348."""
    library, user = bot.services.library, bot.api.user(2107)
    asked = {
        "unpaid-wages": WAGES,
        "personal-injury": "被人打伤了怎么要赔偿",
        "legal-aid-apply": "怎么申请法律援助",
        "elderly-support": "我想问问赡养纠纷",
        "consumer-rights": "消费纠纷",
    }
    for card_id, question in asked.items():
        reply = await bot.ask(user, question)
        assert reply.content.startswith(library.cards[card_id].title), card_id
        for number in ("110", "12333"):  # (12315 is also the name of its web platform)
            assert said(reply.content, number) <= 1, (card_id, number)
        assert said(reply.content, "12348") == 1, card_id
    # a card about 12348 says what it is more than once, but the footer does not add to it
    about = await bot.ask(user, "12348是什么电话")
    assert about.content.rstrip().endswith("不代替律师意见。")
    # a card that names no 12348 keeps the footer's
    fraud = library.cards["fraud-what-to-do"]
    assert said(fraud.body, "12348") == 0
    reply = await bot.ask(user, "我被骗了钱怎么办")
    assert reply.content.startswith(fraud.title)
    assert said(reply.content, "12348") == 1 and reply.content.rstrip().endswith("12348。")


async def test_each_number_is_said_once_in_the_lists_of_numbers(bot: Harness) -> None:
    user = bot.api.user(2108)
    library = bot.services.library
    bot.api.send_command(user, "/hotlines")
    [listing] = await bot.api.wait_for_messages(user.id)
    card = await bot.ask(user, WAGES)
    fitting = await bot.tap(user, card, bot.ui.residents.hotlines_button)
    labour = await bot.ask(user, "劳动纠纷")  # unsure: the field's numbers
    for reply in (listing, fitting, labour):
        for hotline in library.hotlines:
            assert said(reply.content, hotline.number) <= 1, (reply.content, hotline.number)
    assert said(listing.content, "12348") == said(fitting.content, "12348") == 1
    assert listing.content.rstrip().endswith("接听时间各地可能不同。")


async def test_a_safety_notice_says_each_number_once(bot: Harness) -> None:
    reply = await bot.ask(bot.api.user(2109), "男朋友打我")
    assert said(reply.content, "110") == said(reply.content, "12338") == 1
