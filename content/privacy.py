"""Personal numbers that must never be kept where they do not belong: a log line, or a
resident's question copied into the content folder (content/asked-questions.jsonl, a card's
sample questions)."""

import re
import unicodedata

# Mainland mobiles (11 digits from 1[3-9], optionally after +86 / 86, with spaces, dots or
# dashes between digits), landlines (0xx-xxxxxxxx)
PHONE = re.compile(
    r"(?<!\d)(?:(?:\+?86[ .-]?)?1[3-9]\d(?:[ .-]?\d){8}|0\d{2,3}[ .-]?\d{7,8})(?!\d)"
)
# Resident identity card numbers: 17 digits and a check digit or X, spaces allowed
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ ]?\d){16}[ ]?[\dXx](?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """Phone-number-like and ID-number-like digit runs replaced by as many asterisks
    (full-width digits are read as digits: the text is NFKC-normalised first)."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (ID_NUMBER, PHONE):
        text = pattern.sub(lambda match: "*" * len(match[0]), text)
    return text
