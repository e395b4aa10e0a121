"""The words typed to end a guided chat or to go back (ui.zh.yaml's chat.cancel_words and
chat.back_words) are checked when the content loads: a word that is also a skip button's
(跳过, 完成) would end a chat where the resident meant to skip a step."""

from pathlib import Path

import pytest

from tests.content.content_copy import Edit, refused

CANCEL = "  cancel_words: [取消, 退出]\n"
BACK = "  back_words: [返回, 上一步, 后退]\n"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (CANCEL, "  cancel_words: [取消, 跳过]\n", "is also a skip button's word"),
        (BACK, "  back_words: [返回, 完成]\n", "is also a skip button's word"),
        (BACK, "  back_words: [返回, 取消]\n", "both a cancel and a back word"),
        (CANCEL, "  cancel_words: [取消, 退出!]\n", "a word of letters only"),
    ],
)
def test_the_check_refuses_a_typed_word_that_would_misread_a_chat(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    problems = refused(tmp_path, Edit("ui.zh.yaml", old, new))

    assert any(problem in str(found) for found in problems), [str(p) for p in problems]
