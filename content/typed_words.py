"""Words the bot understands in what people type (content/typed_words.yaml): days (今天,
昨天), periods (本月, 上月, 上季度), parts of a year (第一季度, 下半年), years before a month or
a part (去年11月, 去年下半年) and the words that announce a phone number (电话). Words are kept
as compared (`typed_key`), so the parsers look a typed answer up after folding it the same
way."""

import unicodedata
from collections import Counter
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from content.check_text import check_text, listed
from content.problems import duplicates

MAX_DAYS_AWAY = 7  # 大前天 (-3) or 大后天 (3) fit; a word for a day further away is no word


def typed_key(text: str) -> str:
    """A typed word as compared: full-width folded, lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _word(text: str) -> str:
    key = typed_key(text)
    if not key:
        raise ValueError(check_text("typed_words.blank"))
    return key


Word = Annotated[str, AfterValidator(_word)]
Words = Annotated[list[Word], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Periods(_Strict):
    this_month: Words
    last_month: Words
    this_week: Words
    last_week: Words
    this_quarter: Words
    last_quarter: Words
    this_year: Words
    last_year: Words

    @model_validator(mode="after")
    def _one_period_a_word(self) -> "Periods":
        counts = Counter(word for words in self.model_dump().values() for word in words)
        if repeated := [word for word, n in counts.items() if n > 1]:
            raise ValueError(check_text("typed_words.two_periods", words=listed(repeated)))
        return self

    def named(self, word: str) -> str | None:
        """The period `word` (as compared) names, if any."""
        return next((p for p, words in self.model_dump().items() if word in words), None)


Month = Annotated[int, Field(ge=1, le=12)]


def _months_in_order(months: tuple[int, int]) -> tuple[int, int]:
    if months[0] > months[1]:
        raise ValueError(check_text("typed_words.months_order"))
    return months


# A part of a year's first and last month (上半年: 1, 6)
YearPart = Annotated[tuple[Month, Month], AfterValidator(_months_in_order)]


class NumberLabels(_Strict):
    """Words that announce a phone number (电话, 手机) and words that may come right before
    one (联系电话): a poster leaves them off with the masked number (domain.posters)."""

    labels: Words
    before: list[Word]

    @model_validator(mode="after")
    def _no_word_twice(self) -> "NumberLabels":
        if repeated := duplicates([*self.labels, *self.before]):
            raise ValueError(check_text("typed_words.twice", words=listed(repeated)))
        return self


class TypedWords(_Strict):
    days: dict[Word, Annotated[int, Field(ge=-MAX_DAYS_AWAY, le=MAX_DAYS_AWAY)]]
    periods: Periods
    year_parts: dict[Word, YearPart]
    years_back: dict[Word, Annotated[int, Field(ge=0, le=10)]]
    number_labels: NumberLabels

    @model_validator(mode="after")
    def _part_or_period(self) -> "TypedWords":
        """A word is a period or a part of a year, not both: one would silently win."""
        periods = {word for words in self.periods.model_dump().values() for word in words}
        if both := [word for word in self.year_parts if word in periods]:
            raise ValueError(check_text("typed_words.two_periods", words=listed(both)))
        return self

    @field_validator("days", "year_parts", "years_back", mode="before")
    @classmethod
    def _no_word_twice(cls, value: Any) -> Any:
        """Two spellings of one word (今天 and 今 天) are one word: written twice, one value
        would silently win."""
        if isinstance(value, dict):
            counts = Counter(typed_key(key) for key in value if isinstance(key, str))
            if repeated := [key for key, n in counts.items() if n > 1]:
                raise ValueError(check_text("typed_words.twice", words=listed(repeated)))
        return value
