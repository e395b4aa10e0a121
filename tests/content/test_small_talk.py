"""Small talk is recognised only when a message says nothing more, and its phrases are checked
like the rest of the content."""

import pytest

from content.loader import Library
from content.models import SmallTalk
from content.small_talk import SmallTalkReader, Talk


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("你好", Talk.GREETING),
        ("您好！！", Talk.GREETING),
        ("Hi 🙂", Talk.GREETING),
        ("在吗？", Talk.GREETING),
        ("谢谢老师", Talk.THANKS),
        ("thank you!", Talk.THANKS),
        ("好的谢谢再见", Talk.THANKS),
        ("再见了您嘞", Talk.GOODBYE),
        ("转人工", Talk.PERSON),
        ("你好，我要找人工客服", Talk.PERSON),
        ("人工！！", Talk.PERSON),
        ("你好，我被拖欠工资了", None),
        ("你是谁", None),
        ("hi 工资", None),
        ("好", None),
        ("", None),
        ("👍👍", None),
        ("你好" * 2000, Talk.GREETING),
    ],
)
def test_only_a_message_that_says_nothing_more_is_small_talk(
    library: Library, message: str, kind: Talk | None
) -> None:
    assert SmallTalkReader(library.lexicon.small_talk).kind(message) == kind


def test_repeated_or_empty_phrases_are_refused() -> None:
    with pytest.raises(ValueError, match="重复"):
        SmallTalk(greetings=["你好"], thanks=["你好"])
    with pytest.raises(ValueError, match="空"):
        SmallTalk(goodbyes=[" "])
