"""Forwarded copies of the bot's messages: a user forwards one, buttons and all, into a group
or a chat, and presses its buttons there."""

from dataclasses import dataclass

from local_api import FakeChat, FakeUser, SentMessage
from tests.e2e.conftest import Harness


@dataclass(frozen=True)
class Copy:
    """A forwarded copy of one of the bot's messages (`forward`)."""

    chat_id: int
    message_id: int


def forward(bot: Harness, user: FakeUser, message: SentMessage, chat: FakeChat | None) -> Copy:
    """`user` forwards the bot's `message`, as it is now, buttons and all, to `chat` (None:
    their own private chat with the bot), as Telegram keeps a forwarded message's inline
    keyboard. Stored, not delivered: a bot sees no forwards in a group (privacy mode); only a
    press on the copy's buttons reaches it (`press_copy`)."""
    api = bot.api
    original = api.state.messages[(message.chat_id, message.message_id)]
    kept = {k: v for k, v in original.items() if k in ("text", "entities", "reply_markup")}
    origin = {"type": "user", "sender_user": original["from"], "date": original["date"]}
    target = chat or api.state.chat(user.id)
    copy = api.state.new_message(target, user.to_dict(), kept | {"forward_origin": origin})
    return Copy(target.id, copy["message_id"])


async def press_copy(bot: Harness, user: FakeUser, copy: Copy, data: str) -> str:
    """`user` presses a button carrying `data` under a forwarded `copy`: the alert's text."""
    update = bot.api.press(user, copy, data)
    return str((await bot.api.wait_for_answer(update)).get("text") or "")
