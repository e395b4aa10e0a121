from pathlib import Path

from content.loader import CONTENT_DIR, Library, collect, load_library, split_front_matter
from content.models import TELEGRAM_TEXT_LIMIT
from tests.content.content_copy import Edit, copy_content, refused

REQUIRED_CATEGORIES = {
    "constitution",
    "civil_code",
    "labor",
    "legal_aid",
    "mediation",
    "disputes",
    "fraud",
    "consumer",
    "youth",
    "rural",
    "security",
    "pufa",
}


def test_every_real_card_loads_and_is_complete(library: Library) -> None:
    assert len(library.cards) >= 60
    assert {c.category for c in library.cards.values()} >= REQUIRED_CATEGORIES
    for card in library.cards.values():
        assert card.keywords and card.sources
        assert len(card.body) < TELEGRAM_TEXT_LIMIT
        assert all(s.seed in library.seeds for s in card.sources)


def test_real_content_has_no_problems() -> None:
    _, problems = collect(CONTENT_DIR)
    assert problems == []


def test_check_reports_file_and_field_of_each_problem(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "unpaid-wages.md"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("category: labor", "category: nonsense"), encoding="utf-8")
    (content / "cards" / "broken.md").write_text("no front matter", encoding="utf-8")
    dup = content / "cards" / "copy.md"
    dup.write_text(
        text.replace("id: unpaid-wages", "id: copy").replace(
            "related: [labor-arbitration", "related: [no-such-card"
        ),
        encoding="utf-8",
    )

    library, problems = collect(content)

    assert library is None
    messages = [str(p) for p in problems]
    assert any("unpaid-wages.md: category" in m for m in messages)
    assert any(m.startswith("cards/broken.md") for m in messages)
    assert any("copy.md: related" in m and "no-such-card" in m for m in messages)


def test_a_pointer_to_another_card_must_use_a_title_it_has(tmp_path: Path) -> None:
    """Residents look for the card a text points to by its button's title."""
    text = (CONTENT_DIR / "cards" / "unpaid-wages.md").read_text(encoding="utf-8")
    assert "详见“怎么向劳动保障监察投诉”" in text  # the first question of that card's title
    card = Edit("cards/unpaid-wages.md", "详见“劳动仲裁怎么申请”", "详见“劳动仲裁”")
    [problem] = refused(tmp_path, card)
    assert str(problem) == "cards/unpaid-wages.md: 正文: “劳动仲裁”不是哪张卡片的标题"


def test_unknown_front_matter_field_is_an_error_not_ignored(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "unpaid-wages.md"
    card.write_text(
        card.read_text(encoding="utf-8").replace("---\n", "---\nauthor: me\n", 1), encoding="utf-8"
    )
    _, problems = collect(content)
    assert any(p.field == "author" for p in problems)


def test_body_over_telegram_limit_is_rejected(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "unpaid-wages.md"
    card.write_text(
        card.read_text(encoding="utf-8") + "长" * TELEGRAM_TEXT_LIMIT, encoding="utf-8"
    )
    _, problems = collect(content)
    assert any(p.path == "cards/unpaid-wages.md" and p.field == "body" for p in problems)


def test_lexicon_entries_that_would_block_a_card_keyword_are_reported(tmp_path: Path) -> None:
    problems = refused(
        tmp_path, Edit("lexicon.yaml", "everyday_asks:\n", "everyday_asks:\n  - [欠薪, 违法]\n")
    )

    messages = [str(p) for p in problems]
    assert any(m.startswith("cards/unpaid-wages.md: keywords") and "欠薪" in m for m in messages)
    assert any("lexicon.yaml: everyday_asks" in m and "违法" in m for m in messages)


def test_intent_groups_must_name_two_existing_cards_once_each(tmp_path: Path) -> None:
    groups = "intents:\n  - no-such-card: [怎么办]\n    loan-iou: [写借条]\n  - notary: [公证处]\n"
    problems = refused(tmp_path, Edit("lexicon.yaml", "intents:\n", groups))

    messages = [str(p) for p in problems if p.path == "lexicon.yaml"]
    assert any("intents[1]" in m and "no-such-card" in m for m in messages)
    assert any("intents[2]" in m and "两张" in m for m in messages)
    assert any("loan-iou" in m and "两组" in m for m in messages)
    assert any("notary" in m and "两组" in m for m in messages)


def test_contested_decisions_must_name_existing_cards(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        Edit(
            "lexicon.yaml",
            "  cards: [admin-reconsideration, admin-litigation]",
            "  cards: [admin-reconsideration, no-such-card]",
        ),
    )

    messages = [str(p) for p in problems if p.path == "lexicon.yaml"]
    assert any("contested_decisions" in m and "no-such-card" in m for m in messages)


def test_missing_ui_text_fails_loading(tmp_path: Path) -> None:
    problems = refused(tmp_path, Edit("ui.zh.yaml", "too_fast:", "too_fats:"))
    assert {p.field for p in problems if p.path == "ui.zh.yaml"} >= {"too_fast", "too_fats"}


def test_front_matter_split() -> None:
    head, body = split_front_matter("---\nid: x\n---\nbody text\n")
    assert head.strip() == "id: x"
    assert body == "body text"


def test_load_library_is_ordered_by_category(library: Library) -> None:
    order = [c.id for c in library.categories]
    positions = [order.index(c.category) for c in library.cards.values()]
    assert positions == sorted(positions)
    assert load_library().cards.keys() == library.cards.keys()
