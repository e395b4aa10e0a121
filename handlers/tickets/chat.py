"""The resident's guided chat 留言给工作人员: category (skipped when the card or pre-check gave
it), town (skipped when the pre-check had it), the message, whether to share a phone number,
then a summary to send. A message typed before its question (while the field or town is asked)
is kept, not thrown away; a sample desk is said to be one before the resident writes."""

import html
from enum import StrEnum
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from content.loader import Library
from content.place_names import beside, named, towns_in_order
from content.privacy import has_phone_number
from content.report_input import InputError, InputProblem, parse_phone
from content.ui_tickets import TicketTexts
from domain.tickets import (
    MAX_TICKET_CHARS,
    MAX_WAITING,
    MIN_TICKET_CHARS,
    adviser_category,
    choose_desk,
    resident_text,
    too_short,
    typed_number,
)
from handlers.kit.callbacks import name_key
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, ask, ask_with_keyboard, begin, picked
from handlers.kit.replies import Markup, acknowledge, reply_html
from handlers.tickets.common import FLOW
from storage.tickets import StoredTicket, waiting_of

CATEGORY, TOWN, TEXT, CONTACT, CONFIRM = "category", "town", "text", "contact", "confirm"
ASKED = "asked"  # the desk asked for by id (a village adviser's): the town does not change it
SAMPLE_TOLD = "sample_told"  # the resident has heard that the desk is a sample nobody reads
TITLED = "titled"  # the chat's first question, whichever it is, came under its title
# The answers the chat opened with (a link's field, a desk's town, an ended ticket's): not
# the resident's in this chat (`answered`).
GIVEN = "given"


class TicketButton(StrEnum):
    CATEGORY = "cat"  # tk:<token>:cat:<index in categories.yaml>
    TOWN = "town"  # tk:<token>:town:<index in towns_to_pick()>
    NO_CONTACT = "nophone"
    SEND = "send"
    CANCEL = "cancel"


def town_names(library: Library) -> list[str]:
    """The towns to choose from, in the order every list of towns has: towns.yaml's, then
    any other town a desk serves (all of them, without a towns.yaml)."""
    served = (town for desk in library.desks for town in desk.towns)
    return towns_in_order([t.town for t in library.towns], served)


def towns_to_pick(ctx: PufaContext, chat: Conversation) -> list[str]:
    """The towns offered: those of the desk asked for (an adviser serving villages of several
    towns), else every town."""
    asked = ctx.services.library.desk(chat.data.get(ASKED, ""))
    return list(asked.towns) if asked is not None else town_names(ctx.services.library)


async def start(
    update: Update, ctx: PufaContext, *, category: str = "", desk_id: str = "", town_key: str = ""
) -> None:
    """Opens the chat; a known category, town (`town_key`: name_key of the pre-check's) or
    desk (a village adviser's, a town's 兜底 desk) skips its questions: a message for a desk
    asked by id is filed under the field the resident came with, else the neutral
    ADVISER_CATEGORY (`adviser_category`)."""
    services, user = ctx.services, update.effective_user
    assert user is not None
    async with services.db.session() as session:
        waiting = await waiting_of(session=session, resident_id=user.id)
    if waiting >= MAX_WAITING:
        await reply_html(update, services.ui.tickets.too_many.format(count=waiting))
        return
    data: dict[str, Any] = {}
    categories = [c.id for c in services.library.categories]
    if category in categories:
        data[CATEGORY] = category
    desk = services.library.desk(desk_id) if desk_id else None
    if desk is not None:
        data["desk"] = data[ASKED] = desk.id
        # not the desk's first field: the adviser takes whatever the village brings
        if field := adviser_category(categories, category):
            data[CATEGORY] = field
        if len(desk.towns) == 1:
            data[TOWN] = desk.towns[0]
    elif town := next((t for t in town_names(services.library) if name_key(t) == town_key), ""):
        data[TOWN] = town
    data[GIVEN] = _given(data)
    chat = await begin(update, ctx, FLOW, CATEGORY, data)
    if chat is not None:
        await ask_next(update, ctx, chat)


def _given(data: dict[str, Any]) -> list[str]:
    return [key for key in (CATEGORY, TOWN, CONTACT) if key in data]


def answered(chat: Conversation) -> int:
    """The field, the town, the message and the number the resident gave in this chat."""
    given = chat.data.get(GIVEN, [])
    return sum(
        1 for key in (CATEGORY, TOWN, TEXT, CONTACT) if key in chat.data and key not in given
    )


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await show(update, ctx, chat, chat.step)


