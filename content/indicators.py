"""The district's evaluation indicators (考核评价指标, `indicators.yaml`).

Each indicator says what counts for it and, by default, which volunteer activity types (the
keys of ui.zh.yaml → volunteers → activity_types) and which campaigns (ids in campaigns.yaml)
count towards it. Every indicator cites the seed plan item it comes from, as cards do.
"""

from collections.abc import Iterable
from pathlib import Path

from pydantic import Field, field_validator

from content.check_text import check_text, listed
from content.checks import (
    Found,
    Known,
    Strict,
    check_id,
    check_length,
    load_yaml,
    unknown,
    validate,
    where,
)
from content.models import Source
from content.problems import duplicates


class Indicator(Strict):
    id: str
    name: str
    what_counts: str
    activity_types: list[str] = Field(default_factory=list)
    campaigns: list[str] = Field(default_factory=list)
    # False: a volunteer may not tag their report with it (群众满意度 comes from residents'
    # votes); only a coordinator's /tag can.
    volunteers_may_tag: bool = True
    sources: list[Source]

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value, "constitution-education")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_length(value, 2, 20)

    @field_validator("what_counts")
    @classmethod
    def _what_counts(cls, value: str) -> str:
        return check_length(value, 10, 200)

    @field_validator("activity_types", "campaigns")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        repeated = duplicates(values)
        if repeated:
            raise ValueError(check_text("indicators.repeated", values=listed(repeated)))
        return values

    @field_validator("sources")
    @classmethod
    def _sources(cls, sources: list[Source]) -> list[Source]:
        if not sources:
            raise ValueError(check_text("indicators.no_source"))
        return sources


def counted_by_default(indicator: Indicator, activity_type: str, topics: Iterable[str]) -> bool:
    """Whether an activity of this type with these topics (campaign ids among them) counts
    for `indicator` without anyone tagging it."""
    return activity_type in indicator.activity_types or any(
        topic in indicator.campaigns for topic in topics
    )


def load_indicators(path: Path, known: Known, found: Found, notes: Found) -> list[Indicator]:
    """Every indicator that validates (without indicators.yaml: none); problems recorded in
    `found`, campaigns missing from the calendar in `notes` (nothing counts for them)."""
    if not path.exists():
        return []
    name = path.name
    data = load_yaml(path, name, found)
    if data is None:
        return []
    if not isinstance(data, list):
        found.append((name, "", check_text("indicators.not_a_list")))
        return []
    loaded: list[Indicator] = []
    ids: set[str] = set()
    names: set[str] = set()
    for index, item in enumerate(data):
        label = where(index, item)
        indicator = validate(Indicator, item, name, label, found)
        if indicator is None:
            continue
        if indicator.id in ids:
            found.append((name, f"{label}.id", check_text("common.duplicate_id", id=indicator.id)))
        if indicator.name in names:
            found.append(
                (
                    name,
                    f"{label}.name",
                    check_text("indicators.duplicate_name", name=indicator.name),
                )
            )
        ids.add(indicator.id)
        names.add(indicator.name)
        found.extend(_references(indicator, known, name, label))
        notes.extend(
            (name, f"{label}.campaigns", check_text("common.no_campaign", campaign=campaign))
            for campaign in indicator.campaigns
            if unknown(campaign, known.campaigns)
        )
        loaded.append(indicator)
    return loaded


def _references(indicator: Indicator, known: Known, name: str, label: str) -> Found:
    found: Found = [
        (name, f"{label}.activity_types", check_text("indicators.no_activity_type", kind=kind))
        for kind in indicator.activity_types
        if unknown(kind, known.activity_types)
    ]
    found += [
        (name, f"{label}.sources", check_text("common.no_seed", seed=source.seed))
        for source in indicator.sources
        if unknown(source.seed, known.seeds)
    ]
    return found
