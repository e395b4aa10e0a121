"""Personal numbers that must never be kept where they do not belong: a log line, or a
resident's question copied into the content folder (content/asked-questions.jsonl)."""

import re

# Mainland mobiles (11 digits from 1[3-9], spaces or dashes allowed), landlines (0xx-xxxxxxxx)
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d(?:[ -]?\d){8}|0\d{2,3}[ -]?\d{7,8})(?!\d)")
# Resident identity card numbers: 17 digits and a check digit or X
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """Phone-number-like and ID-number-like digit runs replaced by as many asterisks."""
    for pattern in (ID_NUMBER, PHONE):
        text = pattern.sub(lambda match: "*" * len(match[0]), text)
    return text
