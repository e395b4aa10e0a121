"""Personal numbers that must never be kept where they do not belong: a log line, a resident's
question copied into the content folder (content/asked-questions.jsonl, a card's sample
questions), or a resident's message to duty staff (ID-card and bank-card numbers)."""

import re
import unicodedata

# Mainland mobiles (11 digits from 1[3-9], optionally after +86 / 86, with spaces, dots or
# dashes between digits), landlines (0xx-xxxxxxxx)
PHONE = re.compile(
    r"(?<!\d)(?:(?:\+?86[ .-]?)?1[3-9]\d(?:[ .-]?\d){8}|0\d{2,3}[ .-]?\d{7,8})(?!\d)"
)
# Resident identity card numbers: 17 digits and a check digit or X, spaces allowed
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ ]?\d){16}[ ]?[\dXx](?![0-9A-Za-z])")
# Bank card numbers: 16 to 19 digits, spaces or dashes allowed between them (6222 0212 ...),
# that pass the Luhn check or begin with 62 (UnionPay: a mistyped one is still hidden); an
# order or case number of as many digits stays
BANK_CARD = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){15,18}(?![0-9A-Za-z])")
# (`\d` matches full-width digits too: ０-９ are caught without normalising the text)


def _stars(match: re.Match[str]) -> str:
    return "*" * len(match[0])


def _card_stars(match: re.Match[str]) -> str:
    digits = [int(c) for c in match[0] if c.isdigit()]
    return _stars(match) if digits[:2] == [6, 2] or _luhn(digits) else match[0]


def _luhn(digits: list[int]) -> bool:
    doubled = (d * 2 - 9 if d * 2 > 9 else d * 2 for d in digits[-2::-2])
    return (sum(digits[-1::-2]) + sum(doubled)) % 10 == 0


def mask_personal_numbers(text: str) -> str:
    """Phone-number-like, ID-number-like and bank-card-like digit runs replaced by as many
    asterisks. The numbers are found in the NFKC form (full-width ＋８６ is +86); the rest
    of the text stays as it was (a resident's full-width punctuation too)."""
    chunks = [unicodedata.normalize("NFKC", ch) for ch in text]
    folded = "".join(chunks)
    masked = PHONE.sub(_stars, mask_card_numbers(folded))
    owners = [i for i, chunk in enumerate(chunks) for _ in chunk]
    hidden = {
        owners[j] for j, (was, now) in enumerate(zip(folded, masked, strict=True)) if was != now
    }
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_card_numbers(text: str) -> str:
    """ID-card and bank-card numbers replaced by as many asterisks; the rest of the text (and a
    phone number in it) as it was."""
    return BANK_CARD.sub(_card_stars, ID_NUMBER.sub(_stars, text))


def has_phone_number(text: str) -> bool:
    return PHONE.search(text) is not None
