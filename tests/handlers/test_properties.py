"""Property tests for the free-text edges of handlers: callback data and rendered HTML."""

import html
import re
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from content.loader import Library
from content.models import Card, Source
from domain.answers import card_html, no_match_html, plain_text
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api.formatting import utf16_len
from local_api.markup_html import parse_html

ARG = re.compile(r"[a-z0-9_\-]{1,40}")
# Characters that matter to the renderer, mixed with anything a card author might type.
TRICKY = st.sampled_from([*"*-•<>&\"';:/\n\t ", "**", "- ", "&amp;", "<b>", "</i>"])
AUTHOR_TEXT = st.lists(
    st.one_of(TRICKY, st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]))),
    max_size=60,
).map("".join)


def sample_card(title: str, body: str) -> Card:
    return Card(
        id="sample",
        title=title,
        category="labor",
        keywords=["样例"],
        sources=[Source(seed="001_0000000000000000.txt", item="1")],
        updated=date(2025, 1, 1),
        body=body,
    )


def assert_valid_telegram_html(message: str) -> str:
    """Parses as Telegram would (raising its 400 on bad markup); returns the visible text."""
    text, _ = parse_html(message)
    assert text == plain_text(message)
    return text


def test_every_real_card_renders_valid_html_within_the_limit(library: Library) -> None:
    for card in library.cards.values():
        text = assert_valid_telegram_html(card_html(card, library))
        assert text.startswith(card.title) and utf16_len(text) <= 4096, card.id


@settings(max_examples=200, deadline=None)
@given(
    title=AUTHOR_TEXT.filter(lambda t: 2 <= len(t.strip()) <= 60),
    body=AUTHOR_TEXT.filter(lambda b: len(b.strip()) >= 20),
)
def test_any_card_text_renders_valid_html(library: Library, title: str, body: str) -> None:
    card = sample_card(title, body)
    text = assert_valid_telegram_html(card_html(card, library))
    assert text.startswith(card.title)


@settings(max_examples=200, deadline=None)
@given(question=st.text(st.characters(codec="utf-8"), max_size=600))
def test_no_match_reply_is_valid_html_for_any_question(library: Library, question: str) -> None:
    for suggestions in (False, True):
        assert_valid_telegram_html(no_match_html(question, library, with_suggestions=suggestions))


@settings(max_examples=200, deadline=None)
@given(name=st.text(st.characters(codec="utf-8"), max_size=64))
def test_templates_with_user_values_are_valid_html(library: Library, name: str) -> None:
    ui = library.ui
    assert_valid_telegram_html(ui.welcome.format(name=html.escape(name)))
    assert_valid_telegram_html(ui.town_points_title.format(town=html.escape(name)))
    assert_valid_telegram_html(ui.help.format(bot_username=html.escape(name), commands=""))


@settings(max_examples=500)
@given(
    data=st.one_of(
        st.text(max_size=80),
        st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    )
)
@example(data="1:c:unpaid-wages\n")
@example(data="1:f:\udc80")
def test_parse_accepts_only_well_formed_data(data: str) -> None:
    parsed = callbacks.parse(data)
    if parsed is not None:
        assert all(ARG.fullmatch(arg) for arg in parsed.args)
        assert callbacks.make(parsed.kind, *parsed.args) == data


@settings(max_examples=300)
@given(
    kind=st.sampled_from([Kind.CARD, Kind.TOPICS, Kind.FEEDBACK, Kind.AID]),
    args=st.lists(st.from_regex(ARG, fullmatch=True), max_size=3),
)
def test_made_data_fits_telegram_and_parses_back(kind: Kind, args: list[str]) -> None:
    try:
        data = callbacks.make(kind, *args)
    except ValueError:
        assert len(":".join(["1", kind, *args]).encode()) > callbacks.MAX_BYTES
        return
    assert len(data.encode()) <= 64
    assert callbacks.parse(data) == callbacks.Callback(kind, tuple(args))
