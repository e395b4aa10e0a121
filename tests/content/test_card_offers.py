"""What a card offers under it besides the usual buttons (front matter `offers`): checked by
`pufa content check`, and a note when the data an offer needs is missing."""

from pathlib import Path

from content.loader import Library, Problem, collect
from content.models import CARD_OFFERS
from handlers.residents.keyboards import OFFERED
from tests.content.content_copy import Edit, copy_content, refused

# The legal-aid cards that offered the pre-check when it went by their field.
AID_CHECK_CARDS = {
    "hotline-12348",
    "legal-aid-apply",
    "legal-aid-eligibility",
    "legal-service-centre",
    "notary",
    "village-legal-advisor",
}


def test_the_shipped_cards_offer_the_check_and_the_adviser_lookup(library: Library) -> None:
    offering = {c.id: c.offers for c in library.cards.values() if c.offers}
    assert {i for i, offers in offering.items() if "aid_check" in offers} == AID_CHECK_CARDS
    assert {i for i, offers in offering.items() if "adviser" in offers} == {
        "village-legal-advisor"
    }
    assert set(library.ui.residents.card_offers) == set(CARD_OFFERS) == set(OFFERED)


def test_an_unknown_offer_is_refused_naming_the_file_and_the_allowed_values(
    tmp_path: Path,
) -> None:
    edit = Edit("cards/unpaid-wages.md", "related: [", "offers: [lawyer]\nrelated: [")
    [problem] = refused(tmp_path, edit)
    assert str(problem) == (
        "cards/unpaid-wages.md: offers: 不认识 'lawyer'：只能写 aid_check（法律援助自测）、"
        "adviser（查村（社区）法律顾问）"
    )


def test_an_offer_listed_twice_is_refused(tmp_path: Path) -> None:
    edit = Edit("cards/unpaid-wages.md", "related: [", "offers: [adviser, adviser]\nrelated: [")
    [problem] = refused(tmp_path, edit)
    assert str(problem) == "cards/unpaid-wages.md: offers: 重复的 'adviser'"


def test_an_offer_whose_data_is_missing_is_a_note(tmp_path: Path) -> None:
    """Without advisers.yaml (advisers may still come from a CSV import) and without
    legal_aid.yaml (no pre-check to offer) the content is usable, and the check says what the
    cards' buttons will do."""
    content = copy_content(tmp_path)
    (content / "advisers.yaml").unlink()
    (content / "legal_aid.yaml").unlink()
    library, problems = collect(content)
    assert problems == [] and library is not None
    adviser = Problem(
        "cards/village-legal-advisor.md",
        "offers",
        "advisers.yaml 里没有法律顾问：按钮“查村（社区）法律顾问”会说还没有登记"
        "（用 pufa advisers import 导入后就有了）",
    )
    assert adviser in library.warnings
    aid = [w for w in library.warnings if w.field == "offers" and "legal_aid.yaml" in w.message]
    assert {w.path for w in aid} == {f"cards/{card}.md" for card in AID_CHECK_CARDS}
    assert aid[0].message == "没有 legal_aid.yaml：按钮“法律援助自测”不会显示"
