"""Logs never carry residents' words or phone numbers at INFO or above: a question, a
registration and a report go through the real bot with the JSON log format capturing
everything from INFO up."""

import io
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bot.logging_setup import JsonFormatter, PlainFormatter
from content.privacy import mask_personal_numbers
from tests.e2e.conftest import Harness
from tests.e2e.volunteer_steps import invite, register, report_to_card

QUESTION = "我叫李秘密，电话13912345678，老板拖欠工资三个月不给怎么办"
SECRETS = [
    "李秘密",
    "13912345678",
    "老板拖欠工资三个月",
    "赵隐私",  # the volunteer's name
    "13800138000",
    "138 0013 8000",  # the volunteer's phone as typed
    "城关社区文化广场",  # the report's place
    "群众反响很好",  # the report's summary
]


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # everything is produced; INFO and above is written
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_question_registration_and_report_leave_no_personal_data_in_logs(
    bot_with_admins: Harness,
) -> None:
    bot = bot_with_admins
    with captured_logs() as stream:
        resident = bot.api.user(61_001, "李秘密")
        await bot.ask(resident, QUESTION)
        code = await invite(bot, "城关镇", "单次")
        volunteer = bot.api.user(61_002, "赵隐私")
        await register(bot, volunteer, code, name="赵隐私")
        card = await report_to_card(bot, volunteer)
        bot.api.press_button(volunteer, card, "提交")
        await bot.api.wait_for_messages(volunteer.id, 2)
        await bot.services.question_log.flush()
        logging.getLogger("bot.probe").warning("probe %s", "13912345678")
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]  # one JSON object a line
    assert entries[-1] == entries[-1] | {"logger": "bot.probe", "message": "probe ***********"}
    leaked = [(secret, line) for secret in SECRETS for line in lines if secret in line]
    assert not leaked


def test_phones_are_masked_in_both_formats_even_in_tracebacks() -> None:
    try:
        raise ValueError("bad input 139-1234-5678 / 010-88886666")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "call %s", ("13912345678",), None
        )
        record.exc_info = sys.exc_info()
    plain = PlainFormatter().format(record)
    entry = json.loads(JsonFormatter().format(record))
    for text in (plain, entry["message"], entry["error"]):
        assert "1234" not in text and "8888" not in text, text
    assert entry["level"] == "ERROR" and entry["message"] == "call ***********"
    assert mask_personal_numbers("订单号 20261203123456789") == "订单号 20261203123456789"
    assert mask_personal_numbers("身份证 11010519491231002X 号") == f"身份证 {'*' * 18} 号"
    for written in ("+8613912345678", "8613912345678", "１３９１２３４５６７８", "139.1234.5678"):
        assert not any(c.isdigit() for c in mask_personal_numbers(f"电话{written}")), written
    assert mask_personal_numbers("110105 19491231 002X") == "*" * 20
    assert mask_personal_numbers("2026年12月4日 共123456元") == "2026年12月4日 共123456元"
