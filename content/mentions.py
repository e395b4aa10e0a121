"""Each hotline number once in a message: a later "call N" that only repeats where to call is
left out when the message is composed.

A message is built from blocks: a card's title, body and footer, a notice, the lines of
numbers, a service point. Fixed blocks (a hotline's line, a service point's phone) are data
and stay as they are; the numbers they show count as said. In prose blocks (a card body a
coordinator wrote, the catalogue's footers and hints) the first mention of a number stays and
a later one is taken out where it is a referral that can go without loss:

- one item of a list (12348、法律援助中心 / 妇联、12348),
- one choice of two (拨打12348或到司法所问一问 → 到司法所问一问; 换个说法再问，或者拨打12348),
- a clause or line that only says to call it (；拨打12348公共法律服务热线咨询。/
  拿不准就打 12348。),
  with the condition that leads to it (拿不准时，/ 拿不准打哪个，就).

Any other mention (12348是……的热线, 12348中国法网, 打12348能问什么) says something of its own
and stays, so nothing a reader needs is lost; at worst a number is said twice.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

# What may wrap a referral: the verb before the number, the number's name and what to ask.
_VERB = r"(?:拨打|拨|打|致电)\s*"
_NAME = r"\s*[^\s\d，。；、：:（）()<>或]{0,12}?(?:热线|服务台|专线)"
_ASK = r"\s*(?:免费)?(?:咨询|问一问|问问|查询|问询|报警|举报)"
# What may lead to a referral that is its whole clause: a condition, then adverbs.
_CONDITION = (
    r"(?:[^，。！？；\n<>\s•-]{0,10}?[，,]?\s*就\s*"  # 拿不准打哪个，就 / 拿不准就
    r"|(?:拿不准|着急|需要)(?:的话|时)?[，,]\s*)"  # 拿不准时，
)
_ADVERBS = r"(?:(?:请|也|还|可以|可|直接|先|马上|就)\s*)*"
_CHOICE_AFTER = re.compile(r"\s*[，,]?\s*或(?:者|是)?")
_CHOICE_BEFORE = re.compile(r"[，,]?\s*或(?:者|是)?(?:直接|也可以|可以|也)*\s*$")
_LINE_START = re.compile(r"(?:^|\n)[^\w\n]*$")  # a bullet or an emoji may lead a line
_CLAUSE_END = re.compile(r"\s*(?P<end>[。！？；!?;]|\n|$)")  # used with match(pos)


@dataclass(frozen=True)
class Fixed:
    """A block shown as it is (a hotline's line, a service point): its numbers count as said."""

    text: str


Block = str | Fixed


def once(blocks: Sequence[Block], numbers: Iterable[str]) -> list[str]:
    """The blocks' texts with each of `numbers` referred to once: fixed blocks as they are,
    the prose in order (its first mention stays unless a fixed block has the number). A block
    may be left empty (one to leave out, as `join` does)."""
    wanted = sorted(set(numbers), key=len, reverse=True)
    said = {n for block in blocks if isinstance(block, Fixed) for n in _found(block.text, wanted)}
    return [
        block.text if isinstance(block, Fixed) else _say_once(block, wanted, said).strip()
        for block in blocks
    ]


def join(blocks: Sequence[Block], numbers: Iterable[str], separator: str = "\n\n") -> str:
    """The message of `blocks`, each number referred to once, empty blocks left out."""
    return separator.join(text for text in once(blocks, numbers) if text.strip())


def stubborn(text: str) -> list[str]:
    """The numbers in `text` that would stay in it if they were said before it (a footer
    whose 12348 cannot be left out: 拿不准就打12348，免费)."""
    numbers = numbers_in(text)
    shorter = once([Fixed(" ".join(numbers)), text], numbers)[1]
    return [n for n in numbers if _number(n).search(shorter)]


def numbers_in(text: str) -> list[str]:
    """The phone-like numbers (3 to 8 digits) of `text`, each once, in order."""
    return list(dict.fromkeys(re.findall(r"(?<!\d)\d{3,8}(?!\d)", text)))


def _found(text: str, numbers: Sequence[str]) -> set[str]:
    return {n for n in numbers if _number(n).search(text)}


def _say_once(text: str, numbers: Sequence[str], said: set[str]) -> str:
    """`text` without the referrals to numbers already `said` (updated with the new ones)."""
    position = 0
    while True:
        hits = [(m.start(), n, m) for n in numbers if (m := _number(n).search(text, position))]
        if not hits:
            return text
        _, number, hit = min(hits, key=lambda found: found[0])
        if number not in said:
            said.add(number)
            position = hit.end()
            continue
        shorter = _without(text, number, hit.start())
        if shorter is None:
            position = hit.end()  # not a plain referral: it stays
        else:
            text, position = shorter
    return text


def _without(text: str, number: str, at: int) -> tuple[str, int] | None:
    """`text` without the referral whose number starts at `at`, and where to look on; None
    when that mention is not one a reader can do without."""
    mention = _referral(number).match(text, _verb_start(text, at))
    if mention is None:
        return None
    start, end = mention.span()
    before, after = text[:start], text[end:]
    if after.startswith("、"):
        return _cut(text, start, end + 1)
    if before.endswith("、"):
        return _cut(text, start - 1, end)
    if choice := _CHOICE_AFTER.match(after):
        return _cut(text, start, end + choice.end())
    if (choice := _CHOICE_BEFORE.search(before)) and _CLAUSE_END.match(text, end):
        return _cut(text, choice.start(), end)  # 或者拨打N， 工作人员会…: N is needed there
    return _without_clause(text, start, end)


def _without_clause(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The whole clause goes when the referral is all of it (after its condition)."""
    closing = _CLAUSE_END.match(text, end)
    lead = re.search(rf"(?:{_CONDITION})?{_ADVERBS}$", text[:start])
    if closing is None or lead is None:
        return None
    begin, stop = lead.start(), closing.start("end")
    with_end = stop + (closing.group("end") not in ("\n", ""))
    if _LINE_START.search(text[:begin]):
        shorter, position = _cut(text, begin, with_end)
        return _without_empty_line(shorter, position)
    if text[begin - 1] in "，,；;":
        return _cut(text, begin - 1, stop)
    if text[begin - 1] in "。！？!?":
        return _cut(text, begin, with_end)
    return None


def _without_empty_line(text: str, at: int) -> tuple[str, int]:
    """A line left with only its bullet or emoji goes too."""
    first = text.rfind("\n", 0, at) + 1
    last = text.find("\n", at)
    last = len(text) if last < 0 else last
    if re.search(r"\w", text[first:last]):
        return text, at
    if last < len(text):
        return text[:first] + text[last + 1 :], first
    return text[: max(first - 1, 0)], max(first - 1, 0)


def _cut(text: str, start: int, end: int) -> tuple[str, int]:
    return text[:start] + text[end:], start


def _verb_start(text: str, at: int) -> int:
    """Where the referral begins: at its verb (拨打, 打) when one leads the number."""
    verb = re.search(rf"{_VERB}(?:<b>)?\s*$", text[:at])
    return verb.start() if verb else (at - 3 if text[:at].endswith("<b>") else at)


@cache
def _number(number: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d){re.escape(number)}(?!\d)")


@cache
def _referral(number: str) -> re.Pattern[str]:
    digits = rf"(?:<b>)?\s*(?<!\d){re.escape(number)}(?!\d)\s*(?:</b>)?"
    return re.compile(rf"(?:{_VERB})?{digits}(?:{_NAME})?(?:{_ASK})?")
