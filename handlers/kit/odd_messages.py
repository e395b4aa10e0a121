"""Messages that are not one person's one new message, before anything else sees them.

- An album (a media group) arrives as one message per photo. Where the person's guided chat
  takes photos (a report's photos) each is an answer; anywhere else (a step that wants text,
  no chat at all, a group) only its first message is handled, so the person is answered once,
  not once per photo.
- A message edited after it was sent (`edited_message`) is never handled as a new one: not
  as a guided chat's answer (the chat holds the answer as first sent), not as a question (an
  answer given to a chat already finished, a report's place, staff's reply to a resident,
  would get a legal card back), not as a command run again (an edited /start would end open
  chats). In a private chat the person is told, once, to send it again as a new message.

The guided chats themselves (handlers.kit.conversation) see only new messages."""

import html
import logging
from collections import OrderedDict

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.conversation import title
from handlers.kit.guard import GUARD_GROUP
from handlers.kit.replies import reply_html
from handlers.kit.roles import in_private
from storage.db import unavailable

log = logging.getLogger(__name__)

ALBUM_GROUP = GUARD_GROUP - 1  # before the guard: an album's later photos are not counted
EDIT_GROUP = GUARD_GROUP + 1  # after it (edits count against the person's limit), before chats
ALBUMS_REMEMBERED = 10_000  # chats whose latest album is remembered


class Albums:
    """The latest album seen in each chat (this process's memory: after a restart mid-album
    its rest may be answered once more)."""

    def __init__(self, size: int = ALBUMS_REMEMBERED) -> None:
        self._size = size
        self._latest: OrderedDict[int, str] = OrderedDict()

    def seen_before(self, chat_id: int, group_id: str) -> bool:
        """Whether an earlier message of album `group_id` came in this chat; notes this one."""
        seen = self._latest.get(chat_id) == group_id
        self._latest[chat_id] = group_id
        self._latest.move_to_end(chat_id)
        if len(self._latest) > self._size:
            self._latest.popitem(last=False)
        return seen

    async def __call__(self, update: Update, ctx: PufaContext) -> None:
        message = update.message
        if message is None or message.media_group_id is None:
            return
        if not self.seen_before(message.chat_id, message.media_group_id):
            return
        if message.chat.type == ChatType.PRIVATE and await _taken(ctx.services, message):
            return
        raise ApplicationHandlerStop


async def _taken(services: Services, message: Message) -> bool:
    """Whether the sender's open guided chat takes this message at its step (a photo step);
    without the database, whether it might (it is left to the chats to decide)."""
    user = message.from_user
    if user is None:
        return False
    try:
        chats = await services.chats.open(user.id)
    except Exception as exc:
        if not unavailable(exc):
            raise
        return True
    return bool(chats) and chats[0].flow.steps[chats[0].step].takes(message) is not None


async def on_edited(update: Update, ctx: PufaContext) -> None:
    """Never handled as a new message. In a private chat the person hears so once: naming
    their open chat, whose answer stays as first sent, or else that an edited question is not
    looked at again. In a group nothing is said (an edited reply of staff to a ticket's
    message is not a question for the bot, nor a second answer for the resident)."""
    user = update.effective_user
    if user is None or not in_private(update):
        raise ApplicationHandlerStop
    ui = ctx.services.ui
    try:
        chats = await ctx.services.chats.open(user.id)
    except Exception as exc:
        if not unavailable(exc):
            raise
        chats = []  # (the general words are true either way)
    if chats:
        name = html.escape(title(chats[0].flow, ui))
        await reply_html(update, ui.chat.edit_not_taken.format(name=name))
    else:
        await reply_html(update, ui.chat.edit_not_read)
    raise ApplicationHandlerStop


def register(app: PufaApplication) -> None:
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ATTACHMENT, Albums()),
        group=ALBUM_GROUP,
    )
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited), group=EDIT_GROUP)
