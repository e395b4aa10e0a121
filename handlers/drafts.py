"""Restart-safe guided chats: the conversation state of PTB's ConversationHandler is read back
from the draft rows (storage.drafts) that the handlers write on every step.

The handlers save the draft, step included, in the same update that changes the step, so a
crash loses nothing; `DraftPersistence.get_conversations` rebuilds the handler's state from
those rows when the Application starts. Drafts idle longer than their flow's timeout are
dropped then, as a running bot's conversation_timeout would have dropped them.
"""

import warnings
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from telegram.ext import BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey
from telegram.warnings import PTBUserWarning

from storage.db import Database
from storage.drafts import active_steps
from storage.models import Clock

Empty = dict[str, Any]


class DraftPersistence(BasePersistence[Empty, Empty, Empty]):
    """Persists conversations only (user/chat/bot data stay in memory, by design)."""

    def __init__(self, db: Database, idle: Mapping[str, timedelta], clock: Clock) -> None:
        nothing = PersistenceInput(
            bot_data=False, chat_data=False, user_data=False, callback_data=False
        )
        super().__init__(store_data=nothing)
        self.db = db
        self.clock = clock
        self.idle = dict(idle)
        self._migrated = False

    async def get_conversations(self, name: str) -> ConversationDict:
        if not self._migrated:
            # Called while the Application initialises, before on_startup migrates.
            await self.db.upgrade()
            self._migrated = True
        async with self.db.session() as session:
            steps = await active_steps(
                session=session,
                flow=name,
                idle=self.idle.get(name, timedelta(hours=2)),
                now=self.clock(),
            )
        return {(user_id, user_id): step for user_id, step in steps.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Nothing to do: the handlers wrote the draft (and its step) when it changed."""

    async def get_user_data(self) -> dict[int, Empty]:
        return {}

    async def get_chat_data(self) -> dict[int, Empty]:
        return {}

    async def get_bot_data(self) -> Empty:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: Empty) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Empty) -> None:
        return None

    async def update_bot_data(self, data: Empty) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: Empty) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Empty) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Empty) -> None:
        return None

    async def flush(self) -> None:
        return None


def conversation(**kwargs: Any) -> ConversationHandler[Any]:
    """A ConversationHandler whose button handlers are keyed per chat and user, not per
    message: that is what we want (one draft per person), so PTB's reminder is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="If 'per_message=False'", category=PTBUserWarning
        )
        return ConversationHandler(persistent=True, **kwargs)
