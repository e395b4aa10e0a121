"""How the directory writes a phone number (a service point's `phone`, a village adviser's
`contact`), checked alike in the content files and the coordinators' CSVs: a landline with
its area code, a mobile, a 5-digit service number (12348) or a 400/800 number, an extension
after 转 / 分机 / ext / - , several numbers apart with 、 or / . Nothing else: not a name, not
a number without its area code, not a digit too few."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from content.check_text import check_text

# Between two numbers of one cell (after NFKC: full-width punctuation is ASCII then)
BETWEEN = re.compile(r"\s*(?:[、,;/]|或)\s*")
# Before an extension
EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x)\s*", re.IGNORECASE)
# What groups the digits of one number: spaces, hyphens, brackets round the area code
GROUPING = re.compile(r"[\s()-]")
# A landline's trailing "-8012" (0716-51234567-8012)
DASHED_EXTENSION = re.compile(r"^(?P<number>.*\d)\s*-\s*(?P<extension>\d{1,6})$")
NUMBER = re.compile(
    r"(?:\+?86)?1[3-9]\d{9}"  # a mobile
    r"|0(?:10|2\d)[2-9]\d{7}"  # a landline of Beijing and the 02x cities: 8 digits
    r"|0[3-9]\d{2}[2-9]\d{6,7}"  # any other landline: 7 or 8 digits
    r"|12\d{3}"  # a public service number: 12348, 12345, 12315
    r"|[48]00\d{7}"  # 400 / 800
)
LOCAL_NUMBER = re.compile(r"[2-9]\d{6,7}")  # a landline without its area code
EXTENSION_DIGITS = re.compile(r"\d{1,6}")


def phone_problem(value: str) -> str | None:
    """What is wrong with a phone cell, in the check's words (None: nothing, or empty)."""
    text = unicodedata.normalize("NFKC", value).strip()
    for number in filter(None, BETWEEN.split(text)):
        if problem := _number_problem(number, value):
            return problem
    return None


def _number_problem(number: str, value: str) -> str | None:
    if words := re.sub(r"[\d\s()+-]", "", EXTENSION.sub("", number)):
        return check_text("phones.words", value=value, words=words)
    head, *extension = EXTENSION.split(number, maxsplit=1)
    if extension and not EXTENSION_DIGITS.fullmatch(extension[0].strip()):
        return check_text("phones.extension", value=value)
    digits = GROUPING.sub("", head)
    dashed = DASHED_EXTENSION.match(head.strip())
    if NUMBER.fullmatch(digits) or (
        not extension and dashed and NUMBER.fullmatch(GROUPING.sub("", dashed["number"]))
    ):
        return None
    if LOCAL_NUMBER.fullmatch(digits):
        return check_text("phones.area_code", value=value)
    return check_text("phones.shape", value=value)


def phone_text(value: object) -> object:
    """A phone cell as the models take it: a number YAML read without quotes is refused
    (0716... would have been read as another number), anything else left to the model."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(check_text("phones.not_text"))
    return value


def checked_phone(value: str) -> str:
    """The phone cell, or ValueError saying what is wrong with it (`phone_problem`)."""
    if problem := phone_problem(value):
        raise ValueError(problem)
    return value


# A phone cell of a model: written as text, and a phone number (or empty)
Phone = Annotated[str, BeforeValidator(phone_text), AfterValidator(checked_phone)]
