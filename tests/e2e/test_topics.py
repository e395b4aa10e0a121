"""/topics: categories, paging in place, and forged page numbers."""

from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from handlers.kit.tickets import leave_message_button
from handlers.residents.topics import PAGE_SIZE
from local_api import SentMessage
from tests.e2e.conftest import Harness

LABOR = "👷 劳动与工资"


async def open_topics(bot: Harness, user_id: int) -> SentMessage:
    user = bot.api.user(user_id)
    bot.api.send_command(user, "/topics")
    [topics] = await bot.api.wait_for_messages(user.id)
    return topics


async def press_and_wait_edit(bot: Harness, message: SentMessage, label: str) -> SentMessage:
    user = bot.api.user(message.chat_id)
    bot.api.press_button(user, message, label)
    [edited] = await bot.api.wait_for_messages(user.id)
    assert edited.action == "edit" and edited.message_id == message.message_id
    return edited


async def test_topics_lists_every_category_with_cards(bot: Harness) -> None:
    topics = await open_topics(bot, 1401)
    library = bot.services.library
    assert topics.text == bot.ui.topics_title
    assert len(topics.button_labels()) == len(
        [c for c in library.categories if library.cards_in(c.id)]
    )
    assert all(len(row) <= 2 for row in topics.buttons())


async def test_category_pages_edit_the_same_message(bot: Harness) -> None:
    topics = await open_topics(bot, 1402)
    labor_cards = bot.services.library.cards_in("labor")
    assert len(labor_cards) > PAGE_SIZE  # two pages to walk through
    first = await press_and_wait_edit(bot, topics, LABOR)
    assert "1/2" in first.content
    assert first.button_labels()[:PAGE_SIZE] == [c.title for c in labor_cards[:PAGE_SIZE]]
    second = await press_and_wait_edit(bot, first, bot.ui.page_next)
    assert "2/2" in second.content
    assert bot.ui.page_next not in second.button_labels()
    assert labor_cards[-1].title in second.button_labels()
    back = await press_and_wait_edit(bot, second, bot.ui.page_prev)
    assert back.text == first.text
    home = await press_and_wait_edit(bot, back, bot.ui.back_to_topics)
    assert home.text == bot.ui.topics_title
    assert [m.action for m in bot.api.messages_to(1402)] == ["send"] + ["edit"] * 4


async def test_card_from_a_category_page_opens(bot: Harness) -> None:
    topics = await open_topics(bot, 1403)
    page = await press_and_wait_edit(bot, topics, LABOR)
    title = bot.services.library.cards_in("labor")[0].title
    bot.api.press_button(bot.api.user(1403), page, title)
    [card] = await bot.api.wait_for_messages(1403)
    assert card.action == "send" and card.content.startswith(title)


async def test_a_card_from_a_category_page_offers_a_message_to_staff(bot: Harness) -> None:
    """No question was asked, so no 没解决: 留言给工作人员 with the card's field instead."""
    topics = await open_topics(bot, 1406)
    page = await press_and_wait_edit(bot, topics, LABOR)
    user, title = bot.api.user(1406), bot.services.library.cards_in("labor")[0].title
    card = await bot.tap(user, page, title)
    assert bot.ui.unsolved_button not in card.button_labels()
    leave = card.find_button(bot.ui.tickets.leave_button)["callback_data"]
    assert leave == leave_message_button(bot.ui, category="labor").callback_data
    # the same message chat as the 留言 under an answer's 没解决
    asker = bot.api.user(1407)
    answered = await bot.ask(asker, "老板拖欠工资三个月了怎么办")
    thanks = await bot.tap(asker, answered, bot.ui.unsolved_button)
    from_thanks = await bot.tap(asker, thanks, bot.ui.tickets.leave_button)
    from_card = await bot.tap(user, card, bot.ui.tickets.leave_button)
    assert from_card.content == from_thanks.content


async def test_forged_page_number_is_clamped_to_the_last_page(bot: Harness) -> None:
    topics = await open_topics(bot, 1404)
    user = bot.api.user(1404)
    answer = await bot.press(user, topics, "1:t:labor:999")
    assert answer["text"] is None
    [edited] = await bot.api.wait_for_messages(user.id)
    assert "2/2" in edited.content


async def test_page_zero_and_huge_pages_are_clamped(bot: Harness) -> None:
    topics = await open_topics(bot, 1405)
    user = bot.api.user(1405)
    await bot.press(user, topics, "1:t:labor:0")
    [edited] = await bot.api.wait_for_messages(user.id)
    assert "1/2" in edited.content
    await bot.press(user, topics, "1:t:labor:" + "9" * 40)
    [last] = await bot.api.wait_for_messages(user.id)
    assert "2/2" in last.content


async def test_pressing_the_same_page_twice_is_harmless(bot: Harness) -> None:
    topics = await open_topics(bot, 1406)
    user = bot.api.user(1406)
    await bot.press(user, topics, "1:t:labor:1")
    await bot.press(user, topics, "1:t:labor:1")  # Telegram: "message is not modified"
    await bot.settle()
    assert [m.action for m in bot.api.messages_to(user.id)] == ["send", "edit"]
    unchanged = [c for c in bot.api.calls if c.method == "editMessageText" and not c.ok]
    assert len(unchanged) == 1 and "not modified" in (unchanged[0].description or "")


async def test_forged_category_or_arguments_get_a_stale_alert(bot: Harness) -> None:
    topics = await open_topics(bot, 1407)
    user = bot.api.user(1407)
    for forged in ["1:t:nope:1", "1:t:labor", "1:t:labor:x", "1:t:labor:1:2", "1:t:home:1"]:
        answer = await bot.press(user, topics, forged)
        assert answer["text"] == bot.ui.stale_button and answer["show_alert"], forged
    await bot.settle()
    assert [m.action for m in bot.api.messages_to(user.id)] == ["send"]


async def test_topics_button_without_arguments_sends_the_categories(bot: Harness) -> None:
    topics = await open_topics(bot, 1408)
    await bot.press(bot.api.user(1408), topics, callbacks.make(Kind.TOPICS))
    [again] = await bot.api.wait_for_messages(1408)
    assert again.action == "send" and again.text == bot.ui.topics_title
