"""Property tests for what residents type into a message to duty staff, and for the ticket as
the desk sees it: any text is either refused with a reason or kept tidy, bounded and shown as
valid HTML (emoji welcome)."""

import html
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from content.loader import Library, load_library
from content.report_input import InputError, InputProblem, has_letters
from domain.tickets import MAX_TICKET_CHARS, ticket_text
from handlers.tickets.common import ENTRY_CHARS, agreed_desks, desk_ticket_html
from local_api.formatting import utf16_len
from storage.models import TicketEntry, TicketStatus
from storage.tickets import StoredTicket
from tests.clock import TZ
from tests.content.content_copy import copy_content, edit
from tests.handlers.test_properties import AUTHOR_TEXT, assert_valid_telegram_html

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=MAX_TICKET_CHARS + 50)
CONTROL = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x200B, 0x202E)}


def _kept(typed: str) -> str | InputProblem:
    try:
        return ticket_text(typed)
    except InputError as refused:
        return refused.problem


@settings(max_examples=300, deadline=None)
@given(typed=ANY_TEXT | AUTHOR_TEXT)
def test_any_typed_text_is_kept_tidy_or_refused_with_a_reason(typed: str) -> None:
    kept = _kept(typed)
    if isinstance(kept, InputProblem):
        assert kept in {InputProblem.EMPTY, InputProblem.TOO_LONG, InputProblem.NO_LETTERS}
        return
    assert 0 < len(kept) <= MAX_TICKET_CHARS and has_letters(kept)
    assert not CONTROL & set(kept) and kept == kept.strip()
    assert ticket_text(kept) == kept  # what was kept is accepted as it is


@settings(max_examples=50, deadline=None)
@given(emoji=st.text(st.characters(categories=["So"]), min_size=1, max_size=20))
def test_emoji_are_welcome_beside_words_but_not_alone(emoji: str) -> None:
    assert ticket_text(f"工资被拖欠了{emoji}") == f"工资被拖欠了{emoji}"
    if not has_letters(emoji):
        assert _kept(emoji) in {InputProblem.NO_LETTERS, InputProblem.EMPTY}


@settings(max_examples=150, deadline=None)
@given(
    text=AUTHOR_TEXT.filter(lambda t: t.strip()),
    town=AUTHOR_TEXT,
    phone=st.sampled_from(["", "13912345678"]),
)
def test_the_ticket_renders_valid_html_for_its_desk(
    library: Library, text: str, town: str, phone: str
) -> None:
    desk = library.desks[0]
    at = datetime(2026, 3, 10, 2, tzinfo=UTC)
    ticket = StoredTicket(
        1, 7, desk.id, "labor", town, text, phone, TicketStatus.OPEN, None, at, at, None, None,
        None, at, contact_desks=frozenset({desk.id}),
    )  # fmt: skip
    shown = assert_valid_telegram_html(desk_ticket_html(library, TZ, ticket, desk))
    assert text.strip() in shown or text in shown
    assert (phone in shown) if phone else library.ui.tickets.desk_no_contact in shown
    assert "3月10日（周二）10:00" in shown


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(
        st.tuples(st.sampled_from(["resident", "desk"]), AUTHOR_TEXT.filter(lambda t: t.strip())),
        max_size=30,
    ),
    long_text=st.booleans(),
)
def test_a_moved_tickets_history_fits_one_message(
    library: Library, texts: list[tuple[str, str]], long_text: bool
) -> None:
    """Any exchange, however long: valid HTML within Telegram's 4096, the latest messages
    kept, the left-out ones counted."""
    first, second = library.desks[0], library.desks[1]
    at = datetime(2026, 3, 10, 2, tzinfo=UTC)
    text = "工" * MAX_TICKET_CHARS if long_text else "工资被拖欠了"
    ticket = StoredTicket(
        1, 7, second.id, "labor", "镇", text, "", TicketStatus.OPEN, None, at, at, None, None,
        None, at, moved_from_desk_id=first.id,
    )  # fmt: skip
    history = [
        TicketEntry(ticket_id=1, author=author, desk_id=first.id, text=said * 40, at=at)
        for author, said in texts
    ]
    shown = assert_valid_telegram_html(desk_ticket_html(library, TZ, ticket, second, history))
    assert utf16_len(shown) <= 4096 and first.name in shown
    if history:
        latest = history[-1].text[:ENTRY_CHARS]
        assert latest in shown or latest.strip() in shown


def test_the_desks_a_number_was_agreed_for_are_listed_in_the_catalogues_words(
    tmp_path: Path,
) -> None:
    content = copy_content(tmp_path)
    edit(content / "ui.zh.yaml", "\nlist_separator: 、\n", "\nlist_separator: ；\n")
    library = load_library(content)
    first, second = library.desks[0], library.desks[1]
    at = datetime(2026, 3, 10, 2, tzinfo=UTC)
    ticket = StoredTicket(
        1, 7, second.id, "labor", "镇", "工资被拖欠了", "13912345678", TicketStatus.OPEN, None,
        at, at, None, None, None, at, contact_desks=frozenset({first.id, second.id}),
    )  # fmt: skip
    assert agreed_desks(library, ticket) == html.escape(f"{first.name}；{second.name}")
