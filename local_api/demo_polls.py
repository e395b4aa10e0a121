"""How the demo web chat shows a poll: structured for a page that draws it, and as safe
HTML (question and options with their counts) for one that only shows ``html``."""

from __future__ import annotations

import html
from typing import Any


def poll_view(poll: dict[str, Any]) -> dict[str, Any]:
    """The poll's state as the page needs it: options are voted by index (``/vote``)."""
    view = {
        key: poll[key]
        for key in (
            "id",
            "question",
            "type",
            "is_closed",
            "is_anonymous",
            "allows_multiple_answers",
            "total_voter_count",
        )
    }
    view["options"] = [
        {"index": index, "text": option["text"], "voter_count": option["voter_count"]}
        for index, option in enumerate(poll["options"])
    ]
    if poll["type"] == "quiz":
        view["correct_option_ids"] = poll.get("correct_option_ids", [])
        view["explanation"] = poll.get("explanation")
    return view


def poll_html(poll: dict[str, Any]) -> str:
    """``📊 question`` in bold, then one line per option with its vote count."""
    label = "测验" if poll["type"] == "quiz" else "投票"
    state = "（已结束）" if poll["is_closed"] else ""
    lines = [f"📊 <b>{html.escape(poll['question'])}</b>", f"<i>{label}{state}</i>"]
    for option in poll["options"]:
        lines.append(f"○ {html.escape(option['text'])} · {option['voter_count']}")
    return "\n".join(lines)
