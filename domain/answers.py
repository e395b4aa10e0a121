"""A resident's question answered: the search, the message text the bot sends (Telegram HTML,
which is also what `pufa ask` shows as plain text), and the question's entry in the log.
The chat, `pufa ask` and the dashboard all answer through here."""

import html
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from content.hotlines import Hotline
from content.loader import Library
from content.mentions import Block, Fixed, join, once
from content.models import Card
from content.privacy import mask_personal_numbers
from content.routing import numbers_for
from content.safety import SafetyKind, match
from content.search import Candidate, SearchIndex, SearchResult
from content.ui import UiTexts
from storage.questions import LoggedAnswer

MAX_QUESTION_CHARS = 500
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Answer:
    question: str  # as searched: trimmed, at most MAX_QUESTION_CHARS
    result: SearchResult
    truncated: bool = False
    danger: tuple[SafetyKind, ...] = ()  # the safety.yaml kinds the whole message signals

    @property
    def card_id(self) -> str | None:
        """The card the bot answers with (None for no match, or a choice between cards)."""
        best = self.result.best
        if best is None or not self.result.matched or self.result.ambiguous:
            return None
        return best.card_id

    @property
    def wordless(self) -> bool:
        """Only emoji, punctuation or invisible characters ("😀", "？？？"): nothing to search."""
        return not any(ch.isalnum() for ch in self.question)


def answer(index: SearchIndex, question: str, *, safety: Iterable[SafetyKind]) -> Answer:
    """The search's answer to the first MAX_QUESTION_CHARS of `question`, and the dangers
    (`safety`'s kinds) all of it signals: a cue late in a long story counts."""
    text = question.strip()
    return Answer(
        text[:MAX_QUESTION_CHARS],
        index.search(text[:MAX_QUESTION_CHARS]),
        len(text) > MAX_QUESTION_CHARS,
        tuple(match(safety, text)),
    )


def answer_html(found: Answer, library: Library) -> str:
    """The message the bot answers with: a safety notice for a message that signals danger
    (its cards offered as buttons, `safety_cards`), else the card, the choices' intro, or the
    fallback."""
    ui, result = library.ui, found.result
    if found.danger:
        return safety_html(found.danger, library)
    if found.card_id is not None:
        return card_html(library.cards[found.card_id], library)
    numbers = numbers_for(library.hotlines, found.question, result, library.cards)
    call = [ui.residents.fallback_hotlines, *hotline_lines(numbers, ui)] if numbers else []
    if result.best is not None and result.matched:
        return compose([Fixed("\n".join(call)), ui.ambiguous_intro], library)
    return no_match_html(
        found.question, library, with_suggestions=bool(result.suggestions), call=call
    )


def compose(blocks: Sequence[Block], library: Library) -> str:
    """A message of `blocks`, each hotline number referred to once (content.mentions)."""
    return join(blocks, _numbers(library))


def safety_html(kinds: Sequence[SafetyKind], library: Library) -> str:
    """The first kind's notice, then the numbers of every kind (each once, in order)."""
    by_number = {h.number: h for h in library.hotlines}
    numbers = list(dict.fromkeys(n for kind in kinds for n in kind.numbers))
    lines = hotline_lines([by_number[n] for n in numbers], library.ui)
    notice = library.ui.residents.safety_notices[kinds[0].text]
    return compose([notice, Fixed("\n".join(lines))], library)


def safety_cards(found: Answer, library: Library) -> list[Candidate]:
    """The cards under a safety notice: its kinds' own cards first, then the card the search
    answered with or the choices it offered (never its near misses), each once."""
    result = found.result
    searched = result.choices if result.ambiguous else result.candidates[:1]
    scores = {c.card_id: c.score for c in result.candidates}
    own = [
        Candidate(card.id, card.title, scores.get(card.id, 0.0))
        for kind in found.danger
        if kind.card is not None and (card := library.cards.get(kind.card)) is not None
    ]
    cards: dict[str, Candidate] = {}
    for candidate in [*own, *(searched if result.matched else [])]:
        cards.setdefault(candidate.card_id, candidate)
    return list(cards.values())


