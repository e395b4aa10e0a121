"""Acting as users on the bot's polls: voting, and letting timed polls close."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from local_api.actors import ChatRef, MessageRef, UserActions, UserRef
from local_api.polls import close_due, vote


class PollActions(UserActions):
    """Mixin for :class:`~local_api.server.LocalBotApi`: users answering polls."""

    def answer_poll(
        self,
        user: UserRef,
        message: MessageRef,
        option_ids: Sequence[int],
        *,
        chat: ChatRef = None,
    ) -> list[dict[str, Any]]:
        """``user`` votes for ``option_ids`` in the poll of ``message`` (empty: retracts).

        Returns the updates queued: ``poll_answer`` when the poll is not anonymous, then
        ``poll`` with the new counts. Raises ValueError for a vote Telegram would not take
        (closed poll, several options in a single-answer poll, a second answer to a quiz).
        """
        sender = self._user(user)
        current = self._current(sender, message, chat)
        if "poll" not in current:
            raise ValueError(f"message {current['message_id']} has no poll")
        close_due(self.state)
        before = len(self.state.updates)
        vote(self.state, sender, self.state.polls[current["poll"]["id"]], option_ids)
        return self.state.updates[before:]

    def tick(self) -> None:
        """Applies what is due by the server clock now: timed polls close.

        Call it after advancing a :class:`~local_api.limits.ManualClock` while the bot
        waits in a long poll; any request or user action does the same.
        """
        close_due(self.state)
        self.state.changed.fire()
