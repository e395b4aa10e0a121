"""Native polls and quizzes: what the server keeps about each, votes, and closing.

The wire shapes follow the Bot API that python-telegram-bot 22.8 speaks (10.0): options
carry a ``persistent_id``, quizzes give ``correct_option_ids`` (a list), and every Poll has
``allows_revoting`` and ``members_only``, which PTB requires.

A bot receives ``poll`` updates (the new state) for the polls it sent, whenever votes or
the closed flag change, and ``poll_answer`` updates when a user votes in a non-anonymous
poll. A poll sent with ``open_period`` or ``close_date`` closes by the server's clock: the
next request, user action or :meth:`~local_api.server.LocalBotApi.tick` after that moment
closes it, and a held long poll wakes for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from local_api.records import FakeUser

if TYPE_CHECKING:
    from local_api.state import BotState


@dataclass
class PollRecord:
    """A poll the bot sent; ``poll`` is the Poll object as on the wire, kept current."""

    poll: dict[str, Any]
    chat_id: int
    message_id: int
    closes_at: float | None  # on the server's clock
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> option ids

    @property
    def is_quiz(self) -> bool:
        return bool(self.poll["type"] == "quiz")


def register(state: BotState, record: PollRecord) -> None:
    state.polls[record.poll["id"]] = record
    state.changed.fire()  # a held long poll recomputes when to wake


def seconds_to_next_close(state: BotState) -> float | None:
    """How long until the next timed poll closes (None when none is open and timed)."""
    pending = [at for at in map(_closes_at, state.polls.values()) if at is not None]
    return max(min(pending) - state.clock(), 0.0) if pending else None


def _closes_at(record: PollRecord) -> float | None:
    """When an open timed poll closes; None for closed and untimed ones."""
    return None if record.poll["is_closed"] else record.closes_at


def close_due(state: BotState) -> None:
    """Closes every poll whose time ran out, telling the bot as Telegram does."""
    now = state.clock()
    for record in list(state.polls.values()):
        closes_at = _closes_at(record)
        if closes_at is not None and closes_at <= now:
            close(state, record)


def close(state: BotState, record: PollRecord) -> None:
    record.poll["is_closed"] = True
    _publish(state, record)


def vote(state: BotState, user: FakeUser, record: PollRecord, option_ids: Sequence[int]) -> None:
    """``user`` chooses ``option_ids`` (empty: retracts), if the poll allows it.

    Raises ValueError for what a Telegram app would not let the user do.
    """
    close_due(state)
    poll = record.poll
    chosen = list(option_ids)
    if poll["is_closed"]:
        raise ValueError("the poll is closed")
    if len(set(chosen)) != len(chosen) or any(
        not 0 <= option < len(poll["options"]) for option in chosen
    ):
        raise ValueError(f"option ids must be distinct and in 0..{len(poll['options']) - 1}")
    if len(chosen) > 1 and not poll["allows_multiple_answers"]:
        raise ValueError("the poll allows one answer only")
    if user.id in record.votes and not poll["allows_revoting"]:
        raise ValueError("this poll does not allow changing the answer")
    if not chosen and user.id not in record.votes:
        raise ValueError("nothing to retract: the user has not voted")
    if chosen:
        record.votes[user.id] = sorted(chosen)
    else:
        del record.votes[user.id]
    if not poll["is_anonymous"]:
        answer = {
            "poll_id": poll["id"],
            "user": user.to_dict(),
            "option_ids": sorted(chosen),
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in sorted(chosen)],
        }
        state.enqueue("poll_answer", answer, record.chat_id)
    _publish(state, record)


def _publish(state: BotState, record: PollRecord) -> None:
    """Recounts the votes into the stored message and queues the ``poll`` update."""
    poll = record.poll
    for index, option in enumerate(poll["options"]):
        option["voter_count"] = sum(index in chosen for chosen in record.votes.values())
    poll["total_voter_count"] = len(record.votes)
    message = state.messages.get((record.chat_id, record.message_id))
    if message is not None:
        message["poll"] = snapshot(poll)
    state.enqueue("poll", snapshot(poll), record.chat_id)


def snapshot(poll: dict[str, Any]) -> dict[str, Any]:
    """A copy that later votes do not change (for messages, updates and the journal)."""
    return poll | {"options": [dict(option) for option in poll["options"]]}
