"""Dashboard edits of the content folder: checked on a copy first, written only if they pass,
the files' comments and layout kept."""

from pathlib import Path

import pytest

from content.editing import EditError, apply_checked, sample_question, synonym
from content.loader import load_library
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