async def ask_next(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The first question the chat has no answer to (a known town first gets its desk)."""
    data = chat.data
    if CATEGORY not in data:
        await show(update, ctx, chat, CATEGORY)
    elif TOWN not in data:
        await show(update, ctx, chat, TOWN)
    elif "desk" not in data:
        await _town_chosen(update, ctx, chat, data[TOWN])
    else:
        await show(update, ctx, chat, CONTACT if TEXT in data else TEXT)


def _prompt(
    ctx: PufaContext, chat: Conversation, step: str, *, titled: bool
) -> tuple[str, Markup]:
    services = ctx.services
    texts = services.ui.tickets
    if step == CATEGORY:
        buttons = [
            chat.button(f"{c.emoji} {c.name}".strip(), TicketButton.CATEGORY, i)
            for i, c in enumerate(services.library.categories)
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return texts.ask_category, InlineKeyboardMarkup([*rows, _exit_row(chat, texts)])
    if step == TOWN:
        names = towns_to_pick(ctx, chat)
        rows = [[chat.button(town, TicketButton.TOWN, i)] for i, town in enumerate(names)]
        return texts.ask_town, InlineKeyboardMarkup([*rows, _exit_row(chat, texts)])
    if step == TEXT:  # no buttons to leave by (a reply keyboard may need removing): /cancel
        ask = texts.ask_text.format(max=MAX_TICKET_CHARS)
        if not titled:  # (the title, just above, says it)
            ask = f"{ask}\n{texts.text_cancel_hint}"
        return ask, ReplyKeyboardRemove()
    desk = services.library.desk(chat.data.get("desk", ""))
    name = html.escape(desk.name if desk else "")
    if step == CONTACT:
        share = KeyboardButton(texts.share_phone_button, request_contact=True)
        keyboard = ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)
        return texts.ask_contact.format(desk=name), keyboard
    return _summary(ctx, chat, texts.send_button)


def _exit_row(chat: Conversation, texts: TicketTexts) -> list[InlineKeyboardButton]:
    """✖️ 退出 under a question with buttons: the flow's 取消 (the same as /cancel)."""
    return [chat.button(texts.exit_button, TicketButton.CANCEL)]


def _summary(ctx: PufaContext, chat: Conversation, send_label: str) -> tuple[str, Markup]:
    """The message as it will be sent, with `send_label` on its 发送 button and 取消."""
    services = ctx.services
    texts = services.ui.tickets
    desk = services.library.desk(chat.data.get("desk", ""))
    summary = texts.confirm.format(
        category=html.escape(services.library.category_name(chat.data[CATEGORY])),
        town=html.escape(chat.data[TOWN]),
        desk=html.escape(desk.name if desk else ""),
        contact=html.escape(chat.data.get(CONTACT) or _no_contact(texts, chat.data[TEXT])),
        text=html.escape(chat.data[TEXT]),
    )
    buttons = [
        chat.button(send_label, TicketButton.SEND),
        chat.button(texts.cancel_button, TicketButton.CANCEL),
    ]
    return summary, InlineKeyboardMarkup([buttons])


def _no_contact(texts: TicketTexts, text: str) -> str:
    """No number shared: a phone number in the text (maybe someone else's, useful to staff)
    is sent as written, and the summary says staff will see it."""
    return texts.contact_in_text if has_phone_number(text) else texts.contact_none


async def show(update: Update, ctx: PufaContext, chat: Conversation, step: str) -> None:
    """Moves the chat to `step` (stored first: a restart resumes there) and asks it (the
    question asked before loses its buttons: `ask`; the contact, with a reply keyboard and a
    button, in two messages: `ask_with_keyboard`); the chat's first question comes under its
    title (however the chat was opened), and the first question after a sample desk was
    chosen says that nobody reads its messages."""
    title = _title(ctx, chat)
    warning = _sample_warning(ctx, chat, step)
    await chat.goto(step)
    text, markup = _prompt(ctx, chat, step, titled=bool(title))
    text = f"{warning}\n\n{text}" if warning else text
    text = f"{title}\n{text}" if title else text
    if not isinstance(markup, ReplyKeyboardMarkup):
        await ask(update, chat, text, markup)
        return
    # the contact: a reply keyboard (share my number) and a button need two messages
    texts = ctx.services.ui.tickets
    skip = chat.button(texts.no_contact_button, TicketButton.NO_CONTACT)
    await ask_with_keyboard(
        update, chat, (text, markup), (texts.contact_none, InlineKeyboardMarkup([[skip]]))
    )


async def show_summary(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The message as it is now (发送 was pressed under an older summary)."""
    await show(update, ctx, chat, CONFIRM)


def _title(ctx: PufaContext, chat: Conversation) -> str:
    """✉️ 留言给工作人员 and how to leave, above the chat's first question only."""
    if chat.data.get(TITLED):
        return ""
    chat.data[TITLED] = True
    return ctx.services.ui.tickets.ask_title


def _sample_warning(ctx: PufaContext, chat: Conversation, step: str) -> str:
    """Before the resident writes (or shares a number): the desk is a sample, once."""
    desk = ctx.services.library.desk(chat.data.get("desk", ""))
    if step not in (TEXT, CONTACT) or desk is None or not desk.sample:
        return ""
    if chat.data.get(SAMPLE_TOLD):
        return ""
    chat.data[SAMPLE_TOLD] = True
    return ctx.services.ui.tickets.sample_desk_ahead.format(desk=html.escape(desk.name))


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.tickets.wrong_input)
    await show(update, ctx, chat, chat.step)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.tickets.cancelled, ReplyKeyboardRemove())