def hotline_lines(numbers: list[Hotline], ui: UiTexts) -> list[str]:
    """One line a number: the number, its name, when to call it (and its hours if fixed)."""
    texts = ui.residents
    return [
        texts.hotline_line.format(
            number=h.number,
            name=html.escape(h.name),
            for_=html.escape(h.for_),
            hours=texts.hotline_hours.format(hours=html.escape(h.hours)) if h.hours else "",
        )
        for h in numbers
    ]


def log_entry(
    found: Answer, *, telegram_id: int | None, chat_type: str, source: str, now: datetime
) -> LoggedAnswer:
    """The question's entry in the log, with a fresh reference for its 没解决 button (the
    entry is written a moment later, off the reply's path). ID-card, bank-card and phone
    numbers are masked: every coordinator reads the log on the dashboard."""
    best, result = found.result.best, found.result
    return LoggedAnswer(
        ref=secrets.token_hex(6),
        asked_at=now,
        telegram_id=telegram_id,
        chat_type=chat_type,
        source=source,
        text=mask_personal_numbers(found.question),
        card_id=best.card_id if best and result.matched else None,
        score=best.score if best else 0.0,
        matched=result.matched,
        ambiguous=result.ambiguous,
    )


def preview(library: Library, index: SearchIndex, question: str) -> dict[str, Any]:
    """`pufa ask --json`: the shape documented in ARCHITECTURE.md (`matched`, `card_id`,
    `title`, `score`, `answer`, `alternatives`), the answer as the reader sees it."""
    found = answer(index, question, safety=library.safety)
    result = found.result
    best = result.best if result.matched else None
    lines = [answer_html(found, library)]
    if found.danger:
        lines += [f"• {c.title}" for c in safety_cards(found, library)]
    elif best is None:
        lines += [f"• {c.title}" for c in result.suggestions]
    elif result.ambiguous:
        lines += [f"• {c.title}" for c in result.choices]
    return {
        "question": question,
        "matched": best is not None,
        "ambiguous": result.ambiguous,
        "card_id": best.card_id if best else None,
        "title": best.title if best else None,
        "score": result.best.score if result.best else 0.0,
        "answer": plain_text("\n".join(lines)),
        "alternatives": [
            {"card_id": c.card_id, "title": c.title, "score": c.score}
            for c in (result.alternatives if best else result.suggestions)
        ],
    }


def card_html(card: Card, library: Library) -> str:
    """Title in bold, body with its two markup forms (**bold**, '- ' bullets), then the footer;
    a number the card already refers to is not repeated (content.mentions)."""
    title, body, footer = once([card.title, card.body, library.ui.card_footer], _numbers(library))
    lines = [f"<b>{html.escape(title)}</b>", ""]
    for raw in body.splitlines():
        line = html.escape(raw.rstrip())
        if line.startswith("- "):
            line = "• " + line[2:]
        lines.append(_BOLD.sub(r"<b>\1</b>", line))
    if footer:
        lines += ["", f"<i>{html.escape(footer)}</i>"]
    return "\n".join(lines)


def _numbers(library: Library) -> list[str]:
    return [h.number for h in library.hotlines]


def plain_text(message_html: str) -> str:
    """What a reader sees of a message: tags removed, entities decoded (for previews/logs)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message_html))


def no_match_html(
    question: str,
    library: Library,
    *,
    with_suggestions: bool = False,
    call: list[str] | None = None,
) -> str:
    """The fallback: nothing fits (or, with near misses shown as buttons, nothing fits
    exactly); then the numbers to `call` when the field is clear (12348 then said there).
    The question is echoed with its personal numbers masked (before it is cut, so a number
    cut in two is hidden whole): a chat on a shared phone shows the reply too."""
    ui = library.ui
    masked = mask_personal_numbers(question)
    shown = html.escape(masked if len(masked) <= 30 else masked[:30] + "…")
    intro = ui.close_match if with_suggestions else ui.no_match
    return compose([intro.format(question=shown), Fixed("\n".join(call or []))], library)
