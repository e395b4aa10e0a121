"""The residents' buttons: under a card (related cards, 没解决, share), choices between cards,
and the main menu."""

from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content.loader import Library
from content.models import Card
from content.search import Candidate
from content.ui import UiTexts
from handlers.kit.callbacks import Kind, make
from handlers.kit.cases import case_button
from handlers.kit.tickets import leave_message_button
from handlers.kit.votes import Subject, vote_buttons


class MenuItem(StrEnum):
    """The main menu's buttons (m:<item>)."""

    ASK = "ask"
    AID = "aid"
    TOPICS = "topics"
    HELP = "help"


AID_MENU = "menu"  # a:menu:<AidMenu>[:<town key>]: the /legalaid menu (other a: data are towns)


class AidMenu(StrEnum):
    CHECK = "check"  # the legal-aid pre-check
    WHERE = "where"  # nearby service points (location or town)
    ADVISER = "adviser"  # one's village legal adviser (a town key: that town's villages)
    HOTLINES = "hotlines"


class HotlinesButton(StrEnum):
    """h:all (every number) or h:card:<card id> (the numbers fitting one card)."""

    ALL = "all"
    CARD = "card"


def card_button(card: Card, label: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label.format(title=card.title), callback_data=make(Kind.CARD, card.id)
    )


def case_rows(cases: list[Candidate], ui: UiTexts) -> list[list[InlineKeyboardButton]]:
    """Case cards found for a question (以案释法), one button each."""
    label = ui.engagement.case_found_button
    return [[case_button(label.format(title=c.title), c.card_id)] for c in cases]


# A card's `offers` (content.models.CARD_OFFERS): the /legalaid menu's item each opens.
OFFERED = {"aid_check": AidMenu.CHECK, "adviser": AidMenu.ADVISER}


def offer_rows(card: Card, library: Library) -> list[list[InlineKeyboardButton]]:
    """A button for each of the card's `offers`, in its order: the legal-aid pre-check (only
    with legal_aid.yaml's criteria), the village adviser lookup (which says when no adviser
    is listed: a coordinator may have imported them, the content cannot tell)."""
    labels = library.ui.residents.card_offers
    return [
        [
            InlineKeyboardButton(
                labels[offer], callback_data=make(Kind.AID, AID_MENU, OFFERED[offer])
            )
        ]
        for offer in card.offers
        if offer in OFFERED and not (offer == "aid_check" and library.legal_aid is None)
    ]


def card_keyboard(
    card: Card,
    library: Library,
    question_ref: str = "",
    cases: list[Candidate] | None = None,
    *,
    chat_link: str = "",
) -> InlineKeyboardMarkup:
    """Related cards; a real case it illustrates (or the cases a question asked for); 👍 / 👎
    on the question beside 没解决 if one was asked, else on the card above 留言给工作人员
    (with the card's field; in a group, the link `chat_link` to the private chat); sharing."""
    ui, texts = library.ui, library.ui.engagement
    rows = [
        [card_button(library.cards[rel], ui.related_button)]
        for rel in card.related
        if rel in library.cards
    ]
    if cases:
        rows += case_rows(cases, ui)
    elif linked := library.cases_for(card.id):
        rows.append([case_button(texts.case_button, linked[0].id)])
    rows += offer_rows(card, library)
    numbers = make(Kind.HOTLINES, HotlinesButton.CARD, card.id)
    rows.append([InlineKeyboardButton(ui.residents.hotlines_button, callback_data=numbers)])
    if question_ref:
        votes = vote_buttons(
            Subject.QUESTION, question_ref, texts.vote_up_button, texts.vote_down_button
        )
        unsolved = make(Kind.FEEDBACK, question_ref)
        votes.append(InlineKeyboardButton(ui.unsolved_button, callback_data=unsolved))
        rows.append(votes)
    else:  # opened from /topics, a related card or a link: no question to mark 没解决
        votes = vote_buttons(Subject.CARD, card.id, texts.vote_up_button, texts.vote_down_button)
        leave = leave_message_button(ui, category=card.category, chat_link=chat_link)
        rows += [votes, [leave]]
    rows.append([InlineKeyboardButton(ui.share_button, switch_inline_query=card.title)])
    return InlineKeyboardMarkup(rows)


def choices_keyboard(
    candidates: list[Candidate],
    ui: UiTexts,
    fallback_ref: str = "",
    cases: list[Candidate] | None = None,
    *,
    category: str = "",
    asked: str = "",
    chat_link: str = "",
) -> InlineKeyboardMarkup:
    """Cards (and cases) to choose from, the topics, 留言给工作人员 (with the field, when
    known); for the fallback (`fallback_ref`: its logged question), whether the help it
    suggested was useful. The cards' buttons carry the `asked` question's reference, so the
    asker's choice is recorded. In a group 留言 is the link `chat_link` to the private chat."""
    refs = (asked,) if asked else ()
    rows = [
        [InlineKeyboardButton(c.title, callback_data=make(Kind.CARD, c.card_id, *refs))]
        for c in candidates
    ]
    rows += case_rows(cases or [], ui)
    rows.append([InlineKeyboardButton(ui.menu_topics, callback_data=make(Kind.TOPICS))])
    rows.append([leave_message_button(ui, category=category, chat_link=chat_link)])
    if fallback_ref:
        up, down = ui.engagement.fallback_up_button, ui.engagement.fallback_down_button
        rows.append(vote_buttons(Subject.QUESTION, fallback_ref, up, down))
    return InlineKeyboardMarkup(rows)


def leave_first_keyboard(ui: UiTexts, category: str, chat_link: str = "") -> InlineKeyboardMarkup:
    """After a second 没解决 in a row (or an ask for a person): 留言给工作人员 first (in a
    group, the link `chat_link`), the topics after it."""
    topics = InlineKeyboardButton(ui.menu_topics, callback_data=make(Kind.TOPICS))
    leave = leave_message_button(ui, category=category, chat_link=chat_link)
    return InlineKeyboardMarkup([[leave], [topics]])


def main_menu(
    ui: UiTexts, *, leave_message: bool = False, chat_link: str = ""
) -> InlineKeyboardMarkup:
    """The menu; /help also offers 留言给工作人员 (in a group, the link `chat_link`)."""

    def menu(label: str, item: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=make(Kind.MENU, item))

    rows = [
        [menu(ui.menu_ask, MenuItem.ASK), menu(ui.menu_legal_aid, MenuItem.AID)],
        [menu(ui.menu_topics, MenuItem.TOPICS), menu(ui.menu_help, MenuItem.HELP)],
    ]
    if leave_message:
        rows.append([leave_message_button(ui, chat_link=chat_link)])
    return InlineKeyboardMarkup(rows)
