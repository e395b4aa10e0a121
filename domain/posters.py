"""The words of a QR poster (documents/poster.py), from the text catalogue and hotlines.yaml.
Only public words go on a wall: the title, the day, the place line its maker gives, the town
and the nationwide legal hotline; never a volunteer's name or phone number."""

from collections.abc import Iterable
from datetime import date

from content.hotlines import Hotline
from content.report_input import has_letters, normalise
from content.ui import UiTexts
from documents.poster import PosterWords

POSTER_HOTLINE = "12348"  # which entry of hotlines.yaml the footer gives (its name from there)
MAX_PLACE = 30  # characters of the place line: two lines on the poster at most


def poster_place(typed: str) -> str | None:
    """The place line as typed (村/社区, event or who holds it, e.g. 东山镇司法所 · 普法志愿服务),
    tidied to one line; None when it is longer than MAX_PLACE or has no letters."""
    place = normalise(typed)
    return place if has_letters(place) and len(place) <= MAX_PLACE else None


def poster_words(
    ui: UiTexts,
    hotlines: Iterable[Hotline],
    title: str,
    *,
    town: str = "",
    day: date | None = None,
    place: str = "",
) -> PosterWords:
    texts = ui.engagement
    hotline = next((h for h in hotlines if h.number == POSTER_HOTLINE), None)
    return PosterWords(
        title=title,
        invitation=texts.poster_invitation,
        when=texts.poster_when.format(year=day.year, month=day.month, day=day.day) if day else "",
        place=place,
        hotline=texts.poster_hotline.format(number=hotline.number, name=hotline.name)
        if hotline
        else "",
        organiser=texts.poster_organiser.format(town=town)
        if town
        else texts.poster_organiser_default,
    )
