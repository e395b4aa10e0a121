from collections.abc import Iterable
from pathlib import Path

from content.hotlines import Hotline, for_category, suggest
from content.loader import Library, collect
from tests.content.content_copy import copy_content, edit, named

REQUIRED = {"12348", "110", "96110", "12338", "12385", "12315", "12333", "12345", "12355"}
REQUIRED |= {"12309", "12368", "12356"}


def numbers(hotlines: Iterable[Hotline]) -> list[str]:
    return [h.number for h in hotlines]


def test_the_real_list_has_every_number_and_covers_every_category(library: Library) -> None:
    found = {h.number: h for h in library.hotlines}
    assert set(found) >= REQUIRED
    assert all(h.number.isdigit() and h.source.publisher for h in library.hotlines)
    assert {c.id for c in library.categories} <= {
        c for h in library.hotlines for c in h.categories
    }
    assert [h.number for h in library.hotlines if h.urgent] == ["110", "120", "119", "122"]
    assert found["110"].hours == "24小时" and found["12348"].hours is None
    assert not any(w.path == "hotlines.yaml" for w in library.warnings)


def test_the_field_picks_the_specialised_number_before_12348(library: Library) -> None:
    hotlines = library.hotlines
    assert numbers(for_category(hotlines, "labor")) == ["12333", "12348"]
    assert numbers(for_category(hotlines, "consumer")) == ["12315", "12348"]
    assert numbers(for_category(hotlines, "fraud")) == ["110", "96110", "12348"]
    assert numbers(for_category(hotlines, "legal_aid")) == ["12348"]
    assert numbers(for_category(hotlines, "disputes"))[0] == "12348"
    assert for_category(hotlines, "no-such-category") == []


def test_suggest_puts_an_emergency_first_then_keywords_then_the_field(library: Library) -> None:
    hotlines = library.hotlines
    assert numbers(suggest(hotlines, text="隔壁有人正在打人")) == ["110"]
    assert numbers(suggest(hotlines, text="我被骗了钱，是不是诈骗")) == ["110", "96110"]
    assert numbers(suggest(hotlines, text="这个电话是不是骗子", category="fraud")) == [
        "96110",
        "110",
    ]
    assert numbers(suggest(hotlines, category="labor")) == ["12333", "12348"]
    assert numbers(suggest(hotlines, text="打１２３１５有用吗")) == ["12315"]
    assert numbers(suggest(hotlines, text="残疾证怎么办", limit=1)) == ["12385"]
    assert suggest(hotlines, text="今天天气不错") == []


def test_problems_name_the_file_and_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "hotlines.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('number: "12309"', 'number: "12368"')  # a duplicate
    text = text.replace("categories: [youth]", "categories: [youngsters]")
    text = text.replace('number: "122"', 'number: "12-2"')
    text = text.replace("  name: 急救电话\n", "  name: 急救电话\n  fax: 1\n")
    text = text.replace("，找妇联。", "，打12338找妇联。")  # the line already starts with it
    path.write_text(text, encoding="utf-8")

    library, problems = collect(content)

    assert library is None
    found = {(p.path, p.field) for p in problems}
    assert ("hotlines.yaml", "number") in found
    assert (named(path, '- number: "12355"'), "categories") in found
    assert (named(path, '- number: "12-2"'), "number") in found
    assert (named(path, '- number: "120"'), "fax") in found
    assert (named(path, '- number: "12338"'), "for") in found
    assert any("12368" in p.message and "重复" in p.message for p in problems)


def test_a_category_without_any_number_is_a_note_not_an_error(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "hotlines.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("categories: [youth]", "categories: []")
    text = text.replace("consumer, youth, rural", "consumer, rural")
    path.write_text(text, encoding="utf-8")

    library, problems = collect(content)

    assert problems == [] and library is not None
    assert [str(w) for w in library.warnings if w.path == "hotlines.yaml"] == [
        "hotlines.yaml: categories: 分类 'youth' 没有对应的热线"
    ]


def test_without_the_file_there_are_no_hotlines(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "hotlines.yaml").unlink()
    (content / "safety.yaml").unlink()  # its notices show numbers of hotlines.yaml
    edit(content / "legal_aid.yaml", "    safety: violence_at_home\n", "")
    library, problems = collect(content)
    assert problems == [] and library is not None and library.hotlines == []
    assert [w.path for w in library.warnings if w.path == "safety.yaml"] == ["safety.yaml"]


def test_an_urgent_number_must_be_listed_as_an_emergency() -> None:
    import pytest
    from pydantic import ValidationError

    entry = {
        "number": "110",
        "name": "报警电话",
        "group": "field",
        "for": "正在发生违法犯罪时打。",
        "keywords": ["报警"],
        "urgent": True,
        "source": {"publisher": "公安", "reference": "全国统一", "checked": "公开常识"},
    }
    with pytest.raises(ValidationError, match="emergency"):
        Hotline.model_validate(entry)
    assert Hotline.model_validate({**entry, "group": "emergency"}).urgent
