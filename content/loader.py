"""Reads the content folder into a `Library`, collecting every problem, not just the first."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from content.advisers import Adviser, load_advisers
from content.analyzer import normalize
from content.asked import ASKED_FILE, load_asked
from content.campaigns import Campaign, load_campaigns
from content.case_library import Case
from content.check_text import check_text, listed
from content.checks import declared_ids
from content.csv_headers import CSV_HEADERS_FILE, CsvLayouts, load_csv_headers
from content.desks import Desk, load_desks
from content.directory import DirectoryEntry, PointKinds, load_directory, load_point_kinds
from content.extras import load_extras
from content.frontmatter import split_front_matter
from content.hotlines import Hotline, load_hotlines
from content.indicators import Indicator
from content.learnt import QuestionFeatures
from content.legal_aid import LegalAidCriteria, load_legal_aid
from content.models import CARD_OFFERS, Card, Category, Lexicon, OutsideQuestions, Seed, Town
from content.office_hours import Holidays, load_holidays
from content.problems import (
    Problem,
    duplicates,
    entry_values,
    parse_yaml,
    unknown_category,
    unreadable,
)
from content.problems import load_list as _load_list
from content.problems import load_one as _load_one
from content.problems import validate as _validate
from content.quiz import QuizQuestion
from content.recognition import Recognition
from content.safety import SafetyKind, load_safety
from content.search import SearchIndex
from content.typed_examples import example_problems
from content.typed_words import TypedWords
from content.ui import UiTexts

CONTENT_DIR = Path(__file__).resolve().parent
RECOMMENDED_BODY_CHARS = 800


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Library:
    cards: dict[str, Card]
    categories: list[Category]
    seeds: dict[str, Seed]
    lexicon: Lexicon
    ui: UiTexts
    point_kinds: PointKinds  # kinds of legal service point (point_kinds.yaml)
    csv: CsvLayouts  # the column names of coordinators' CSVs (csv_headers.yaml)
    typed_words: TypedWords  # days and periods said in a word (typed_words.yaml)
    warnings: list[Problem] = field(default_factory=list)
    towns: list[Town] = field(default_factory=list)  # where volunteers work (towns.yaml)
    campaigns: list[Campaign] = field(default_factory=list)  # the yearly calendar
    hotlines: list[Hotline] = field(default_factory=list)  # which number for which problem
    safety: list[SafetyKind] = field(default_factory=list)  # messages that signal danger
    legal_aid: LegalAidCriteria | None = None  # the legal-aid pre-check chat
    desks: list[Desk] = field(default_factory=list)  # where residents' messages to staff go
    holidays: Holidays | None = None  # days the desks are closed, 调休 working days
    advisers: list[Adviser] = field(default_factory=list)  # 一村（社区）一法律顾问
    cases: dict[str, Case] = field(default_factory=dict)  # 以案释法 case cards (cases/)
    quiz: list[QuizQuestion] = field(default_factory=list)  # 知识竞赛 questions (quiz.yaml)
    indicators: list[Indicator] = field(default_factory=list)  # 考核评价指标 (indicators.yaml)
    recognition: Recognition | None = None  # volunteer star levels (recognition.yaml)
    outside: list[str] = field(default_factory=list)  # questions no card is for (outside.yaml)
    # the legal service points a fresh database starts with (directory.yaml: sample entries)
    directory: list[DirectoryEntry] = field(default_factory=list)
    # residents' questions with the card each wants (asked-questions.jsonl)
    asked: list[tuple[str, str]] = field(default_factory=list)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def category_name(self, category_id: str) -> str:
        """The category's name (its id if the content no longer has it: a stored ticket's)."""
        return next((c.name for c in self.categories if c.id == category_id), category_id)

    def desk(self, desk_id: str) -> Desk | None:
        """The desk with this id, None if gone from desks.yaml (a stored ticket's)."""
        return next((d for d in self.desks if d.id == desk_id), None)

    def desk_name(self, desk_id: str) -> str:
        """The desk's name (its id if gone from desks.yaml: a stored ticket's)."""
        desk = self.desk(desk_id)
        return desk_id if desk is None else desk.name

    def cards_in(self, category_id: str) -> list[Card]:
        return [card for card in self.cards.values() if card.category == category_id]

    def cases_for(self, card_id: str) -> list[Case]:
        """The case cards that illustrate a topic card."""
        return [case for case in self.cases.values() if card_id in case.cards]


def load_library(content_dir: Path | None = None) -> Library:
    library, problems = collect(content_dir or CONTENT_DIR)
    if problems or library is None:
        raise ContentError(problems)
    return library


def build_index(library: Library, features: QuestionFeatures | None = None) -> SearchIndex:
    """The search index of the library's cards, with its cases in an index of their own;
    `features` keeps the labelled questions' features for the next build (SearchIndex)."""
    return SearchIndex(
        library.cards.values(),
        library.lexicon,
        cases=library.cases.values(),
        outside=library.outside,
        asked=library.asked,
        safety=library.safety,
        features=features,
    )


def collect(content_dir: Path) -> tuple[Library | None, list[Problem]]:
    """Load everything and return the library (None if unusable) with all problems found."""
    problems: list[Problem] = []
    categories = entry_values(_load_list(content_dir / "categories.yaml", Category, problems))
    seeds = entry_values(_load_list(content_dir / "seeds.yaml", Seed, problems, keys=("file",)))
    lexicon = _load_one(content_dir / "lexicon.yaml", Lexicon, problems)
    ui = _load_one(content_dir / "ui.zh.yaml", UiTexts, problems)
    towns_file = content_dir / "towns.yaml"  # optional: without it, volunteers type a town
    towns = (
        entry_values(_load_list(towns_file, Town, problems, keys=("town",)))
        if towns_file.exists()
        else []
    )
    outside_file = content_dir / "outside.yaml"  # optional: no out-of-scope samples without it
    outside = (
        _load_one(outside_file, OutsideQuestions, problems) if outside_file.exists() else None
    )
    card_files = sorted((content_dir / "cards").glob("*.md"))
    cards = [c for p in card_files if (c := _card(p, problems))]
    # a card that fails to load is reported once, where it is, not by every file naming it
    card_ids = {p.stem for p in card_files}
    if not cards:
        problems.append(Problem("cards/", "", check_text("cards.none")))
    _check_ids(categories, "id", "categories.yaml", problems)
    _check_cards(cards, card_ids, {c.id for c in categories}, {s.file for s in seeds}, problems)
    category_ids = {c.id for c in categories}
    campaigns = load_campaigns(
        content_dir / "campaigns.yaml",
        categories=category_ids,
        cards=card_ids,
        towns={t.town for t in towns},
        problems=problems,
    )
    notes: list[Problem] = []  # worth a look, but the content is usable
    hotlines = load_hotlines(
        content_dir / "hotlines.yaml", categories=category_ids, problems=problems, notes=notes
    )
    safety = load_safety(
        content_dir / "safety.yaml",
        numbers=_declared(content_dir / "hotlines.yaml", "number"),
        cards=card_ids,
        notices=set(ui.residents.safety_notices) if ui is not None else None,
        problems=problems,
        notes=notes,
    )
    seed_files = {s.file for s in seeds}
    legal_aid = load_legal_aid(
        content_dir / "legal_aid.yaml",
        seeds=seed_files,
        safety=_declared(content_dir / "safety.yaml", "id"),
        problems=problems,
    )
    desks = load_desks(
        content_dir / "desks.yaml",
        towns={t.town: t.places for t in towns},
        categories=category_ids,
        problems=problems,
        notes=notes,
    )
    holidays = load_holidays(content_dir / "holidays.yaml", problems)
    advisers = load_advisers(
        content_dir / "advisers.yaml", towns=towns, problems=problems, notes=notes
    )
    notes.extend(_offer_notes(cards, legal_aid=legal_aid, advisers=advisers))
    extras, found, extra_notes = load_extras(content_dir, cards)
    notes.extend(Problem(path, where, message) for path, where, message in extra_notes)
    problems.extend(Problem(path, where, message) for path, where, message in found)
    if lexicon is not None:
        _check_lexicon(lexicon, cards, card_ids, problems)
    if outside is not None:
        _check_outside(outside, cards, notes)
    asked = load_asked(content_dir / ASKED_FILE, card_ids, notes)
    point_kinds = load_point_kinds(content_dir / "point_kinds.yaml", problems)
    csv = load_csv_headers(content_dir / CSV_HEADERS_FILE, problems)
    typed_words = _load_one(content_dir / "typed_words.yaml", TypedWords, problems)
    if ui is not None and typed_words is not None:
        problems.extend(example_problems(ui, typed_words))
    # optional: without it a fresh database has no service points until a CSV is imported
    directory = load_directory(content_dir / "directory.yaml", point_kinds, problems)
    if (
        problems
        or lexicon is None
        or ui is None
        or point_kinds is None
        or csv is None
        or typed_words is None
    ):
        return None, problems
    order = {c.id: i for i, c in enumerate(categories)}
    ordered = sorted(cards, key=lambda c: (order[c.category], c.id))
    warnings = [
        Problem(
            f"cards/{c.id}.md",
            "body",
            check_text("cards.long_body", length=len(c.body), limit=RECOMMENDED_BODY_CHARS),
        )
        for c in ordered
        if len(c.body) > RECOMMENDED_BODY_CHARS
    ] + notes
    return Library(
        cards={c.id: c for c in ordered},
        categories=categories,
        seeds={s.file: s for s in seeds},
        lexicon=lexicon,
        ui=ui,
        point_kinds=point_kinds,
        csv=csv,
        typed_words=typed_words,
        warnings=warnings,
        towns=towns,
        campaigns=campaigns,
        hotlines=hotlines,
        safety=safety,
        legal_aid=legal_aid,
        desks=desks,
        holidays=holidays,
        advisers=advisers,
        cases={c.id: c for c in sorted(extras.cases, key=lambda c: (order[c.category], c.id))},
        quiz=extras.quiz,
        indicators=extras.indicators,
        recognition=extras.recognition,
        outside=outside.questions if outside else [],
        asked=asked,
        directory=directory,
    ), problems


def _declared(path: Path, key: str) -> frozenset[str] | None:
    """The ids a list file declares, read leniently (an entry broken otherwise is reported
    once, where it is): none without the file, None when it cannot be read."""
    return declared_ids(path, key) if path.exists() else frozenset()


def _check_outside(outside: OutsideQuestions, cards: list[Card], notes: list[Problem]) -> None:
    """A note for a question listed as no card's that is also a card's own sample question:
    the card wins (search.OUTSIDE_MARGIN), so the entry does nothing. Not an error: adding a
    resident's question to a card (the dashboard's gaps page) must not be refused for it."""
    own = {normalize(q): card.id for card in cards for q in (card.title, *card.aliases)}
    for i, question in enumerate(outside.questions):
        if (card := own.get(normalize(question))) is not None:
            notes.append(
                Problem(
                    "outside.yaml",
                    f"questions[{i}]",
                    check_text("outside.card_question", question=question, card=card),
                )
            )


def _card(path: Path, problems: list[Problem]) -> Card | None:
    name = f"cards/{path.name}"
    try:
        head, body = split_front_matter(path.read_text(encoding="utf-8"))
        data = parse_yaml(head)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", unreadable(exc)))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(name, "", check_text("cards.front_matter_not_mapping")))
        return None
    card = _validate(Card, {**data, "body": body}, name, problems)
    if card and card.id != path.stem:
        problems.append(
            Problem(name, "id", check_text("common.id_not_file_name", id=card.id, stem=path.stem))
        )
    return card


# "详见“劳动仲裁怎么申请”": a pointer to another card, by the title its button shows
CARD_REFERENCE = re.compile(r"见“([^”]{2,40})”")


def referable_titles(cards: list[Card]) -> set[str]:
    """What a card's text may call another card: its title, or the title's first question
    (怎么向劳动保障监察投诉 for 怎么向劳动保障监察投诉？和仲裁有啥不同？)."""
    titles = {card.title for card in cards}
    return titles | {re.split(r"[？?]", title, maxsplit=1)[0] for title in titles}


def _check_cards(
    cards: list[Card],
    ids: set[str],
    categories: set[str],
    seeds: set[str],
    problems: list[Problem],
) -> None:
    titles = referable_titles(cards)
    for card in cards:
        name = f"cards/{card.id}.md"
        if card.category not in categories:
            problems.append(Problem(name, "category", unknown_category(card.category, categories)))
        problems.extend(_offer_problems(card, name))
        for rel in card.related:
            if rel == card.id:
                problems.append(Problem(name, "related", check_text("cards.related_self")))
            elif rel not in ids:
                problems.append(
                    Problem(name, "related", check_text("cards.related_missing", card=rel))
                )
        for source in card.sources:
            if source.seed not in seeds:
                problems.append(
                    Problem(name, "sources", check_text("common.no_seed", seed=source.seed))
                )
        for title in CARD_REFERENCE.findall(card.body):
            if title not in titles:
                problems.append(
                    Problem(
                        name,
                        check_text("cards.body_field"),
                        check_text("cards.unknown_title", title=title),
                    )
                )


def offer_name(offer: str) -> str:
    """What an offer of CARD_OFFERS does, in the check's words."""
    names = {
        "aid_check": check_text("cards.offer_aid_check"),
        "adviser": check_text("cards.offer_adviser"),
    }
    return names[offer]


def _offer_problems(card: Card, name: str) -> list[Problem]:
    """Offers a card may not list: one the bot does not know, or one listed twice."""
    allowed = listed(f"{offer}（{offer_name(offer)}）" for offer in CARD_OFFERS)
    found = [
        Problem(name, "offers", check_text("cards.unknown_offer", offer=offer, allowed=allowed))
        for offer in card.offers
        if offer not in CARD_OFFERS
    ]
    found += [
        Problem(name, "offers", check_text("common.repeated_word", word=offer))
        for offer in duplicates(card.offers)
    ]
    return found


def _offer_notes(
    cards: list[Card], *, legal_aid: LegalAidCriteria | None, advisers: list[Adviser]
) -> list[Problem]:
    """Cards offering what this content has no data for: without legal_aid.yaml there is no
    pre-check, so its button is not shown; without advisers in advisers.yaml the lookup may
    still have some a coordinator imported (a CSV), so its button stays and says when none
    are listed."""
    notes: list[Problem] = []
    for card in cards:
        where = f"cards/{card.id}.md"
        if "aid_check" in card.offers and legal_aid is None:
            message = check_text("cards.offer_no_legal_aid", offer=offer_name("aid_check"))
            notes.append(Problem(where, "offers", message))
        if "adviser" in card.offers and not advisers:
            message = check_text("cards.offer_no_advisers", offer=offer_name("adviser"))
            notes.append(Problem(where, "offers", message))
    return notes


def _check_lexicon(
    lexicon: Lexicon, cards: list[Card], ids: set[str], problems: list[Problem]
) -> None:
    """Catch list entries that would silently block or unblock the wrong questions."""
    lists = {
        "out_of_scope": lexicon.phrases("out_of_scope"),
        "everyday_asks": lexicon.phrases("everyday_asks"),
        "legal_cues": lexicon.phrases("legal_cues"),
    }
    for name, terms in lists.items():
        if any(not term.strip() for term in terms):
            problems.append(Problem("lexicon.yaml", name, check_text("lexicon.blank_word")))
    for term in sorted(set(lists["everyday_asks"]) & set(lists["legal_cues"])):
        problems.append(
            Problem(
                "lexicon.yaml",
                "everyday_asks",
                check_text("lexicon.everyday_also_legal", term=term),
            )
        )
    for number, message in synonym_problems(lexicon.synonyms):
        problems.append(Problem("lexicon.yaml", f"synonyms[{number}]", message))
    _check_intents(lexicon, ids, problems)
    _check_contested(lexicon, ids, problems)
    blocking = {*lists["out_of_scope"], *lists["everyday_asks"]}
    for card in cards:
        for keyword in card.keywords:
            for term in blocking:
                if term and term in keyword:
                    problems.append(
                        Problem(
                            f"cards/{card.id}.md",
                            "keywords",
                            check_text("lexicon.keyword_blocked", keyword=keyword, term=term),
                        )
                    )


def synonym_problems(groups: Sequence[Sequence[object]]) -> list[tuple[int, str]]:
    """What is wrong with the synonym groups, by group number (from 1): a word that is no word
    (an emoji, punctuation only), a word written twice in one group, a word in two groups (it
    can fold into one of them only), a group of fewer than two different words. The content
    check's rule, and the dashboard's for a synonym it adds."""
    found: list[tuple[int, str]] = []
    first_group: dict[str, int] = {}
    for number, group in enumerate(groups, start=1):
        words = [str(word) for word in group]
        for word in words:
            if not _is_word(word):
                found.append((number, check_text("lexicon.synonym_not_word", word=word)))
        for word in duplicates(words):
            found.append((number, check_text("lexicon.synonym_repeated", word=word)))
        for word in dict.fromkeys(words):
            other = first_group.setdefault(word, number)
            if other != number:
                message = check_text("lexicon.synonym_two_groups", word=word, other=other)
                found.append((number, message))
        if len(set(words)) < 2:
            found.append((number, check_text("lexicon.synonym_group_short")))
    return found


def _is_word(text: str) -> bool:
    """Letters or digits (汉字 among them), with punctuation or spaces between (12·4): not an
    emoji or other symbol, nor punctuation alone."""
    return any(c.isalnum() for c in text) and all(
        c.isalnum() or unicodedata.category(c)[0] == "P" or c == " " for c in text
    )


def _check_intents(lexicon: Lexicon, ids: set[str], problems: list[Problem]) -> None:
    """Each intent group names two or more existing cards, each card in one group only."""
    seen: set[str] = set()
    for number, group in enumerate(lexicon.intents, start=1):
        field = f"intents[{number}]"
        if len(group) < 2:
            problems.append(Problem("lexicon.yaml", field, check_text("lexicon.intent_one_card")))
        for card_id, phrases in group.items():
            if card_id not in ids:
                problems.append(
                    Problem("lexicon.yaml", field, check_text("common.no_card", card=card_id))
                )
            if card_id in seen:
                problems.append(
                    Problem(
                        "lexicon.yaml",
                        field,
                        check_text("lexicon.card_in_two_groups", card=card_id),
                    )
                )
            seen.add(card_id)
            if not phrases or any(not phrase.strip() for phrase in phrases):
                problems.append(
                    Problem(
                        "lexicon.yaml", field, check_text("lexicon.card_blank_word", card=card_id)
                    )
                )


def _check_contested(lexicon: Lexicon, ids: set[str], problems: list[Problem]) -> None:
    """Contested decisions name existing cards and have both acts and objections."""
    contested = lexicon.contested_decisions
    field = "contested_decisions"
    for card_id in contested.cards:
        if card_id not in ids:
            problems.append(
                Problem("lexicon.yaml", field, check_text("common.no_card", card=card_id))
            )
    phrases = [*contested.acts, *contested.objections]
    if contested.cards and (not contested.acts or not contested.objections):
        problems.append(Problem("lexicon.yaml", field, check_text("lexicon.contested_empty")))
    if any(not phrase.strip() for phrase in phrases):
        problems.append(Problem("lexicon.yaml", field, check_text("lexicon.blank_word")))


def _check_ids(items: list[Category], attr: str, name: str, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for item in items:
        value = getattr(item, attr)
        if value in seen:
            problems.append(
                Problem(name, attr, check_text("common.duplicate", field=attr, value=value))
            )
        seen.add(value)
