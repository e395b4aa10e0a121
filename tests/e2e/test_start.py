"""/start, /help and the four main-menu buttons."""

from local_api.formatting import utf16_len
from tests.e2e.conftest import Harness, reply_keyboard


async def test_start_greets_by_name_with_the_main_menu(bot: Harness) -> None:
    user = bot.api.user(1101, "王<五>")
    bot.api.send_command(user, "/start")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.parse_mode == "HTML"
    assert "王<五>" in reply.content  # escaped by the bot, shown verbatim to the user
    assert reply.button_labels() == [
        bot.ui.menu_ask,
        bot.ui.menu_legal_aid,
        bot.ui.menu_topics,
        bot.ui.menu_help,
    ]


async def test_help_lists_every_command(bot: Harness) -> None:
    user = bot.api.user(1102)
    bot.api.send_command(user, "/help")
    [reply] = await bot.api.wait_for_messages(user.id)
    for command in ("/start", "/topics", "/legalaid", "/help"):
        assert command in reply.content
    assert "@pufa_demo_bot" in reply.content
    assert bot.ui.menu_topics in reply.button_labels()


async def test_menu_ask_button_prompts_for_a_question(bot: Harness) -> None:
    user = bot.api.user(1103)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    update = bot.api.press_button(user, menu, bot.ui.menu_ask)
    [prompt] = await bot.api.wait_for_messages(user.id)
    assert prompt.text == bot.ui.ask_prompt
    answer = await bot.api.wait_for_answer(update)
    assert answer["text"] is None


async def test_menu_aid_button_offers_the_check_then_a_location(bot: Harness) -> None:
    user = bot.api.user(1104)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    update = bot.api.press_button(user, menu, bot.ui.menu_legal_aid)
    [aid] = await bot.api.wait_for_messages(user.id)
    assert aid.button_labels()[0] == bot.ui.residents.aid_menu_check
    assert (await bot.api.wait_for_answer(update))["text"] is None  # the press is answered
    prompt = await bot.tap(user, aid, bot.ui.residents.aid_menu_where)
    [[location], [town]] = reply_keyboard(prompt)["keyboard"]
    assert location["request_location"] is True
    assert town["text"] == bot.ui.pick_town_button


async def test_menu_topics_button_lists_categories(bot: Harness) -> None:
    user = bot.api.user(1105)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    bot.api.press_button(user, menu, bot.ui.menu_topics)
    [topics] = await bot.api.wait_for_messages(user.id)
    assert topics.text == bot.ui.topics_title
    assert "👷 劳动与工资" in topics.button_labels()


async def test_menu_help_button_shows_help(bot: Harness) -> None:
    user = bot.api.user(1106)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    bot.api.press_button(user, menu, bot.ui.menu_help)
    [help_message] = await bot.api.wait_for_messages(user.id)
    assert "/legalaid" in help_message.content
    bold = [e for e in help_message.entities if e["type"] == "bold"]
    assert bold[0] == {"type": "bold", "offset": 0, "length": utf16_len("我能做什么")}


async def test_menu_button_with_unknown_item_is_stale(bot: Harness) -> None:
    user = bot.api.user(1107)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    for forged in ["1:m:nope", "1:m", "1:m:ask:help"]:
        answer = await bot.press(user, menu, forged)
        assert answer["text"] == bot.ui.stale_button and answer["show_alert"], forged
    await bot.settle()
    assert bot.api.messages_to(user.id) == [menu]
