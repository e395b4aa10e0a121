"""The error handler: failures are logged with what identifies their update (never what
people wrote or who they are), and the bot keeps going."""

import logging

import pytest
from sqlalchemy import text
from sqlmodel import select

from storage.models import QuestionLog
from tests.e2e.conftest import Harness
from tests.waiting import eventually

WAGES = "老板拖欠工资三个月了怎么办"


async def _logged(caplog: pytest.LogCaptureFixture) -> bool:
    return bool(logged_errors(caplog))


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


async def test_a_server_error_on_a_reply_is_retried_and_the_answer_arrives(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2002)
    bot.api.fail_method(
        "sendMessage", error_code=500, description="Internal Server Error", times=1
    )
    card = await bot.ask(user, WAGES)
    assert card.content.startswith("老板拖欠工资怎么办")
    assert [c.status for c in bot.api.calls if c.method == "sendMessage"] == [500, 200]
    assert logged_errors(caplog) == []


async def test_telegram_down_for_a_reply_is_logged_without_an_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2006)
    bot.api.fail_method("sendMessage", error_code=502, description="Bad Gateway")
    bot.api.send_text(user, WAGES)
    await eventually(lambda: _logged(caplog))
    assert bot.api.messages_to(user.id) == []  # Telegram unreachable: nothing to apologise in
    [record] = logged_errors(caplog)
    assert "(message, chat private)" in record.getMessage()
    assert WAGES not in record.getMessage()
    tries = [c for c in bot.api.calls if c.method == "sendMessage"]
    assert len(tries) == 4  # the reply and three more tries, 0.5 s, 1 s and 2 s apart
    bot.api.clear_failures()
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


async def test_a_broken_question_log_costs_no_answer(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The log is written behind the answer: a broken table is a logged bug, not a lost
    answer, and once it is repaired questions are logged again."""
    user = bot.api.user(2004)
    await rename_table(bot, "question_log", "question_log_away")
    card = await bot.ask(user, WAGES)  # the answer needs no database: it comes at once
    assert card.content.startswith("老板拖欠工资怎么办")
    assert bot.ui.error not in [m.text for m in bot.api.messages_to(user.id)]
    await rename_table(bot, "question_log_away", "question_log")
    await bot.ask(user, "借钱不还怎么办")
    await bot.services.question_log.flush()
    async with bot.services.db.session() as session:
        rows = (await session.exec(select(QuestionLog))).all()
    assert "借钱不还怎么办" in [r.text for r in rows]


async def test_broken_database_is_logged_apologised_for_once_and_recovers(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.api.user(2007)
    await rename_table(bot, "volunteer", "volunteer_away")
    apology = await bot.ask(user, "/report")  # needs the database
    assert apology.text == bot.ui.error
    [record] = logged_errors(caplog)
    assert "volunteer" in str(record.exc_info[1] if record.exc_info else "")
    await bot.settle()
    assert [m.text for m in bot.api.messages_to(user.id)] == [bot.ui.error]  # one apology
    bot.api.send_command(user, "/start")  # not touching the volunteers: still fine
    [menu] = await bot.api.wait_for_messages(user.id)
    assert bot.ui.menu_ask in menu.button_labels()
    await rename_table(bot, "volunteer_away", "volunteer")
    reply = await bot.ask(user, "/report")
    assert reply.text == bot.ui.volunteers.not_volunteer


async def test_errors_in_groups_are_logged_but_not_announced(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    group, user = bot.api.group(-1002000), bot.api.user(2005)
    bot.api.fail_method("sendMessage", times=1)
    bot.api.send_text(user, "@pufa_demo_bot 借钱不还怎么办", chat=group)

    def refused() -> list[str]:
        return [str(c.params.get("chat_id")) for c in bot.api.calls if c.status == 400]

    # The reply takes the one failure (not settle()'s own /start, handled alongside it).
    await bot.api.wait_until(lambda: bool(refused()), "the refused reply")
    await bot.settle()
    assert refused() == [str(group.id)]
    assert bot.api.messages_to(group.id) == []
    assert len(logged_errors(caplog)) == 1
