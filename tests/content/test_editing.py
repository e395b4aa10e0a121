"""Dashboard edits of the content folder: checked on a copy first, written only if they pass,
the files' comments and layout kept."""

import json
from pathlib import Path

import pytest

from content.editing import (
    EditError,
    EditRefused,
    Refusal,
    apply_checked,
    labelled_question,
    sample_question,
    synonym,
)
from content.learnt import NONE
from content.loader import Library, load_library
from tests.content.content_copy import copy_content


def test_sample_question_with_yaml_characters_round_trips(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    question = '押金: "退不回来", [怎么办] #急'
    library = apply_checked(content, sample_question("consumer-rights", question))
    assert question in library.cards["consumer-rights"].aliases
    assert question in load_library(content).cards["consumer-rights"].aliases


def test_synonym_joins_the_group_of_its_word_or_starts_one(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    before = (content / "lexicon.yaml").read_text(encoding="utf-8")
    library = apply_checked(content, synonym("工资条子", "工钱"))
    group = next(g for g in library.lexicon.synonyms if "工钱" in g)
    assert "工资条子" in group
    library = apply_checked(content, synonym("单车", "共享单车押金"))
    assert ["共享单车押金", "单车"] in library.lexicon.synonyms
    after = (content / "lexicon.yaml").read_text(encoding="utf-8")
    assert after.splitlines()[:10] == before.splitlines()[:10]  # comments kept


def test_an_edit_the_check_refuses_writes_nothing(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "unpaid-wages.md"
    before = card.read_text(encoding="utf-8")
    categories = content / "categories.yaml"
    categories.write_text(categories.read_text(encoding="utf-8") + "- id: Bad Id\n", "utf-8")
    with pytest.raises(EditError) as refused:
        apply_checked(content, sample_question("unpaid-wages", "工资到底什么时候能发"))
    assert any("categories.yaml" in problem for problem in refused.value.problems)
    assert card.read_text(encoding="utf-8") == before
    with pytest.raises(EditError):
        sample_question("unpaid-wages", "   ")


def test_a_labelled_question_is_appended_with_personal_numbers_masked(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    asked = content / "asked-questions.jsonl"
    asked.write_text(asked.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    before = asked.read_text(encoding="utf-8").splitlines()
    question = "宠物店卖的狗三天就死了 电话13912345678 身份证11010519491231002X"
    library = apply_checked(content, labelled_question(question, "consumer-rights"))
    lines = asked.read_text(encoding="utf-8").splitlines()
    assert lines[:-1] == before  # appended on a line of its own, nothing else touched
    row = json.loads(lines[-1])
    assert row == {
        "q": f"宠物店卖的狗三天就死了 电话{'*' * 11} 身份证{'*' * 18}",
        "expected": "consumer-rights",
        "note": "dashboard",
    }
    assert (row["q"], "consumer-rights") in library.asked


def test_a_labelled_question_starts_the_file_where_there_is_none(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "asked-questions.jsonl").unlink()
    library = apply_checked(content, labelled_question('广场舞"太吵"\\了', NONE))
    assert library.asked == [('广场舞"太吵"\\了', NONE)]
    with pytest.raises(EditError):
        labelled_question(" \n ", NONE)


def test_every_refusal_is_worded_in_the_text_catalogue(library: Library) -> None:
    """The dashboard words a refusal with dashboard.<refusal>, formatted with its values."""
    with pytest.raises(EditRefused) as refused:
        sample_question("unpaid-wages", "工资" * 40)
    assert refused.value.refusal is Refusal.QUESTION_TOO_LONG
    texts = library.ui.dashboard
    assert "60" in getattr(texts, refused.value.refusal.value).format(**refused.value.values)
    assert all(getattr(texts, refusal.value) for refusal in Refusal)
