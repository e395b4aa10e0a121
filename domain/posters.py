"""The words of a QR poster (documents/poster.py), from the text catalogue and hotlines.yaml.
Only public words go on a wall: the title, the day, the place line its maker gives, the town
and the nationwide legal hotline; never a volunteer's name or phone number, and no phone, ID or
bank-card number typed in a title or a place (masked before the title is stored: it is also
what residents who scan the code are welcomed with; on the poster the masked number is left
out, with the 电话 or 手机 that announced it (typed_words.yaml's number_labels), rather than
printed as asterisks: a duty office's number and a volunteer's look alike)."""

import functools
import re
from datetime import date
from pathlib import Path

from content.loader import Library
from content.privacy import mask_personal_numbers
from content.report_input import has_letters, normalise
from content.typed_words import NumberLabels
from documents.charts import find_cjk_font
from documents.glyphs import printable
from documents.poster import PosterWords

POSTER_HOTLINE = "12348"  # which entry of hotlines.yaml the footer gives (its name from there)
MAX_PLACE = 30  # characters of the place line: two lines on the poster at most
# Brackets a cut left empty, and what it leaves dangling at either end.
_EMPTY_BRACKETS = re.compile(r"[（(【\[]\s*[）)】\]]")
_DOUBLED = re.compile(r"([，,、；;])(?:\s*[，,、；;])+")  # "讲座，电话…，欢迎" cut: one comma
_DANGLING = " ，,、：:；;·|｜-"


def public_words(typed: str) -> str:
    """Typed words as a wall (and a resident) may show them: tidied to one line, phone, ID and
    bank-card numbers masked with as many *."""
    return mask_personal_numbers(normalise(typed))


def hides_numbers(typed: str) -> bool:
    """Whether `public_words` masks a number of `typed` (the maker is then told so)."""
    return public_words(typed) != normalise(typed)


@functools.cache
def _masked(labels: tuple[str, ...], before: tuple[str, ...]) -> re.Pattern[str]:
    """A number `public_words` masked (7 digits at least, maybe spaced or dashed), with the
    label before it: one of `labels` (电话), maybe after one of `before` (联系电话), maybe
    with a colon."""

    def either(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    label = rf"(?:(?:{either(before)})?(?:{either(labels)})\s*[：:]?\s*)?"
    return re.compile(label + r"\*(?:[\s-]*\*){6,}", re.IGNORECASE)


def off_poster(words: str, labels: NumberLabels) -> str:
    """Public words as a poster prints them: without the masked numbers (and their `labels`,
    typed_words.yaml's number_labels)."""
    masked = _masked(tuple(labels.labels), tuple(labels.before))
    cut = _DOUBLED.sub(r"\1", _EMPTY_BRACKETS.sub("", masked.sub(" ", words)))
    return re.sub(r"\s{2,}", " ", cut).strip(_DANGLING)


def prints_title(title: str, labels: NumberLabels, *, font: Path | None = None) -> bool:
    """Whether a poster of `title` (as stored, `public_words`) has a title at all: not when the
    title is only numbers it leaves off with their labels (电话 138…) and what the documents'
    font cannot draw (an emoji). Looks the font up: call it off the event loop."""
    return has_letters(printable(off_poster(title, labels), find_cjk_font(font)))


def poster_place(typed: str) -> str | None:
    """The place line as typed (村/社区, event or who holds it, e.g. 东山镇司法所 · 普法志愿服务),
    as `public_words`; None when it is longer than MAX_PLACE or has no letters."""
    place = public_words(typed)
    return place if has_letters(place) and len(place) <= MAX_PLACE else None


def poster_words(
    library: Library,
    title: str,
    *,
    town: str = "",
    day: date | None = None,
    place: str = "",
) -> PosterWords:
    """The poster's words, from the library's texts and hotlines; `title` and `place` as
    stored (`public_words`), printed `off_poster`."""
    texts, labels = library.ui.engagement, library.typed_words.number_labels
    hotline = next((h for h in library.hotlines if h.number == POSTER_HOTLINE), None)
    return PosterWords(
        title=off_poster(title, labels),
        invitation=texts.poster_invitation,
        when=texts.poster_when.format(year=day.year, month=day.month, day=day.day) if day else "",
        place=off_poster(place, labels),
        hotline=texts.poster_hotline.format(number=hotline.number, name=hotline.name)
        if hotline
        else "",
        organiser=texts.poster_organiser.format(town=town)
        if town
        else texts.poster_organiser_default,
    )
