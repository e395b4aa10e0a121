"""Every guided chat a feature opens goes through handlers.kit.conversation.begin, which asks
before it replaces a chat holding answers the person gave: no feature calls the kit's
`Conversations.start` (behind `begin`) itself. tests/e2e/test_guided_chats.py opens every flow
that way over a chat holding an answer."""

import ast
from pathlib import Path

HANDLERS = Path(__file__).parents[2] / "handlers"
KIT = HANDLERS / "kit" / "conversation.py"


def _starts(path: Path) -> list[int]:
    """The lines of `….chats.start(…)` calls in the file."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "start"
        and (
            (isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "chats")
            or (isinstance(node.func.value, ast.Name) and node.func.value.id == "chats")
        )
    ]


def test_no_feature_opens_a_chat_but_through_begin() -> None:
    found = {
        f"{path.relative_to(HANDLERS)}:{line}"
        for path in sorted(HANDLERS.rglob("*.py"))
        if path != KIT
        for line in _starts(path)
    }
    assert found == set()
    assert len(_starts(KIT)) == 1  # begin's own
