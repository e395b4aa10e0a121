from tests.e2e.conftest import Harness


async def test_start_shows_welcome_and_menu(bot: Harness) -> None:
    user = bot.api.user(501, "李四")
    bot.api.send_command(user, "/start")
    [reply] = await bot.api.wait_for_messages(user.id)
    text = reply.text or ""
    assert "李四" in text and "12348" in text
    assert "📚 按主题浏览" in reply.button_labels()


async def test_question_gets_card_then_related_and_feedback(bot: Harness) -> None:
    user = bot.api.user(502)
    bot.api.send_text(user, "老板拖欠工资三个月了怎么办")
    [card] = await bot.api.wait_for_messages(user.id)
    assert (card.text or "").startswith("老板拖欠工资怎么办")
    bot.api.press_button(user, card, "🙋 没解决？")
    [thanks] = await bot.api.wait_for_messages(user.id)
    assert "12348" in (thanks.text or "")
