"""Acting as Telegram users: every action builds the Update Telegram would send and queues it.

Each method returns the Update (a dict, as on the wire) and is synchronous: the bot sees
the update on its next getUpdates, so a test acts, then awaits what the bot does.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from local_api.formatting import detect_entities, utf16_len
from local_api.records import ADMIN_RIGHTS, FakeChat, FakeUser, find_button
from local_api.state import BotState
from local_api.utf8 import require_utf8

# Smallest valid JPEG (1x1), so a bot that opens user photos with an imaging library can.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e3334"
    "32ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999a"
    "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7"
    "e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)


class MessageLike(Protocol):
    """A message the bot sent: a :class:`SentMessage` or PTB's ``Message`` both fit."""

    @property
    def chat_id(self) -> int: ...

    @property
    def message_id(self) -> int: ...


UserRef = FakeUser | int
ChatRef = FakeChat | int | None
MessageRef = MessageLike | int  # an int is a message id in the user's chat (or ``chat``)


class UserActions:
    """Mixin for :class:`~local_api.server.LocalBotApi`: what users do."""

    state: BotState

    def user(
        self,
        user_id: int,
        first_name: str = "测试用户",
        username: str | None = None,
        *,
        language_code: str = "zh-hans",
    ) -> FakeUser:
        """A user (and their private chat with the bot); the same id replaces the profile."""
        require_utf8([first_name, username], "a user's name")
        user = FakeUser(user_id, first_name, username, language_code=language_code)
        return self.state.remember_user(user)

    def group(self, chat_id: int, title: str = "测试群", *, supergroup: bool = True) -> FakeChat:
        """A group chat; ``chat_id`` must be negative, as Telegram's group ids are."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title=title)
        self.state.chats[chat_id] = chat
        self.state.deleted.discard(chat_id)
        return chat

    def send_text(
        self, user: UserRef, text: str, *, chat: ChatRef = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """A text message; commands, mentions, hashtags and links get their entities."""
        require_utf8(text, "text")
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return self._message(user, chat, content, reply_to=reply_to)

    def send_command(self, user: UserRef, command: str, *, chat: ChatRef = None) -> dict[str, Any]:
        """``/start card_x``: like :meth:`send_text`, with a ``bot_command`` entity for sure."""
        require_utf8(command, "text")
        text = command if command.startswith("/") else f"/{command}"
        head = text.split(maxsplit=1)[0]
        entities = [e for e in detect_entities(text) if e["offset"] > 0]
        entities.insert(0, {"type": "bot_command", "offset": 0, "length": utf16_len(head)})
        return self._message(user, chat, {"text": text, "entities": entities})

    def send_location(
        self, user: UserRef, latitude: float, longitude: float, *, chat: ChatRef = None
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self._message(user, chat, {"location": location})

    def send_photo(
        self,
        user: UserRef,
        caption: str | None = None,
        *,
        data: bytes = TINY_JPEG,
        chat: ChatRef = None,
    ) -> dict[str, Any]:
        """A photo the bot can fetch with getFile and download, like a real one."""
        return self._message(user, chat, self._photo(data, caption))

    def send_album(
        self,
        user: UserRef,
        count: int,
        caption: str | None = None,
        *,
        order: Sequence[int] | None = None,
        data: Sequence[bytes] | None = None,
        chat: ChatRef = None,
    ) -> list[dict[str, Any]]:
        """An album of ``count`` photos (see :meth:`make_album`), its updates queued in
        ``order`` (indexes into the album; by default the album's), as Telegram may deliver
        them out of order. Returns the updates in the order queued."""
        album = self.make_album(user, count, caption, data=data, chat=chat)
        return [self.deliver(album[n]) for n in (order if order is not None else range(count))]

    def make_album(
        self,
        user: UserRef,
        count: int,
        caption: str | None = None,
        *,
        data: Sequence[bytes] | None = None,
        chat: ChatRef = None,
    ) -> list[dict[str, Any]]:
        """The messages of an album as Telegram makes them: one per photo, sharing a
        ``media_group_id``, the caption on the first. ``data`` is each photo's bytes (a tiny
        JPEG each by default). Not delivered yet: :meth:`deliver` queues each (some before a
        restart and the others after, say)."""
        images = list(data) if data is not None else [TINY_JPEG] * count
        if len(images) != count:
            raise ValueError(f"an album of {count} photos needs {count} images")
        sender = self._user(user)
        target = self._chat(sender, chat)
        group = {"media_group_id": str(self.state.serial())}
        return [
            self.state.new_message(
                target,
                sender.to_dict(),
                self._photo(image, caption if n == 0 else None) | group,
            )
            for n, image in enumerate(images)
        ]

    def forge(self, kind: str, payload: dict[str, Any], chat_id: int | None) -> dict[str, Any]:
        """Queues an update of ``kind`` carrying ``payload`` exactly as given, unchecked: for
        tests of how a bot copes with what Telegram should never send, such as a lone
        surrogate (it goes out as its JSON escape, ``\\ud83d``)."""
        return self.state.enqueue(kind, payload, chat_id, checked=False)

    def forge_text(self, user: UserRef, text: str, *, chat: ChatRef = None) -> dict[str, Any]:
        """A text message with ``text`` as given (no entities), unchecked (see :meth:`forge`)."""
        sender = self._user(user)
        target = self._chat(sender, chat)
        message = self.state.new_message(target, sender.to_dict(), {"text": text}, checked=False)
        return self.forge("message", message, target.id)

    def deliver(self, message: dict[str, Any]) -> dict[str, Any]:
        """Queues an update carrying a message already made (:meth:`make_album`); the same
        message twice is an update Telegram sends again."""
        return self.state.enqueue("message", message, message["chat"]["id"])

    def send_document(
        self,
        user: UserRef,
        file_name: str = "a.pdf",
        *,
        data: bytes = b"%PDF-1.4\n%%EOF\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat: ChatRef = None,
    ) -> dict[str, Any]:
        stored = self.state.store_file(data, "document", file_name, mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self._message(user, chat, content)

    def send_sticker(
        self, user: UserRef, emoji: str = "👍", *, chat: ChatRef = None
    ) -> dict[str, Any]:
        stored = self.state.store_file(b"RIFF0000WEBP", "sticker", mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._message(user, chat, {"sticker": sticker})

    def send_voice(
        self, user: UserRef, duration: int = 3, *, data: bytes = b"OggS", chat: ChatRef = None
    ) -> dict[str, Any]:
        stored = self.state.store_file(data, "voice", mime_type="audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._message(user, chat, {"voice": voice})

    def send_contact(
        self, user: UserRef, phone_number: str, *, own: bool = True, chat: ChatRef = None
    ) -> dict[str, Any]:
        """A shared contact; ``own`` is the "share my phone number" button's case."""
        sender = self._user(user)
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": sender.first_name}
        if own:
            contact["user_id"] = sender.id
        return self._message(sender, chat, {"contact": contact})

    def press(
        self, user: UserRef, message: MessageRef, data: str, *, chat: ChatRef = None
    ) -> dict[str, Any]:
        """Presses an inline button carrying ``data`` under ``message`` (as it is now).

        ``data`` is not checked against the keyboard, so stale or forged data can be sent.
        """
        sender = self._user(user)
        current = self._current(sender, message, chat)
        query_id = str(self.state.serial())
        self.state.open_queries.add(query_id)
        chat_id = current["chat"]["id"]
        callback = {
            "id": query_id,
            "from": sender.to_dict(),
            "chat_instance": str(abs(chat_id) * 7919 % 10**12),
            "message": dict(current),
            "data": data,
        }
        return self.state.enqueue("callback_query", callback, chat_id)

    def press_button(
        self, user: UserRef, message: MessageRef, text: str, *, chat: ChatRef = None
    ) -> dict[str, Any]:
        """Finds the inline button labelled ``text`` (on the message as it is now), presses it."""
        sender = self._user(user)
        current = self._current(sender, message, chat)
        button = find_button(current, text)
        if "callback_data" not in button:
            raise ValueError(f"button {text!r} has no callback_data: {button}")
        return self.press(
            sender, current["message_id"], button["callback_data"], chat=current["chat"]["id"]
        )

    def inline_query(
        self, user: UserRef, query: str, offset: str = "", *, chat_type: str = "sender"
    ) -> dict[str, Any]:
        sender = self._user(user)
        query_id = str(self.state.serial())
        self.state.open_queries.add(query_id)
        inline = {
            "id": query_id,
            "from": sender.to_dict(),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        return self.state.enqueue("inline_query", inline, None)

    def chosen_inline_result(
        self, user: UserRef, result_id: str, query: str = ""
    ) -> dict[str, Any]:
        chosen = {"result_id": result_id, "from": self._user(user).to_dict(), "query": query}
        return self.state.enqueue("chosen_inline_result", chosen, None)

    def my_chat_member(
        self,
        user: UserRef,
        status: str = "kicked",
        *,
        old_status: str = "member",
        chat: ChatRef = None,
    ) -> dict[str, Any]:
        """The user blocks (``kicked``) or unblocks (``member``) the bot; with ``chat`` (a
        group), the user removes the bot from it (``left``, ``kicked``), adds it (``member``)
        or makes it an admin (``administrator``)."""
        sender = self._user(user)
        target = self._chat(sender, chat)
        bot = self.state.bot_sender()
        new_member = _bot_member(bot, status)
        old_member = _bot_member(bot, old_status)
        update = {
            "chat": target.to_dict(),
            "from": sender.to_dict(),
            "date": int(time.time()),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        return self.state.enqueue("my_chat_member", update, target.id)

    def migrate_group(self, user: UserRef, group_id: int, supergroup_id: int) -> dict[str, Any]:
        """``user`` upgrades a group to a supergroup: the group gets the service message
        with ``migrate_to_chat_id``, the supergroup the one with ``migrate_from_chat_id`` (as
        Telegram sends both), and writes to the old id fail with that id from now on.
        Returns the old group's update."""
        self.state.chats[supergroup_id] = FakeChat(supergroup_id, "supergroup", title="超级群")
        update = self._message(user, group_id, {"migrate_to_chat_id": supergroup_id})
        self._message(user, supergroup_id, {"migrate_from_chat_id": group_id})
        self.state.migrated[group_id] = supergroup_id
        return update

    def edit_text(
        self, user: UserRef, message: MessageRef, text: str, *, chat: ChatRef = None
    ) -> dict[str, Any]:
        """The user edits a text message of theirs (``message``, as sent: an update's
        ``message`` or its id): the ``edited_message`` update, with new entities."""
        require_utf8(text, "text")
        sender = self._user(user)
        if isinstance(message, int):
            chat_id, message_id = self._chat(sender, chat).id, message
        else:
            chat_id, message_id = message.chat_id, message.message_id
        current = self.state.messages.get((chat_id, message_id))
        if current is None or current.get("from", {}).get("id") != sender.id:
            raise LookupError(f"no message {message_id} of user {sender.id} in chat {chat_id}")
        if "text" not in current:
            raise ValueError("only a text message can be edited here")
        edited = {k: v for k, v in current.items() if k != "entities"}
        edited |= {"text": text, "edit_date": int(time.time())}
        entities = detect_entities(text)
        if entities:
            edited["entities"] = entities
        self.state.messages[(chat_id, message_id)] = edited
        return self.state.enqueue("edited_message", edited, chat_id)

    def _photo(self, data: bytes, caption: str | None) -> dict[str, Any]:
        """A photo message's content: two sizes of one stored file (getFile serves both)."""
        stored = self.state.store_file(data, "photo", mime_type="image/jpeg")
        thumb_id = f"{stored.file_id}-s"
        self.state.files[thumb_id] = stored  # the small size serves the same bytes
        photo = [
            {
                "file_id": file_id,
                "file_unique_id": f"{stored.file_unique_id}-{side}",
                "width": side,
                "height": side,
                "file_size": len(data),
            }
            for file_id, side in ((thumb_id, 90), (stored.file_id, 800))
        ]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        return content

    def _user(self, user: UserRef) -> FakeUser:
        if isinstance(user, FakeUser):
            return self.state.users.get(user.id) or self.state.remember_user(user)
        return self.state.users.get(user) or self.user(user)

    def _chat(self, user: FakeUser, chat: ChatRef) -> FakeChat:
        if chat is None:
            return self.state.chat(user.id)
        return self.state.chat(chat if isinstance(chat, int) else chat.id)

    def _current(self, user: FakeUser, message: MessageRef, chat: ChatRef) -> dict[str, Any]:
        """The stored message a press refers to, in its current (possibly edited) state."""
        if isinstance(message, int):
            chat_id, message_id = self._chat(user, chat).id, message
        else:
            chat_id, message_id = message.chat_id, message.message_id
        current = self.state.messages.get((chat_id, message_id))
        if current is None:
            raise LookupError(f"no message {message_id} in chat {chat_id}")
        return current

    def _message(
        self,
        user: UserRef,
        chat: ChatRef,
        content: dict[str, Any],
        *,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        sender = self._user(user)
        target = self._chat(sender, chat)
        if reply_to is not None:
            replied = self.state.messages.get((target.id, reply_to))
            if replied is None:
                raise LookupError(f"no message {reply_to} in chat {target.id}")
            content = content | {"reply_to_message": replied}
        message = self.state.new_message(target, sender.to_dict(), content)
        return self.state.enqueue("message", message, target.id)


def _bot_member(bot: dict[str, Any], status: str) -> dict[str, Any]:
    """The bot as a ChatMember of ``status``, with the fields Telegram always sends for it."""
    member: dict[str, Any] = {"status": status, "user": bot}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "administrator":
        member |= ADMIN_RIGHTS
    return member
