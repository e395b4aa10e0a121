"""Start-up: the command menu is registered, and its failure does not stop the bot."""

import logging

import pytest

from tests.e2e.conftest import Harness


async def test_commands_are_registered_at_startup(bot: Harness) -> None:
    commands = {c["command"]: c["description"] for c in bot.api.commands["default"]}
    assert set(commands) == {"start", "topics", "legalaid", "help"}
    assert commands["legalaid"] == bot.ui.commands.legalaid


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
