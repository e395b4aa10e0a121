"""Validated shapes of the content files. Unknown fields are errors, never silently dropped."""

import re
from collections import Counter
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from content.check_text import check_text, listed

CARD_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TELEGRAM_TEXT_LIMIT = 4096
OUTSIDE_QUESTION_CHARS = 200
# What a card may offer under it (front matter `offers`), each a button with its data:
# aid_check: the legal-aid pre-check (legal_aid.yaml); adviser: the village legal adviser
# lookup (advisers.yaml, or a coordinator's CSV import).
CARD_OFFERS = ("aid_check", "adviser")


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class Source(_Strict):
    seed: str = Field(min_length=1)
    item: str = Field(min_length=1)


class Card(_Strict):
    id: str = Field(max_length=40)
    title: str = Field(min_length=2, max_length=60)
    category: str
    keywords: list[str] = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list, max_length=3)
    offers: list[str] = Field(default_factory=list)  # of CARD_OFFERS: buttons under the card
    sources: list[Source] = Field(min_length=1)
    updated: date
    body: str = Field(min_length=20, max_length=TELEGRAM_TEXT_LIMIT - 200)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not CARD_ID_PATTERN.match(value):
            raise ValueError(check_text("common.id", example="unpaid-wages"))
        return value

    @field_validator("keywords", "aliases")
    @classmethod
    def _no_blank_words(cls, words: list[str]) -> list[str]:
        cleaned = [word.strip() for word in words]
        if any(not word for word in cleaned):
            raise ValueError(check_text("common.blank_word"))
        return cleaned


class Category(_Strict):
    id: str = Field(max_length=40)
    name: str = Field(min_length=1)
    emoji: str = ""


class Seed(_Strict):
    file: str = Field(pattern=r"^[0-9]{3}_[0-9a-f]{16}\.txt$")
    title: str = Field(min_length=1)


class ContestedDecisions(_Strict):
    """An objection (不服, 复议, 罚错) to an official act (a fine, a confiscation, a
    demolition) is a question for `cards` (reconsideration, litigation), whatever field the
    act comes from: the field's own card and its out-of-scope topics give way."""

    cards: list[str] = Field(default_factory=list)
    acts: list[str] = Field(default_factory=list)
    objections: list[str] = Field(default_factory=list)


class SmallTalk(_Strict):
    """A message that is only a greeting, a thanks, a goodbye or an ask for a person (with
    `fillers` such as 小助手 or 啊 around it) is answered in kind, not searched: it is not a
    question no card answers."""

    greetings: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)
    goodbyes: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> "SmallTalk":
        kinds = (self.greetings, self.people, self.thanks, self.goodbyes, self.fillers)
        seen = Counter(phrase for phrases in kinds for phrase in phrases)
        if empty := [phrase for phrase in seen if not phrase.strip()]:
            raise ValueError(check_text("lexicon.small_talk_blank", words=empty))
        if repeated := sorted(phrase for phrase, n in seen.items() if n > 1):
            raise ValueError(check_text("lexicon.small_talk_repeated", words=listed(repeated)))
        return self


class Lexicon(_Strict):
    """Search vocabulary: extra dictionary words, synonym groups and stopwords."""

    terms: list[str] = Field(default_factory=list)
    synonyms: list[list[str]] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)
    # Topics the cards deliberately do not cover: a question naming one gets the honest
    # fallback (12348) instead of a card that merely shares a word with it.
    out_of_scope: list[list[str]] = Field(default_factory=list)
    # Phrases of an everyday, non-legal ask (好看吗, 怎么包扎, 哪里买): a question with one gets
    # the fallback too, unless it also carries a legal cue (违法, 投诉, 赔偿) that makes it ours.
    # Both are lists of groups so the file can keep related phrases on one line.
    everyday_asks: list[list[str]] = Field(default_factory=list)
    legal_cues: list[list[str]] = Field(default_factory=list)
    # Groups of sibling cards, each card id -> phrases of what an asker wants from it rather
    # than from its siblings (被骗了 / 已经转了: what to do now; 怎么防: how scams work).
    intents: list[dict[str, list[str]]] = Field(default_factory=list)
    contested_decisions: ContestedDecisions = Field(default_factory=ContestedDecisions)
    small_talk: SmallTalk = Field(default_factory=SmallTalk)
    # Words of a question that asks for a real case (案例, 判例): the case library answers it
    # even when its match is weaker.
    case_cues: list[str] = Field(default_factory=list)

    @field_validator("case_cues")
    @classmethod
    def _no_blank_cue(cls, words: list[str]) -> list[str]:
        if any(not word.strip() for word in words):
            raise ValueError(check_text("common.blank_word"))
        return words

    def phrases(self, name: Literal["out_of_scope", "everyday_asks", "legal_cues"]) -> list[str]:
        """The phrases of one grouped list, groups flattened."""
        groups: list[list[str]] = getattr(self, name)
        return [phrase for group in groups for phrase in group]


class OutsideQuestions(_Strict):
    """content/outside.yaml: questions residents ask that no card is for (everyday asks,
    topics the cards leave out). A question worded almost like one of them, more than like
    any card's own title or aliases, gets the honest fallback (see content/search.py)."""

    questions: list[str] = Field(default_factory=list)

    @field_validator("questions")
    @classmethod
    def _plain_and_unique(cls, value: list[str]) -> list[str]:
        for question in value:
            if not 2 <= len(question) <= OUTSIDE_QUESTION_CHARS:
                raise ValueError(
                    check_text("outside.length", limit=OUTSIDE_QUESTION_CHARS, question=question)
                )
        repeated = sorted(q for q, n in Counter(value).items() if n > 1)
        if repeated:
            raise ValueError(check_text("outside.repeated", questions=listed(repeated)))
        return value


class Town(_Strict):
    """A 乡镇/街道 of this deployment and its 村/社区 (content/towns.yaml)."""

    town: str = Field(min_length=1, max_length=100)
    places: list[str] = Field(default_factory=list)
