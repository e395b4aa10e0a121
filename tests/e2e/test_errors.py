"""The error handler: failures are logged with what identifies their update (never what
people wrote or who they are), and the bot keeps going."""

import logging

import pytest
from sqlalchemy import text

from tests.e2e.conftest import Harness

WAGES = "老板拖欠工资三个月了怎么办"


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "handlers.kit.errors" and r.levelno == logging.ERROR
    ]


async def rename_table(bot: Harness, old: str, new: str) -> None:
    async with bot.services.db.engine.begin() as connection:
        await connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_failed_reply_is_logged_and_apologised_for(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2001)
    bot.api.fail_method("sendMessage", description="Bad Request: injected failure", times=1)
    apology = await bot.ask(user, WAGES)
    assert apology.text == bot.ui.error
    [record] = logged_errors(caplog)
    logged = record.getMessage()
    assert "update 1 (message, chat private)" in logged
    assert WAGES not in logged and "2001" not in logged and user.first_name not in logged
    assert record.exc_info is not None and "injected failure" in str(record.exc_info[1]).lower()
    card = await bot.ask(user, WAGES)
    assert card.content.startswith("老板拖欠工资怎么办")


async def test_server_error_is_logged_without_an_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2002)
    bot.api.fail_method(
        "sendMessage", error_code=500, description="Internal Server Error", times=1
    )
    bot.api.send_text(user, WAGES)
    await bot.settle()
    assert bot.api.messages_to(user.id) == []  # a network error: the user is unreachable
    [record] = logged_errors(caplog)
    assert "(message, chat private)" in record.getMessage()
    assert WAGES not in record.getMessage()
    card = await bot.ask(user, "借钱不还怎么办")
    assert card.content.startswith("别人欠钱不还")


async def test_failed_callback_answer_is_logged_and_the_bot_goes_on(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2003)
    bot.api.send_command(user, "/topics")
    [topics] = await bot.api.wait_for_messages(user.id)
    bot.api.fail_method("answerCallbackQuery", times=1)
    bot.api.press_button(user, topics, "👷 劳动与工资")
    [apology] = await bot.api.wait_for_messages(user.id)
    assert apology.text == bot.ui.error
    assert "(callback_query, chat private)" in logged_errors(caplog)[0].getMessage()
    bot.api.press_button(user, topics, "👷 劳动与工资")
    [page] = await bot.api.wait_for_messages(user.id)
    assert page.action == "edit"


async def test_broken_database_is_logged_and_recovers(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2004)
    await rename_table(bot, "question_log", "question_log_away")
    apology = await bot.ask(user, WAGES)
    assert apology.text == bot.ui.error
    [record] = logged_errors(caplog)
    assert "question_log" in str(record.exc_info[1] if record.exc_info else "")
    bot.api.send_command(user, "/start")  # not touching the question log: still fine
    [menu] = await bot.api.wait_for_messages(user.id)
    assert bot.ui.menu_ask in menu.button_labels()
    await rename_table(bot, "question_log_away", "question_log")
    card = await bot.ask(user, WAGES)
    assert card.content.startswith("老板拖欠工资怎么办")


async def test_errors_in_groups_are_logged_but_not_announced(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    group, user = bot.api.group(-1002000), bot.api.user(2005)
    bot.api.fail_method("sendMessage", times=1)
    bot.api.send_text(user, "@pufa_demo_bot 借钱不还怎么办", chat=group)
    await bot.settle()
    assert bot.api.messages_to(group.id) == []
    assert len(logged_errors(caplog)) == 1
