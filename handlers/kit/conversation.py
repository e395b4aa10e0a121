"""One way to hold a guided chat.

Every guided chat (registration and profile edits, /report, /broadcast, the /scheduled and
/campaigns edits, /contest creation, the legal-aid pre-check, the adviser lookup, a resident's
message to a desk and the one-question ticket prompts) is a `Flow`, and
tests/e2e/test_guided_chats.py runs each through the same checks. A flow has named steps, each
saying which typed text, shared location, photo, contact, other message or buttons it takes. A
person's open chat is a draft row (storage.drafts) holding its step, its answers and the token
its buttons carry. `route` reads the row on every update, so after a
restart, or with another process serving the bot, the chat goes on exactly where the person is:

- a button of a flow goes to that flow's draft; one carrying another token (an older message, a
  forged press) or not taken by the current step is answered "expired"; one of a draft that has
  ended goes to the flow's `ended` handler (提交 pressed twice, for example), if the person
  has the flow's role (anyone else's is "expired" too);
- typed text and other messages in a private chat go to the person's most recently touched
  draft; what its step does not take gets the flow's `wrong_input` answer (the question again);
- commands are left to the command handlers, except /cancel, which ends the newest draft (as
  does a cancel word typed alone, 取消; a back word, 返回, is refused as an answer);
  /start, the menu's 💬 问个问题 and /legalaid end them all (`leave_open`), saying which by
  name (`title`), so what the person types or shares next is not taken by a forgotten chat;
- a chat holding answers the person gave (its flow's `answered`) is not thrown away unasked,
  neither by /start and the like nor by another chat starting (`begin`, the one way a
  feature opens a chat): they are asked first (`ask_leaving`), naming it, with 继续填写 (its
  question again, the flow's `resume`) and a 放弃 button saying what follows (放弃并开始
  “新建通知”), which ends it and then handles the update that asked once more, so the
  person gets what they asked for. The question's row keeps that update and the chat's
  token and revision; its buttons carry only the row's token, so a press after the chat
  moved on or ended, or forged, is answered "expired", and a restart loses nothing;
- a confirm or submit button under a summary card (a flow's `confirms`) also carries the
  draft's revision when it was drawn: the revision goes up whenever the draft's answers change
  (`Conversations.write` compares them with those last stored), so a press on a card that no
  longer shows the draft as it is now is refused, and the flow's `summary` draws the card
  again below (the person sees which one counts: the flows draw their cards with `ask`,
  below, which takes the old one's buttons off as it draws the new one, so its press came
  before they went, or from a client still showing them). A button from before revisions
  existed carries
  none and counts as revision 0, which every draft stored before then has: it is taken until
  the draft's first change after the upgrade (a card older than the draft's last change
  before the upgrade is not told apart);
- a flow that sends its questions with `ask` (registration and /profile corrections, /report
  with the answers to its photos, /broadcast and the /campaigns edit, whose cards come
  below their exact preview, /contest creation, the 退回 reason, the legal-aid pre-check,
  the adviser lookup, a message to staff) has the draft keep the one with
  buttons asked last (its message id, `Conversation.question`): asking the next question,
  or the same one again (something the step does not take was sent, a town typed was not
  found), first takes the buttons off that one (`replies.drop_buttons`), so only the
  question asked last can be pressed, whether the one before was answered by a button, by
  typing, or not at all; and a chat that ends leaves none behind either: ending it
  (`Conversation.end`, with the update it ends on: typed answers, /cancel, 取消, /start, a
  lost role; `tidy` after the transaction for one that ends with what it stored), the
  sweep timing it out, or /leave, /deleteme and a demotion ending it from outside
  (`Conversations.end_all`, once that is committed) takes the buttons off its last question.
  A reply keyboard a question put up (share my number, my location), which no edit takes
  off, is noted too, and the word an ending the flow does not speak for says (the sweep's,
  /start's, /leave's, /deleteme's) takes it down (`keyboard_gone`); a question asked in two
  messages for it (a keyboard and a 跳过 button: `ask_with_keyboard`) is noted once;
- a draft idle longer than its flow's `idle` counts as gone; a sweep deletes it and tells the
  person (in the flow's `timed_out` words, or the kit's general ones);
- a draft that corrects something already stored (the flow's `corrects` names it, such as a
  report reopened from /myreports) leaves it as it was when it ends unfinished: timed out,
  and in the question before giving it up, the kit says that only the changes are lost
  (`chat.correction_timed_out`, `chat.unfinished_correction`), not that nothing is saved;
- a flow may require a role (`role`), checked on every update: who lost it loses the draft;
- first of all, a reply to one of the bot's messages (in any chat) goes to the feature that
  knows that message (`Services.hooks.reply_to_bot`), such as a ticket's exchange.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    TypeHandler,
    filters,
)

from content.report_input import letters
from content.ui import UiTexts
from handlers.kit import callbacks, confirm
from handlers.kit.callbacks import Kind
from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.replies import (
    Markup,
    acknowledge,
    drop_buttons,
    drop_buttons_of,
    edit,
    reply_html,
)
from handlers.kit.roles import holds_role, in_private, own_chat_only, require_role
from storage import drafts as repo
from storage.db import Database, unavailable
from storage.models import Clock, Role

log = logging.getLogger(__name__)

T = TypeVar("T")
CONVERSATION_GROUP = -1  # after the guard, before every feature's handlers
SWEEP_SECONDS = 60
# People known to have no open guided chat, so their messages need no database read: most
# updates are residents' questions. Only this process writes drafts while it is the active
# instance (a standby starts with an empty memory), and every write goes through
# `Conversations.write`, which forgets the person first.
DRAFTLESS_REMEMBERED = 100_000

OnMessage = Callable[[Update, PufaContext, "Conversation"], Awaitable[None]]
OnButton = Callable[[Update, PufaContext, "Conversation", tuple[str, ...]], Awaitable[None]]
# A button of a draft that has ended: (update, ctx, token, action, args, the flow's draft
# open now if there is one).
OnEnded = Callable[
    [Update, PufaContext, str, str, tuple[str, ...], "Conversation | None"], Awaitable[None]
]


@dataclass(frozen=True)
class Step:
    """What one step takes. Buttons are keyed by their action (a feature's StrEnum value)."""

    text: OnMessage | None = None
    location: OnMessage | None = None
    photo: OnMessage | None = None
    contact: OnMessage | None = None
    other: OnMessage | None = None  # any message the handlers above do not take
    buttons: Mapping[str, OnButton] = field(default_factory=dict)

    def takes(self, message: Message) -> OnMessage | None:
        specific = (
            (message.text is not None, self.text),
            (message.location is not None, self.location),
            (bool(message.photo), self.photo),
            (message.contact is not None, self.contact),
        )
        return next((handler for fits, handler in specific if fits and handler), self.other)


@dataclass(frozen=True)
class Flow:
    name: str  # the draft row's flow (at most 16 characters)
    kind: Kind | None  # the callback kind of its buttons (None: it has none)
    steps: Mapping[str, Step]
    idle: timedelta
    wrong_input: OnMessage  # a message the current step does not take
    cancelled: OnMessage  # after /cancel (the draft is already gone)
    anywhere: Mapping[str, OnButton] = field(default_factory=dict)  # buttons of every step
    # What to tell when it ends for lack of replies; None: the kit's general text.
    timed_out: Callable[[Services], str] | None = None
    ended: OnEnded | None = None
    role: Role | None = None  # volunteers' or coordinators' chats: checked at every update
    # A one-question prompt (a new time, a new text): any other chat of the person that moves
    # on ends it, so an answer typed much later cannot land in a forgotten prompt.
    transient: bool = False
    # The actions acting on a summary card as drawn (确认, 提交): their buttons carry the
    # draft's revision, and a press with another one is refused; `summary` draws the card of
    # the draft as it is now (required with `confirms`).
    confirms: frozenset[str] = frozenset()
    summary: OnMessage | None = None
    # How many answers the person gave the draft holds (what a link or the command filled
    # in is none of them): with any, /start and the like (`leave_open`) and another chat's
    # start (`begin`) ask before ending or replacing it, and `resume` draws its current
    # step's question again for 继续填写. None: a chat that
    # holds nothing worth asking about (a lookup, a one-question prompt).
    answered: Callable[[Conversation], int] | None = None
    resume: OnMessage | None = None
    # A draft correcting something already stored: its name as people know it (报告 #3),
    # from the draft's answers; None for a draft making something new. Given up or timed
    # out, such a draft is said to lose only its changes (see the module's docstring).
    corrects: Callable[[Services, Mapping[str, Any]], str | None] | None = None

    def __post_init__(self) -> None:
        assert not self.confirms or self.summary is not None, self.name
        assert (self.answered is None) == (self.resume is None), self.name


@dataclass
class Conversation:
    """A person's open guided chat, as stored. Handlers change `data`, then `goto` a step
    (or `save` staying where it is), or `end` it; each writes the row at once."""

    flow: Flow
    user_id: int
    step: str
    token: str
    data: dict[str, Any]
    chats: Conversations
    revision: int = 0  # how many times the answers changed (see the module's docstring)
    stored: str = ""  # the answers as last read or written (`answers`), to see a change
    question: int | None = None  # the message id of its question with live buttons (`ask`)
    keyboard: bool = False  # a reply keyboard its questions put up may show (`ask`)
    ended: bool = False  # `end` was called: its question's buttons are to come off (`tidy`)

    def __post_init__(self) -> None:
        self.stored = self.stored or answers(self.data)

    async def goto(self, step: str) -> None:
        assert step in self.flow.steps, step
        self.step = step
        await self.chats.write(self)

    async def save(self) -> None:
        await self.chats.write(self)

    async def end(self, update: Update | None, session: AsyncSession | None = None) -> bool:
        """Deletes the draft; False if it was already gone (ended elsewhere, or replaced).
        Its question's buttons come off (`tidy`, with `update`, the update it ends on), so
        none is left to press. With `session`, in that transaction: a chat ends exactly when
        what it made is stored (a registration, a report), or not at all; the caller takes
        the buttons off (`tidy`) once it is committed, not while the transaction waits on
        Telegram."""
        self.ended = True
        gone = await self.chats.delete(self, session)
        if update is not None and session is None:
            await tidy(update, self)
        return gone

    def button(self, label: str, action: str, *args: str | int) -> InlineKeyboardButton:
        """One of this chat's buttons: it carries the draft's token (with the revision, for
        one of the flow's `confirms`: "<token>-<revision>"), then the action. Drawn after the
        answers it shows are stored: the revision is that of the stored draft."""
        assert self.flow.kind is not None, self.flow.name
        token = self.token
        if action in self.flow.confirms:
            assert self.stored == answers(self.data), f"{self.flow.name}: save before drawing"
            token = f"{token}-{self.revision}"
        data = callbacks.make(self.flow.kind, token, action, *args)
        return InlineKeyboardButton(label, callback_data=data)


def answers(data: dict[str, Any]) -> str:
    """A draft's answers in one canonical form, to compare."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def split_token(field: str) -> tuple[str, int | None]:
    """A button's token field as (token, revision): the revision is None when the field has
    none (a button not of `confirms`, or drawn before revisions existed), or is malformed."""
    token, dash, revision = field.partition("-")
    if not dash:
        return token, None
    return token, int(revision) if revision.isascii() and revision.isdigit() else -1


class _RecentIds:
    """A set of at most `size` ids; past that, the longest remembered are forgotten."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._ids: dict[int, None] = {}

    def __contains__(self, telegram_id: int) -> bool:
        return telegram_id in self._ids

    def add(self, telegram_id: int) -> None:
        self._ids[telegram_id] = None
        if len(self._ids) > self._size:
            del self._ids[next(iter(self._ids))]

    def discard(self, telegram_id: int) -> None:
        self._ids.pop(telegram_id, None)


class Conversations:
    """The flows (registered by the features) and their drafts."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self._flows: dict[str, Flow] = {}
        self._draftless = _RecentIds(DRAFTLESS_REMEMBERED)

    def add(self, flow: Flow) -> None:
        assert flow.name not in self._flows and len(flow.name) <= 16, flow.name
        assert flow.name[:1].isalpha(), flow.name  # "?…" rows are kit.confirm's questions
        assert flow.kind is None or self.flow_of(flow.kind) is None, flow.kind
        self._flows[flow.name] = flow

    def flow(self, name: str) -> Flow:
        return self._flows[name]

    def flow_of(self, kind: Kind) -> Flow | None:
        return next((f for f in self._flows.values() if f.kind is kind), None)

    async def start(
        self, name: str, user_id: int, step: str, data: dict[str, Any]
    ) -> Conversation:
        """A new draft of flow `name` (replacing an open one, whose buttons then expire:
        `begin` takes them off)."""
        chat = Conversation(self._flows[name], user_id, step, secrets.token_hex(4), data, self)
        await chat.goto(step)
        return chat

    async def open(self, user_id: int) -> list[Conversation]:
        """The person's drafts still open, the most recently touched first."""
        if user_id in self._draftless:
            return []
        now = self.clock()
        async with self.db.session() as session:
            rows = await repo.drafts_of(session=session, telegram_id=user_id)
        if not rows:
            self._draftless.add(user_id)
        found = []
        for row in rows:
            flow = self._flows.get(row.flow)
            if flow is not None and row.step in flow.steps and now - row.updated_at <= flow.idle:
                found.append(
                    Conversation(
                        flow,
                        user_id,
                        row.step,
                        row.token,
                        row.data,
                        self,
                        row.revision,
                        question=row.question,
                        keyboard=row.keyboard,
                    )
                )
        return found

    async def get(self, name: str, user_id: int) -> Conversation | None:
        """The person's open draft of flow `name`."""
        return next((c for c in await self.open(user_id) if c.flow.name == name), None)

    async def end_all(self, bot: Bot, user_id: int, *, flows: list[Flow] | None = None) -> bool:
        """Ends the person's drafts (of these flows only, when given): after /deleteme, or when
        a coordinator is demoted. Once that is committed, their questions lose their buttons
        (in the person's private chat, where `ask` keeps them), as the sweep's do. True if a
        reply keyboard one of them put up may still show: the caller's next word to the person
        takes it down (`keyboard_gone`)."""
        names = [f.name for f in flows] if flows is not None else None
        async with self.db.session() as session:
            gone = await repo.delete_drafts_of(session=session, telegram_id=user_id, flows=names)
        for draft in gone:
            if draft.question is not None:
                await drop_buttons_of(bot, user_id, draft.question)
        return any(draft.keyboard for draft in gone)

    async def end_role(self, bot: Bot, user_id: int, role: Role) -> bool:
        """Ends the person's chats that need `role` (they just lost it), as `end_all`."""
        return await self.end_all(
            bot, user_id, flows=[f for f in self._flows.values() if f.role is role]
        )

    async def write(self, chat: Conversation) -> None:
        prompts = [f.name for f in self._flows.values() if f.transient and f is not chat.flow]
        self._draftless.discard(chat.user_id)  # before the write: if it fails, we read again
        now = answers(chat.data)
        if now != chat.stored:
            chat.revision, chat.stored = chat.revision + 1, now
        async with self.db.session() as session:
            await repo.save_draft(
                session=session,
                flow=chat.flow.name,
                telegram_id=chat.user_id,
                step=chat.step,
                token=chat.token,
                data=chat.data,
                now=self.clock(),
                revision=chat.revision,
                question=chat.question,
                keyboard=chat.keyboard,
            )
            if prompts:
                await repo.delete_drafts_of(
                    session=session, telegram_id=chat.user_id, flows=prompts
                )

    async def note_question(self, chat: Conversation) -> None:
        """Stores `chat.question` and `chat.keyboard` alone (`ask`, once the question is
        sent): the step and the answers were stored before, and the draft's idle time does not
        start again."""
        async with self.db.session() as session:
            await repo.note_question(
                session=session,
                flow=chat.flow.name,
                telegram_id=chat.user_id,
                token=chat.token,
                question=chat.question,
                keyboard=chat.keyboard,
            )

    async def delete(self, chat: Conversation, session: AsyncSession | None = None) -> bool:
        if session is None:
            async with self.db.session() as own:
                return await self.delete(chat, own)
        return await repo.delete_draft(
            session=session, flow=chat.flow.name, telegram_id=chat.user_id, token=chat.token
        )

    async def take_idle(self) -> list[tuple[Flow, repo.StoredDraft]]:
        """Deletes the drafts idle too long; returns each one with its flow."""
        now = self.clock()
        cutoffs = {name: now - flow.idle for name, flow in self._flows.items()}
        async with self.db.session() as session:
            gone = await repo.take_idle_drafts(session=session, cutoffs=cutoffs)
        return [(self._flows[d.flow], d) for d in gone]


# --- the Telegram side ------------------------------------------------------------------------


async def route(update: Update, ctx: PufaContext) -> None:
    """Gives the update to the guided chat it belongs to; stops other handlers if it did."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    try:
        if await _reply_to_bot(update, ctx):
            raise ApplicationHandlerStop
        if update.callback_query is not None:
            taken = await _button(update, ctx, user.id)
        elif update.message is not None and chat.type == ChatType.PRIVATE:
            taken = not _is_command(update.message) and await _message(update, ctx, user.id)
        else:
            return
    except Exception as exc:
        if not unavailable(exc):
            raise
        # Without the database no chat's step can be read: what needs none (an answer to a
        # question) still works; what does gets one apology from the error handler.
        log.warning("database unreachable: guided chats are skipped for this update")
        return
    if taken:
        raise ApplicationHandlerStop


async def _reply_to_bot(update: Update, ctx: PufaContext) -> bool:
    """Whether a feature took this message as a reply to one of the bot's own messages."""
    message = update.message
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.from_user is None or replied.from_user.id != ctx.bot.id:
        return False
    if _is_command(message):  # type: ignore[arg-type]
        return False
    for hook in ctx.services.hooks.reply_to_bot:
        if await hook(update, ctx):
            return True
    return False


def _is_command(message: Message) -> bool:
    """A command as the command handlers see it (Telegram's bot_command entity at the start):
    a lone "/" or "/ 你好" is text for the step, not something no handler would take."""
    return bool(filters.COMMAND.filter(message))


async def _button(update: Update, ctx: PufaContext, user_id: int) -> bool:
    query = update.callback_query
    assert query is not None
    parsed = callbacks.parse(query.data)
    flow = ctx.services.chats.flow_of(parsed.kind) if parsed else None
    if parsed is None or flow is None:
        return False
    if not await own_chat_only(update, ctx):
        return True
    token, revision = split_token(parsed.args[0] if parsed.args else "")
    action = parsed.args[1] if len(parsed.args) > 1 else ""
    args = parsed.args[2:]
    chat = await ctx.services.chats.get(flow.name, user_id)
    if chat is None or chat.token != token:
        # Who lacks the flow's role (a resident pressing a report's button, forged or from
        # before they left) is only told it is stale, not how to begin such a chat.
        if flow.ended is not None and token and action and await _may_use(ctx, flow, user_id):
            await flow.ended(update, ctx, token, action, args, chat)  # e.g. 提交 pressed again
        else:
            await expired(update, ctx)
        return True
    if not await _allowed(update, ctx, chat):
        return True
    handler = chat.flow.steps[chat.step].buttons.get(action) or flow.anywhere.get(action)
    if handler is None:
        await expired(update, ctx)
        return True
    if action in flow.confirms and (revision or 0) != chat.revision:
        await outdated(update, ctx, chat)
        return True
    await handler(update, ctx, chat, args)
    return True


async def ask(
    update: Update, chat: Conversation, text: str, markup: Markup = None
) -> Message | None:
    """Sends one of the chat's questions (HTML); the message sent (None: the update has no
    chat). The question with buttons it asked before loses them first (answered, or asked
    again now), so only this one can be pressed; this one, if it has buttons, is kept in the
    draft as the one to take them off next time, and a reply keyboard it puts up (or takes
    down) is noted too, for the endings the flow does not speak for (`keyboard_gone`). Only
    in the person's private chat: a question asked elsewhere is sent, and nothing noted."""
    [sent] = await _ask(update, chat, [(text, markup)])
    return sent


async def ask_with_keyboard(
    update: Update,
    chat: Conversation,
    question: tuple[str, ReplyKeyboardMarkup],
    buttons: tuple[str, InlineKeyboardMarkup],
) -> None:
    """A question answered from a reply keyboard (📱 share my number) or by buttons (跳过): a
    message carries one kind of markup, so it is asked in two, the keyboard's first. As
    `ask`, noted once: the second is the chat's question with buttons, and the keyboard
    shows."""
    await _ask(update, chat, [question, buttons])


async def _ask(
    update: Update, chat: Conversation, messages: Sequence[tuple[str, Markup]]
) -> list[Message | None]:
    here = update.effective_chat
    own = here is not None and here.id == chat.user_id
    if own and chat.question is not None:
        await drop_buttons(update, chat.question)
    sent = [await reply_html(update, text, markup) for text, markup in messages]
    if not own:
        return sent
    last, (_, markup) = sent[-1], messages[-1]
    shown = last.message_id if last and isinstance(markup, InlineKeyboardMarkup) else None
    keyboard = chat.keyboard
    for _, each in messages:
        if isinstance(each, ReplyKeyboardMarkup | ReplyKeyboardRemove):
            keyboard = isinstance(each, ReplyKeyboardMarkup)
    if (shown, keyboard) != (chat.question, chat.keyboard):
        chat.question, chat.keyboard = shown, keyboard
        await chat.chats.note_question(chat)
    return sent


def keyboard_gone(shown: bool) -> ReplyKeyboardRemove | None:
    """The markup of the word an ending says (the sweep's, /start's, /leave's): takes down
    the reply keyboard an ended chat put up, when one may still `shown`."""
    return ReplyKeyboardRemove() if shown else None


async def tidy(update: Update, chat: Conversation) -> None:
    """An ended chat leaves no live buttons behind: the question it ended on (answered by
    typing, 取消 typed, /cancel, a lost role, /start) loses them. Only through an update from
    the person's own private chat, where the question is; a button pressed on the question
    itself is answered on it by its handler (the question edited to say what was done)."""
    here = update.effective_chat
    query = update.callback_query
    pressed = query.message.message_id if query is not None and query.message else None
    if not chat.ended or chat.question is None:
        return
    if chat.question != pressed and here is not None and here.id == chat.user_id:
        await drop_buttons(update, chat.question)
    chat.question = None


async def end_answered(update: Update, chat: Conversation) -> bool:
    """Ends the chat (`Conversation.end`) on a button under its question that the answer
    does not edit (a result follows below it): that question keeps its text but loses its
    buttons, before the result is said. For a typed answer, the same as `end`."""
    if update.callback_query is not None:
        await drop_buttons(update)
    return await chat.end(update)


async def show_answer(update: Update, chat: Conversation, text: str) -> None:
    """The question whose button was pressed now reads `text` (with the answer given), and
    has no buttons left for `ask` to take off."""
    await edit(update, text)
    message = update.callback_query.message if update.callback_query else None
    if message is not None and message.message_id == chat.question:
        chat.question = None


async def outdated(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A confirm pressed on a summary card drawn before the draft last changed: nothing is
    done; the card as the draft is now comes below."""
    assert chat.flow.summary is not None
    await acknowledge(update, ctx.services.ui.chat.outdated_card, alert=True)
    await chat.flow.summary(update, ctx, chat)


async def _message(update: Update, ctx: PufaContext, user_id: int) -> bool:
    message = update.message
    assert message is not None
    chats = await ctx.services.chats.open(user_id)
    if not chats:
        return False
    chat = chats[0]
    if await _allowed(update, ctx, chat) and not await _chat_word(update, ctx, chat):
        handler = chat.flow.steps[chat.step].takes(message) or chat.flow.wrong_input
        await handler(update, ctx, chat)
    return True


async def _chat_word(update: Update, ctx: PufaContext, chat: Conversation) -> bool:
    """Whether the message was one of the words every chat knows (`chat.cancel_words`,
    `chat.back_words` in ui.zh.yaml), typed alone: 取消 is the chat's 取消; 返回 is not an
    answer, and the person is told so rather than finding it saved as their village."""
    message = update.message
    word = letters(message.text) if message is not None and message.text else ""
    texts = ctx.services.ui.chat
    if word in texts.cancel_words:
        await _cancel(update, ctx, chat)
        return True
    if word in texts.back_words:
        await reply_html(update, texts.not_an_answer.format(word=html.escape(word)))
        return True
    return False


async def _may_use(ctx: PufaContext, flow: Flow, user_id: int) -> bool:
    """Whether the person has the flow's role (if it needs one), telling no one."""
    return flow.role is None or await holds_role(ctx.services, user_id, flow.role)


async def _allowed(update: Update, ctx: PufaContext, chat: Conversation) -> bool:
    """The flow's role check, at this update; who lost the role loses the draft, and the
    refusal takes down a reply keyboard its questions put up."""
    role, markup = chat.flow.role, keyboard_gone(chat.keyboard)
    if role is None or await require_role(update, ctx, role, chat.flow.name, markup):
        return True
    await chat.end(update)
    return False


async def expired(update: Update, ctx: PufaContext) -> None:
    """Answers an expired or forged button. With a guided chat open, /start (the usual
    advice) would end it or ask about it: the person is pointed at its latest prompt or
    /cancel instead."""
    user = update.effective_user
    ui = ctx.services.ui
    in_chat = user is not None and bool(await ctx.services.chats.open(user.id))
    await acknowledge(update, ui.stale_step if in_chat else ui.stale_button, alert=True)


async def pressed(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> bool:
    """Whether a button that takes no arguments came as it was made (then acknowledged); a
    press with arguments, forged, is answered as an expired button."""
    if args:
        await expired(update, ctx)
        return False
    await acknowledge(update)
    return True


async def picked(
    update: Update, ctx: PufaContext, args: tuple[str, ...], options: Sequence[T]
) -> T | None:
    """The item a list button names (its one argument, a 0-based index into `options`), with
    the press acknowledged; None, answered as an expired button, for anything else."""
    index = callbacks.index(args[0], len(options)) if len(args) == 1 else None
    if index is None:
        await expired(update, ctx)
        return None
    await acknowledge(update)
    return options[index]


def title(flow: Flow, ui: UiTexts) -> str:
    """The chat's name as people know it (`chat.flow_names` in ui.zh.yaml)."""
    return ui.chat.flow_names[flow.name]


class Leaving(StrEnum):
    """The buttons of the question about a chat holding answers (`leave_open`, `begin`)."""

    KEEP = "keep"  # 继续填写: the chat's question again
    DROP = "drop"  # 放弃…: it ends, then what the person asked for is done


# The row of the question asked (a kit.confirm question row, so lapsed ones go with those):
# the chat asked about, as it was then, and the request to carry out once it is dropped.
LEAVING = confirm.PREFIX + "leave"


def correcting(flow: Flow, services: Services, data: Mapping[str, Any]) -> str | None:
    """What a draft of `flow` with answers `data` corrects (the flow's `corrects`), if any."""
    return flow.corrects(services, data) if flow.corrects is not None else None


def answers_given(chat: Conversation) -> int:
    """How many answers the person gave the chat holds (0 for a flow without `answered`)."""
    return chat.flow.answered(chat) if chat.flow.answered is not None else 0


def holding(chats: Sequence[Conversation]) -> tuple[Conversation, int] | None:
    """The newest of the chats holding answers the person gave, with how many."""
    return next(((c, n) for c in chats if (n := answers_given(c)) > 0), None)


async def begin(
    update: Update, ctx: PufaContext, name: str, step: str, data: dict[str, Any]
) -> Conversation | None:
    """Opens a new chat of flow `name` at `step` for the person behind `update` (their open
    chat of that flow, if any, is replaced, and its question loses its buttons): the one way
    a feature starts a guided chat.
    While one of their chats holds answers they gave, nothing is replaced: in a private
    chat they are asked first (`ask_leaving`, naming the new chat on its 放弃 button) and
    None tells the caller to stop there; 放弃 ends that chat and handles the update again."""
    user = update.effective_user
    assert user is not None
    chats = ctx.services.chats
    here = await chats.open(user.id) if in_private(update) else []
    if (held := holding(here)) is not None:
        label = ctx.services.ui.chat.drop_for.format(name=title(chats.flow(name), ctx.services.ui))
        await ask_leaving(update, ctx, *held, label)
        return None
    chat = await chats.start(name, user.id, step, data)
    for replaced in (c for c in here if c.flow is chat.flow):
        replaced.ended = True  # its question is not the one to press any more
        await tidy(update, replaced)
    return chat


async def leave_open(update: Update, ctx: PufaContext) -> bool:
    """/start, 💬 问个问题 and /legalaid start afresh: the person's open chats end, and one
    line says which. One holding answers the person gave is not ended: they are asked first
    (the newest such chat: `ask_leaving`), and False tells the caller to stop there, the
    buttons deciding. True in a group (nothing is ended there) and without the database
    (nothing that could be read is ended)."""
    user = update.effective_user
    if user is None or not in_private(update):
        return True
    try:
        chats = await ctx.services.chats.open(user.id)
        held = holding(chats)
        if held is None:
            chats = [chat for chat in chats if await chat.end(update)]
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("database unreachable: open guided chats are left as they are")
        return True
    ui = ctx.services.ui
    if held is not None:
        await ask_leaving(update, ctx, *held, ui.chat.drop_button)
        return False
    if chats:
        names = html.escape(
            ui.list_separator.join(ui.quoted.format(name=title(chat.flow, ui)) for chat in chats)
        )
        shown = any(chat.keyboard for chat in chats)
        await reply_html(update, ui.chat.left_chats.format(names=names), keyboard_gone(shown))
    return True


async def ask_leaving(
    update: Update, ctx: PufaContext, chat: Conversation, count: int, drop_label: str
) -> None:
    """Asks whether to give up `chat`, which holds `count` answers, for what `update` asked.
    The question's row (`LEAVING`, one per person: asking again expires the older buttons)
    keeps the chat's flow, token and revision and the update itself, so the buttons carry
    only the row's token: a forged or stale press finds nothing to act on, and a restart
    loses nothing."""
    services, token = ctx.services, secrets.token_hex(4)
    asked = {"flow": chat.flow.name, "token": chat.token, "revision": chat.revision}
    async with services.db.session() as session:
        await repo.save_draft(
            session=session,
            flow=LEAVING,
            telegram_id=chat.user_id,
            step=LEAVING,
            token=token,
            data={**asked, "update": update.to_dict()},
            now=services.now(),
        )
        await repo.delete_drafts_before(
            session=session, prefix=confirm.PREFIX, before=services.now() - confirm.IDLE
        )
    ui = services.ui

    def button(label: str, action: Leaving) -> list[InlineKeyboardButton]:
        return [
            InlineKeyboardButton(label, callback_data=callbacks.make(Kind.LEAVE, token, action))
        ]

    corrected = correcting(chat.flow, services, chat.data)
    if corrected is not None:
        text = ui.chat.unfinished_correction.format(what=html.escape(corrected))
    else:
        text = ui.chat.unfinished.format(name=html.escape(title(chat.flow, ui)), count=count)
    markup = InlineKeyboardMarkup(
        [button(ui.chat.keep_button, Leaving.KEEP), button(drop_label, Leaving.DROP)]
    )
    await reply_html(update, text, markup)


async def _asked(
    ctx: PufaContext, user_id: int, token: str
) -> tuple[Conversation, dict[str, Any]] | None:
    """The chat the person's question with `token` asked about, if it is still as it was
    then, with the update that asked."""
    async with ctx.services.db.session() as session:
        rows = await repo.drafts_of(session=session, telegram_id=user_id)
    row = next((r for r in rows if r.flow == LEAVING and r.token == token), None)
    if row is None:
        return None
    chat = await ctx.services.chats.get(str(row.data.get("flow")), user_id)
    request = row.data.get("update")
    if chat is None or not isinstance(request, dict):
        return None
    if (chat.token, chat.revision) != (row.data.get("token"), row.data.get("revision")):
        return None
    return chat, request


async def on_leaving_button(update: Update, ctx: PufaContext) -> None:
    """继续填写 or 放弃… under the question (`ask_leaving`). Taken once, and only while the
    chat is as it was asked about (same token, same revision): else "expired", and nothing
    changes. 放弃 ends the chat and handles the update that asked once more, as if it came
    now: the command, link, button or message the person sent then (a button's press is
    answered as this one's)."""
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    args = parsed.args if parsed is not None else ()
    user = update.effective_user
    if len(args) != 2 or args[1] not in Leaving._value2member_map_ or user is None:
        await expired(update, ctx)
        return
    asked = await _asked(ctx, user.id, args[0]) if in_private(update) else None
    if asked is None:
        await expired(update, ctx)
        return
    chat, request = asked
    if not await _allowed(update, ctx, chat):
        return
    async with ctx.services.db.session() as session:
        first = await repo.delete_draft(
            session=session, flow=LEAVING, telegram_id=user.id, token=args[0]
        )
    if not first:  # a double press: the other one acts
        await expired(update, ctx)
        return
    await drop_buttons(update)
    if Leaving(args[1]) is Leaving.KEEP:
        await acknowledge(update)
        assert chat.flow.resume is not None
        await chat.save()  # the most recently touched: what is typed next answers it
        await chat.flow.resume(update, ctx, chat)
        return
    ui = ctx.services.ui
    if await chat.end(update):
        name = ui.quoted.format(name=title(chat.flow, ui))
        said = ui.chat.left_chats.format(names=html.escape(name))
        await reply_html(update, said, keyboard_gone(chat.keyboard))
    await _again(update, ctx, request)


async def _again(update: Update, ctx: PufaContext, request: dict[str, Any]) -> None:
    """Handles the stored update once more, in this update's turn (nothing of the person's
    can come between). A button's press takes this press's id, so it is answered once, as
    the press the person just made; for a message, this press is answered here."""
    query = update.callback_query
    assert query is not None
    if isinstance(request.get("callback_query"), dict):
        request = {**request, "callback_query": {**request["callback_query"], "id": query.id}}
    else:
        await acknowledge(update)
    application = ctx.application
    assert isinstance(application, PufaApplication)
    await application.replay_update(Update.de_json(request, ctx.bot))


async def on_cancel(update: Update, ctx: PufaContext) -> None:
    """/cancel ends the newest open chat, whichever it is; with none, what a feature has
    running for the person (`Services.hooks.cancel`)."""
    if update.effective_user is None:
        return
    chats = await ctx.services.chats.open(update.effective_user.id)
    if not chats:
        for cancel in ctx.services.hooks.cancel:
            if await cancel(update, ctx):
                return
        await reply_html(update, ctx.services.ui.volunteers.nothing_to_cancel)
        return
    await _cancel(update, ctx, chats[0])


async def cancel_button(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    """A flow's own 取消 button: the same as /cancel for that chat; the message it was
    pressed on keeps its text but no button."""
    await acknowledge(update)
    await drop_buttons(update)
    await _cancel(update, ctx, chat)


async def _cancel(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The chat ends and the person hears it in the flow's words (/cancel, 取消 pressed or
    typed)."""
    await chat.end(update)
    await chat.flow.cancelled(update, ctx, chat)


async def sweep(ctx: PufaContext) -> None:
    """The periodic job: drafts idle too long go, and the person is told (in the flow's own
    words where it has them)."""
    services = ctx.services
    for flow, draft in await services.chats.take_idle():
        user_id = draft.telegram_id
        if draft.question is not None:
            await drop_buttons_of(ctx.bot, user_id, draft.question)
        corrected = correcting(flow, services, draft.data)
        if corrected is not None:
            told = services.ui.chat.correction_timed_out.format(what=html.escape(corrected))
        elif flow.timed_out is not None:
            told = flow.timed_out(services)
        else:
            told = services.ui.chat_timed_out
        try:
            await ctx.bot.send_message(user_id, told, reply_markup=keyboard_gone(draft.keyboard))
        except TelegramError:
            log.warning("could not tell user %s their %s draft timed out", user_id, flow.name)


def register(app: PufaApplication) -> None:
    app.add_handler(TypeHandler(Update, route), group=CONVERSATION_GROUP)
    app.add_handler(CommandHandler("cancel", on_cancel))
    app.add_handler(CallbackQueryHandler(on_leaving_button, pattern=callbacks.pattern(Kind.LEAVE)))
    if app.job_queue is not None:
        app.job_queue.run_repeating(sweep, SWEEP_SECONDS, first=SWEEP_SECONDS, name="chat-sweep")
