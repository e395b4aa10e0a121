"""Start-up: the command menu is registered, and its failure does not stop the bot."""

import logging

import pytest

from tests.e2e.conftest import ADMIN_ID, Harness


async def test_commands_are_registered_at_startup(bot: Harness) -> None:
    commands = {c["command"]: c["description"] for c in bot.api.commands["default"]}
    assert set(commands) == {
        "start",
        "topics",
        "legalaid",
        "hotlines",
        "adviser",
        "subscribe",
        "cases",
        "quiz",
        "cancel",
        "deleteme",
        "help",
    }
    assert commands["legalaid"] == bot.ui.commands.legalaid
    assert commands["cancel"] == bot.ui.commands.cancel
    assert list(bot.api.commands) == ["default"]  # no coordinators configured


async def test_coordinators_get_their_menu_at_startup(bot_with_admins: Harness) -> None:
    menu = [c["command"] for c in bot_with_admins.api.commands[f"chat:{ADMIN_ID}"]]
    assert {"report", "invite", "stats", "export", "broadcast", "campaigns"} <= set(menu)
    assert menu[-1] == "help"


async def test_bot_starts_and_answers_when_set_my_commands_fails(
    bot_without_command_menu: Harness,
) -> None:
    bot = bot_without_command_menu
    failed = [c for c in bot.api.calls if c.method == "setMyCommands"]
    assert failed and not any(c.ok for c in failed)
    assert bot.api.commands == {}
    user = bot.api.user(1201, "赵六")
    bot.api.send_command(user, "/start")
    [reply] = await bot.api.wait_for_messages(user.id)
    assert "赵六" in reply.content


async def test_set_my_commands_failure_is_logged_as_a_warning(
    caplog: pytest.LogCaptureFixture, bot_without_command_menu: Harness
) -> None:
    warnings = [r for r in caplog.get_records("setup") if r.levelno == logging.WARNING]
    assert any("setMyCommands failed" in r.getMessage() for r in warnings)