def explain(ctx: PufaContext, problem: InputProblem) -> str:
    texts = ctx.services.ui.tickets
    if problem is InputProblem.TOO_LONG:
        return texts.text_too_long.format(max=MAX_TICKET_CHARS)
    return texts.text_no_letters if problem is InputProblem.NO_LETTERS else texts.text_empty


async def on_category(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    category = await picked(update, ctx, args, ctx.services.library.categories)
    if category is None:
        return
    chat.data[CATEGORY] = category.id
    await ask_next(update, ctx, chat)


async def on_town(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    town = await picked(update, ctx, args, towns_to_pick(ctx, chat))
    if town is not None:
        await _town_chosen(update, ctx, chat, town)


async def on_town_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A town typed (东山镇, 我在东山镇; read as /adviser reads it) works as well as its
    button; the message typed before its question is kept (`on_early_text`)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    matches = named(message.text, towns_to_pick(ctx, chat))
    if len(matches) == 1 and too_short(beside(message.text, matches[0])):
        await _town_chosen(update, ctx, chat, matches[0])
        return
    await on_early_text(update, ctx, chat)


async def on_early_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Text while the field or the town is asked: the resident's message, written before its
    question. It is kept (or added to what was kept) and the question asked again; what is
    too short to be a message is wrong input."""
    message = update.effective_message
    assert message is not None and message.text is not None
    texts = ctx.services.ui.tickets
    if TEXT in chat.data:
        if await _add_to_text(update, ctx, chat, message.text):
            await show(update, ctx, chat, chat.step)
        return
    try:
        text, hidden = resident_text(message.text)
    except InputError:
        text, hidden = "", False
    if too_short(text):
        await on_wrong_input(update, ctx, chat)
        return
    chat.data[TEXT] = text
    kept = f"{texts.numbers_hidden}\n{texts.text_kept}" if hidden else texts.text_kept
    await reply_html(update, kept)
    await show(update, ctx, chat, chat.step)


async def _town_chosen(update: Update, ctx: PufaContext, chat: Conversation, town: str) -> None:
    desks, category = ctx.services.library.desks, chat.data[CATEGORY]
    # the adviser asked for keeps the message (unless desks.yaml lost it meanwhile)
    desk = choose_desk(desks, town=town, category=category, desk_id=chat.data.get(ASKED, ""))
    desk = desk or choose_desk(desks, town=town, category=category)
    if desk is None:
        await chat.end(update)
        await reply_html(update, ctx.services.ui.tickets.no_desk.format(town=html.escape(town)))
        return
    chat.data[TOWN], chat.data["desk"] = town, desk.id
    await ask_next(update, ctx, chat)


async def on_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    texts = ctx.services.ui.tickets
    try:
        text, hidden = resident_text(message.text)
    except InputError as problem:
        await reply_html(update, explain(ctx, problem.problem))
        return
    if too_short(text):
        await reply_html(update, texts.text_too_short.format(min=MIN_TICKET_CHARS))
        return
    chat.data[TEXT] = text
    if hidden:
        await reply_html(update, texts.numbers_hidden)
    await show(update, ctx, chat, CONTACT)


async def on_contact_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Text where the phone number is asked: a typed mobile number shares it (as the button
    does); a wrong one is explained; anything else belongs to the message."""
    message = update.effective_message
    assert message is not None and message.text is not None
    texts = ctx.services.ui.tickets
    number = typed_number(message.text)
    if number is None:
        await reply_html(update, texts.phone_typed_bad)
    elif number:
        chat.data[CONTACT] = number
        await reply_html(update, texts.noted, ReplyKeyboardRemove())
        await show(update, ctx, chat, CONFIRM)
    else:
        await _add_to_text(update, ctx, chat, message.text)


async def on_confirm_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Text sent while the summary is shown belongs to the message: the summary again."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if await _add_to_text(update, ctx, chat, message.text):
        await show(update, ctx, chat, CONFIRM)


async def _add_to_text(update: Update, ctx: PufaContext, chat: Conversation, typed: str) -> bool:
    """A later bubble added to the message (card numbers hidden); False if it cannot be (too
    long altogether, or nothing to read), with the reason."""
    texts = ctx.services.ui.tickets
    try:
        text, hidden = resident_text(f"{chat.data[TEXT]}\n{typed}")
    except InputError as problem:
        if problem.problem is InputProblem.TOO_LONG:
            await reply_html(update, texts.text_full.format(max=MAX_TICKET_CHARS))
        else:
            await reply_html(update, explain(ctx, problem.problem))
        return False
    chat.data[TEXT] = text
    await chat.save()
    added = f"{texts.numbers_hidden}\n{texts.text_added}" if hidden else texts.text_added
    await reply_html(update, added)
    return True


async def on_contact(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    texts = ctx.services.ui.tickets
    contact = update.effective_message.contact if update.effective_message else None
    if contact is None or contact.user_id != chat.user_id:
        await reply_html(update, texts.phone_not_own)
        return
    try:
        chat.data[CONTACT] = parse_phone(contact.phone_number)
    except InputError:
        await reply_html(update, texts.phone_not_own)
        return
    await reply_html(update, texts.noted, ReplyKeyboardRemove())
    await show(update, ctx, chat, CONFIRM)


async def on_no_contact(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    await acknowledge(update)
    chat.data.pop(CONTACT, None)
    await reply_html(update, ctx.services.ui.tickets.noted, ReplyKeyboardRemove())
    await show(update, ctx, chat, CONFIRM)


async def offer_as_new(
    update: Update, ctx: PufaContext, ended: StoredTicket, text: str, hidden: bool
) -> bool:
    """A follow-up (`text`, card numbers already hidden) to a ticket that has ended is not
    lost: it becomes the draft of a new message (a restart keeps it) to the same desk, or the
    town's desk for the field if that one is gone, with the same field and town; the phone
    number goes with it only to the desk it was shared with. One tap sends it. An unfinished
    message of the resident's is not replaced: they are told to add the text there. A few
    words (谢谢) only hear that the ticket has ended. False when the resident was asked first
    about another chat holding answers (`begin`): giving it up sends the same text again."""
    services, texts = ctx.services, ctx.services.ui.tickets
    user = update.effective_user
    assert user is not None
    if too_short(text):  # 谢谢, 好的: nothing to send as a message of its own
        await reply_html(update, texts.ticket_closed)
        return True
    lead = texts.more_closed.format(id=ended.id)
    if hidden:
        lead = f"{texts.numbers_hidden}\n{lead}"
    desks = services.library.desks
    desk = choose_desk(desks, town=ended.town, category=ended.category, desk_id=ended.desk_id)
    desk = desk or choose_desk(desks, town=ended.town, category=ended.category)
    if desk is None:
        await reply_html(update, f"{lead}\n{texts.no_desk.format(town=html.escape(ended.town))}")
        return True
    async with services.db.session() as session:
        waiting = await waiting_of(session=session, resident_id=user.id)
    if waiting >= MAX_WAITING:
        await reply_html(update, f"{lead}\n{texts.too_many.format(count=waiting)}")
        return True
    if await services.chats.get(FLOW, user.id) is not None:
        await reply_html(update, f"{lead}\n{texts.more_closed_draft_open}")
        return True
    data: dict[str, Any] = {
        CATEGORY: ended.category, TOWN: ended.town, "desk": desk.id, TEXT: text,
    }  # fmt: skip
    if desk.kind == "village_adviser":
        data[ASKED] = desk.id
    if contact := ended.contact_for(desk.id):
        data[CONTACT] = contact
    data[GIVEN] = _given(data)
    chat = await begin(update, ctx, FLOW, CONFIRM, data)
    if chat is None:
        return False
    summary, markup = _summary(ctx, chat, texts.send_as_new_button)
    await ask(update, chat, f"{lead}\n{texts.more_closed_offer}\n\n{summary}", markup)
    return True
