"""Turning cards and results into Telegram HTML and keyboards (no I/O here)."""

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content.loader import Library
from content.models import Card
from content.search import Candidate
from content.ui import UiTexts
from handlers import callbacks

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def card_html(card: Card, ui: UiTexts) -> str:
    """Title in bold, body with its two markup forms (**bold**, '- ' bullets), then the footer."""
    lines = [f"<b>{html.escape(card.title)}</b>", ""]
    for raw in card.body.splitlines():
        line = html.escape(raw.rstrip())
        if line.startswith("- "):
            line = "• " + line[2:]
        lines.append(_BOLD.sub(r"<b>\1</b>", line))
    lines += ["", f"<i>{html.escape(ui.card_footer)}</i>"]
    return "\n".join(lines)


def plain_text(message_html: str) -> str:
    """What a reader sees of a message: tags removed, entities decoded (for previews/logs)."""
    return html.unescape(re.sub(r"<[^>]+>", "", message_html))


def card_keyboard(
    card: Card, library: Library, question_id: int | None = None
) -> InlineKeyboardMarkup:
    ui = library.ui
    rows = [
        [_card_button(library.cards[rel], ui.related_button)]
        for rel in card.related
        if rel in library.cards
    ]
    last = [InlineKeyboardButton(ui.share_button, switch_inline_query=card.title)]
    if question_id is not None:
        last.insert(
            0,
            InlineKeyboardButton(
                ui.unsolved_button, callback_data=callbacks.make(callbacks.FEEDBACK, question_id)
            ),
        )
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def choices_keyboard(candidates: list[Candidate], ui: UiTexts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    c.title, callback_data=callbacks.make(callbacks.CARD, c.card_id)
                )
            ]
            for c in candidates
        ]
        + [[InlineKeyboardButton(ui.menu_topics, callback_data=callbacks.make(callbacks.TOPICS))]]
    )


def main_menu(ui: UiTexts) -> InlineKeyboardMarkup:
    def menu(label: str, item: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.MENU, item))

    return InlineKeyboardMarkup(
        [
            [menu(ui.menu_ask, "ask"), menu(ui.menu_legal_aid, "aid")],
            [menu(ui.menu_topics, "topics"), menu(ui.menu_help, "help")],
        ]
    )


def no_match_html(question: str, ui: UiTexts, *, with_suggestions: bool = False) -> str:
    shown = question if len(question) <= 30 else question[:30] + "…"
    text = ui.no_match.format(question=html.escape(shown))
    return f"{text}\n\n{ui.did_you_mean}" if with_suggestions else text


def _card_button(card: Card, label: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label.format(title=card.title), callback_data=callbacks.make(callbacks.CARD, card.id)
    )
