"""Small talk: a message that is only a greeting, a thanks, a goodbye or an ask for a person
("转人工"; `lexicon.yaml`, `small_talk`) is answered in kind instead of searched, so that "你好"
does not get "no card found" and does not count as a question the bot could not answer.
Anything more than the phrases and their fillers ("你好，我被拖欠工资了") is a question and is
searched as usual."""

import re
from enum import StrEnum

from content.analyzer import normalize
from content.models import SmallTalk

# What is neither a letter nor a digit nor a CJK character: punctuation, spaces, emoji.
_NOT_WORDS = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


class Talk(StrEnum):
    GREETING = "greeting"
    PERSON = "person"  # 人工, 转人工: offered a message to duty staff
    THANKS = "thanks"
    GOODBYE = "goodbye"


def _plain(text: str) -> str:
    return _NOT_WORDS.sub("", normalize(text))


class SmallTalkReader:
    """The phrases of `lexicon.yaml`'s small_talk, normalised once, longest first (built with
    the search index: every message a resident sends is read against them)."""

    def __init__(self, talk: SmallTalk) -> None:
        kinds = (
            (Talk.GREETING, talk.greetings),
            (Talk.PERSON, talk.people),
            (Talk.THANKS, talk.thanks),
            (Talk.GOODBYE, talk.goodbyes),
        )
        phrases = [(_plain(phrase), kind) for kind, group in kinds for phrase in group]
        self._phrases = sorted(((p, k) for p, k in phrases if p), key=lambda item: -len(item[0]))
        self._fillers = sorted(filter(None, map(_plain, talk.fillers)), key=len, reverse=True)

    def kind(self, message: str) -> Talk | None:
        """The kind of small talk `message` is, or None when it says anything more. An ask
        for a person wins, then thanks over a goodbye, a goodbye over a greeting ("你好，转人工"
        is offered staff, "好的谢谢再见" is thanked)."""
        rest = _plain(message)
        found: set[Talk] = set()
        for phrase, kind in self._phrases:
            if phrase in rest:
                rest = rest.replace(phrase, "")
                found.add(kind)
        for filler in self._fillers:
            rest = rest.replace(filler, "")
        if rest or not found:
            return None
        order = (Talk.PERSON, Talk.THANKS, Talk.GOODBYE, Talk.GREETING)
        return next(kind for kind in order if kind in found)
