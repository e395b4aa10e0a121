"""The words of a QR poster (documents/poster.py), from the text catalogue and hotlines.yaml.
Only public words go on a wall: the title, the day, the town and the nationwide legal
hotline; never a volunteer's name or phone number."""

from collections.abc import Iterable
from datetime import date

from content.hotlines import Hotline
from content.ui import UiTexts
from documents.poster import PosterWords

POSTER_HOTLINE = "12348"  # which entry of hotlines.yaml the footer gives (its name from there)


def poster_words(
    ui: UiTexts,
    hotlines: Iterable[Hotline],
    title: str,
    *,
    town: str = "",
    day: date | None = None,
) -> PosterWords:
    texts = ui.engagement
    hotline = next((h for h in hotlines if h.number == POSTER_HOTLINE), None)
    return PosterWords(
        title=title,
        invitation=texts.poster_invitation,
        when=texts.poster_when.format(year=day.year, month=day.month, day=day.day) if day else "",
        hotline=texts.poster_hotline.format(number=hotline.number, name=hotline.name)
        if hotline
        else "",
        organiser=texts.poster_organiser.format(town=town)
        if town
        else texts.poster_organiser_default,
    )
