"""The start of /broadcast and its content: text typed, a message forwarded (or any media),
an album (its items come one message each: the first moves the draft on to the audience,
the others join it at whichever later step they arrive), or a topic card picked from the
buttons."""

from telegram import InlineKeyboardMarkup, Message, Update

from domain.answers import plain_text
from handlers.broadcasts.audience import audience_keyboard, count_recipients, when_question
from handlers.broadcasts.confirm import redraw
from handlers.broadcasts.draft import (
    AUDIENCE,
    CONFIRM,
    CONTENT,
    FLOW,
    WHEN,
    BroadcastButton,
    BroadcastDraft,
    draft_of,
    on_wrong_input,
    plan_problem,
    save,
)
from handlers.broadcasts.screens import renderer
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, ask, begin, expired
from handlers.kit.odd_messages import Albums
from handlers.kit.replies import acknowledge, edit, reply_html
from handlers.kit.roles import require_coordinator, require_private
from scheduler.messages import ALBUM_KINDS, AlbumItem
from scheduler.planning import PlanError, check_text


async def on_broadcast(update: Update, ctx: PufaContext) -> None:
    """/broadcast: a new draft (an open one is replaced)."""
    if not await require_private(update, ctx) or not await require_coordinator(
        update, ctx, "broadcast"
    ):
        return
    chat = await begin(update, ctx, FLOW, CONTENT, BroadcastDraft().data())
    if chat is not None:
        await ask(update, chat, ctx.services.ui.broadcasts.start, _start_keyboard(ctx, chat))


def _start_keyboard(ctx: PufaContext, chat: Conversation) -> InlineKeyboardMarkup:
    ui = ctx.services.ui.broadcasts
    return InlineKeyboardMarkup(
        [
            [
                chat.button(ui.pick_card_button, BroadcastButton.CARDS),
                chat.button(ui.cancel_button, BroadcastButton.CANCEL),
            ]
        ]
    )


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The question of the draft's step again, as a new message (继续填写): the copy asked
    before loses its buttons (`ask`)."""
    ui = ctx.services.ui.broadcasts
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    if chat.step == CONFIRM:
        await redraw(update, ctx, chat)
    elif chat.step == WHEN and draft.audience is not None:
        count = await count_recipients(ctx, draft.audience, draft.audience_value)
        name = renderer(ctx).audience_name(draft.audience, draft.audience_value)
        await ask(update, chat, *when_question(ctx, chat, name, count))
    elif chat.step == AUDIENCE:
        await ask(update, chat, ui.audience_prompt, audience_keyboard(ctx, chat))
    else:
        await ask(update, chat, ui.start, _start_keyboard(ctx, chat))


async def on_back_to_start(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    """⬅️ 返回 under the card categories: the first question again, in place."""
    await acknowledge(update)
    await edit(update, ctx.services.ui.broadcasts.start, _start_keyboard(ctx, chat))


async def on_content(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The text typed, or the message forwarded (or any media), as the broadcast's content."""
    message = update.effective_message
    assert message is not None
    ui = ctx.services.ui.broadcasts
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    if message.text and message.forward_origin is None:
        try:
            check_text(message.text)
        except PlanError as error:
            await reply_html(update, plan_problem(ctx, error.problem, message.text))
            return
        draft.content_kind, draft.text, draft.plain = "text", message.text_html, message.text
    elif (item := album_item(message)) is not None and message.media_group_id:
        draft.album_group = message.media_group_id
        _take_album_item(ctx, draft, message, item)
    else:  # a forwarded message or any media: recipients get an exact copy of it
        draft.content_kind, draft.source = "copy", (message.chat_id, message.message_id)
        draft.plain = message.text or message.caption or ui.copy_label
    await save(chat, draft, AUDIENCE)
    await ask(update, chat, ui.audience_prompt, audience_keyboard(ctx, chat))


class LaterMessages:
    """A message after the content (any step's `other`): another item of the album sent as
    the content joins it (at the confirmation, whose preview lacked it, the preview comes
    again); anything else gets the step's usual answer, an album once (`others`: this
    process's memory, as handlers.kit.odd_messages has it)."""

    def __init__(self) -> None:
        self.others = Albums()

    async def __call__(self, update: Update, ctx: PufaContext, chat: Conversation) -> None:
        message = update.effective_message
        assert message is not None
        draft = await draft_of(update, ctx, chat)
        if draft is None:
            return
        item, group = album_item(message), message.media_group_id
        if item is None or not draft.album_group or group != draft.album_group:
            if group is None or not self.others.seen_before(message.chat_id, group):
                await on_wrong_input(update, ctx, chat)
            return
        _take_album_item(ctx, draft, message, item)
        await save(chat, draft, chat.step)
        if chat.step == CONFIRM:
            await redraw(update, ctx, chat)


def album_item(message: Message) -> AlbumItem | None:
    """The message as an album's item: a photo (its largest size), a video, a document or an
    audio file, with its caption; None for any other message."""
    kind = next((k for k in ALBUM_KINDS if getattr(message, k)), None)
    if kind is None:
        return None
    media = message.photo[-1] if kind == "photo" else getattr(message, kind)
    return AlbumItem(kind, media.file_id, message.caption_html if message.caption else "")


def _take_album_item(
    ctx: PufaContext, draft: BroadcastDraft, message: Message, item: AlbumItem
) -> None:
    draft.take_album_item(message.chat_id, message.message_id, item)
    captions = (plain_text(i.caption) for _, i in draft.album if i.caption)
    draft.plain = next(captions, ctx.services.ui.broadcasts.copy_label)


async def on_cards(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    """Pick a card: first its category."""
    ui, library = ctx.services.ui.broadcasts, ctx.services.library
    rows = [[chat.button(c.name, BroadcastButton.CARD_CATEGORY, c.id)] for c in library.categories]
    rows.append(
        [
            chat.button(ui.back_button, BroadcastButton.BACK),
            chat.button(ui.cancel_button, BroadcastButton.CANCEL),
        ]
    )
    await acknowledge(update)
    await edit(update, ui.card_categories_prompt, InlineKeyboardMarkup(rows))


async def on_card_category(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    ui, library = ctx.services.ui.broadcasts, ctx.services.library
    if len(args) != 1 or not library.cards_in(args[0]):
        await expired(update, ctx)
        return
    rows = [[chat.button(c.title, BroadcastButton.CARD, c.id)] for c in library.cards_in(args[0])]
    rows.append([chat.button(ui.back_button, BroadcastButton.CARDS)])
    await acknowledge(update)
    await edit(update, ui.cards_prompt, InlineKeyboardMarkup(rows))


async def on_card(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    library = ctx.services.library
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    if len(args) != 1 or args[0] not in library.cards:
        await expired(update, ctx)
        return
    card = library.cards[args[0]]
    draft.content_kind, draft.card_id, draft.plain = "card", card.id, card.title
    draft.text, draft.source = "", None
    await save(chat, draft, AUDIENCE)
    await acknowledge(update)
    await edit(update, ctx.services.ui.broadcasts.audience_prompt, audience_keyboard(ctx, chat))
