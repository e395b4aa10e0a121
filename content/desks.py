"""Duty desks (`desks.yaml`): where residents' messages to staff go, and when someone is there.

`open_at`, `next_opening` and `after_open_hours` take an aware instant and the deployment's
time zone; a desk's hours are wall-clock times in that zone. Holidays close a desk; a 调休
working weekend day opens it with its Monday hours (content.office_hours.MAKEUP_DAY_HOURS_OF).
A desk's reply deadlines count its open hours only (nights, weekends and holidays stop them).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from content.check_text import check_text, listed
from content.dates import weekday_of
from content.models import CARD_ID_PATTERN
from content.office_hours import Holidays, OfficeHours, shifts_on
from content.problems import (
    Entry,
    Problem,
    duplicates,
    entry_values,
    load_list,
    unknown_category,
)

DeskKind = Literal["judicial_office", "legal_aid_centre", "mediation_committee", "village_adviser"]
# The only Telegram ids a sample desk may use, and that a real desk may not: invented ids
# nobody should ever receive a message on.
SAMPLE_STAFF_IDS = range(1_000_000_001, 1_000_000_100)
SAMPLE_CHAT_IDS = range(-1_000_000_000_099, -1_000_000_000_000)
SEARCH_DAYS = 400  # next_opening and after_open_hours look this far ahead
# A desk whose deadline (in open hours) needs longer than this, by its weekly hours, is refused:
# a resident would wait months before anyone is even reminded.
MAX_DEADLINE_WEEKS = 8


class Desk(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )

    id: str = Field(max_length=40)
    name: str = Field(min_length=2, max_length=80)
    kind: DeskKind
    towns: list[str] = Field(min_length=1)
    # A village adviser's desk: the villages (communities) whose adviser it is (towns.yaml).
    villages: list[str] = Field(default_factory=list)
    categories: list[str] = Field(min_length=1)
    staff_chat_id: int | None = Field(default=None, lt=0)  # a staff group (negative id)
    staff: list[int] = Field(default_factory=list)  # Telegram user ids of duty staff
    hours: list[OfficeHours] = Field(min_length=1)
    # Open hours (office hours only): remind staff if unanswered this long, then tell the
    # coordinator.
    reply_within_hours: int = Field(ge=1, le=168)
    escalate_after_hours: int = Field(ge=1, le=336)
    # 兜底: its towns' messages that no desk takes by field come here (one per town).
    fallback: bool = False
    sample: bool = False

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not CARD_ID_PATTERN.match(value):
            raise ValueError(check_text("common.id", example="chengguan-sfs"))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "Desk":
        if self.staff_chat_id is None and not self.staff:
            raise ValueError(check_text("desks.no_staff"))
        if any(user <= 0 for user in self.staff):
            raise ValueError(check_text("desks.staff_ids"))
        if self.villages and self.kind != "village_adviser":
            raise ValueError(check_text("desks.villages_not_adviser"))
        if self.kind == "village_adviser" and not self.villages:
            # Without villages no resident's 我村的法律顾问 finds it, and choose_desk never
            # sends a town's messages to a village adviser: it would get nothing.
            raise ValueError(check_text("desks.adviser_villages"))
        if self.fallback and self.kind == "village_adviser":
            raise ValueError(check_text("desks.adviser_fallback"))
        if self.escalate_after_hours <= self.reply_within_hours:
            raise ValueError(check_text("desks.escalate_first"))
        seen: set[int] = set()
        for line in self.hours:
            if again := seen & line.days:
                raise ValueError(check_text("desks.day_twice", day=weekday_of(min(again))))
            seen |= line.days
        ids = [*self.staff, *([self.staff_chat_id] if self.staff_chat_id else [])]
        fake = [i for i in ids if i in SAMPLE_STAFF_IDS or i in SAMPLE_CHAT_IDS]
        if self.sample and (len(fake) < len(ids) or "示例" not in self.name):
            raise ValueError(check_text("desks.sample"))
        if not self.sample and fake:
            raise ValueError(check_text("desks.sample_id", id=fake[0]))
        return self


def load_desks(
    path: Path,
    *,
    towns: Mapping[str, Sequence[str]],
    categories: set[str],
    problems: list[Problem],
    notes: list[Problem],
) -> list[Desk]:
    """The desks of `path` (none when the file is absent), their problems and notes; `towns`
    maps each town of towns.yaml to its villages."""
    if not path.exists():
        return []
    before = len(problems)
    entries = load_list(path, Desk, problems)
    loaded_all = len(problems) == before
    problems.extend(check_desks(entries, towns, categories, path.name, loaded_all=loaded_all))
    desks = entry_values(entries)
    served = {town for desk in desks for town in desk.towns}
    notes.extend(
        Problem(path.name, "towns", check_text("desks.town_unserved", town=town))
        for town in sorted(set(towns) - served)
    )
    return desks


def check_desks(
    entries: Sequence[Entry[Desk]],
    towns: Mapping[str, Sequence[str]],
    categories: set[str],
    name: str,
    *,
    loaded_all: bool = True,
) -> list[Problem]:
    """The problems between desks (each named where it is in the file `name`) and with the
    other files. Without `loaded_all` (an entry could not be read) the 兜底 desks are not
    checked: the missing entry may be a town's."""
    desks = entry_values(entries)
    where_of: dict[str, str] = {}
    for entry in entries:
        where_of.setdefault(entry.value.id, entry.where)
    found = [
        Problem(name, "id", check_text("common.duplicate_id", id=d))
        for d in duplicates([d.id for d in desks])
    ]
    found += _shared_villages(desks, towns, where_of)
    found += _shared_fields(desks, where_of)
    if loaded_all:
        found += _fallbacks(desks, name, where_of)
    for desk in desks:
        where = where_of[desk.id]
        found += [
            Problem(where, "towns", check_text("common.no_town", town=town))
            for town in desk.towns
            if town not in towns
        ]
        places = {place for town in desk.towns for place in towns.get(town, ())}
        found += [
            Problem(
                where,
                "villages",
                check_text("common.no_village", towns=listed(desk.towns), village=village),
            )
            for village in desk.villages
            if village not in places
        ]
        found += [
            Problem(where, "categories", unknown_category(category, categories))
            for category in desk.categories
            if category not in categories
        ]
        found += _check_deadline_reach(desk, where)
    return found


def weekly_open_hours(desk: Desk) -> float:
    """How many hours a week the desk is open by its `hours` (holidays aside)."""
    minutes = sum(
        len(line.days) * ((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute))
        for line in desk.hours
        for start, end in line.shifts
    )
    return minutes / 60


def _check_deadline_reach(desk: Desk, where: str) -> list[Problem]:
    """Deadlines count open hours: a desk open briefly must not need months to reach one."""
    weekly = weekly_open_hours(desk)
    weeks = desk.escalate_after_hours / weekly
    if weeks <= MAX_DEADLINE_WEEKS:
        return []
    message = check_text(
        "desks.deadline_reach",
        desk=desk.name,
        weekly=weekly,
        hours=desk.escalate_after_hours,
        weeks=weeks,
        limit=MAX_DEADLINE_WEEKS,
    )
    return [Problem(where, "escalate_after_hours", message)]


def _shared_villages(
    desks: list[Desk], towns: Mapping[str, Sequence[str]], where_of: Mapping[str, str]
) -> list[Problem]:
    """A village (community) under two village adviser desks, or twice under one: a resident
    there would be offered an arbitrary one of them."""
    owner: dict[tuple[str, str], str] = {}
    found: list[Problem] = []
    for desk in desks:
        where = where_of[desk.id]
        found += [
            Problem(where, "villages", check_text("desks.village_twice", village=village))
            for village in duplicates(desk.villages)
        ]
        for village in dict.fromkeys(desk.villages):
            for town in (t for t in desk.towns if village in towns.get(t, ())):
                other = owner.setdefault((town, village), desk.id)
                if other != desk.id:
                    message = check_text(
                        "desks.shared_village",
                        town=town,
                        village=village,
                        other=other,
                        desk=desk.id,
                    )
                    found.append(Problem(where, "villages", message))
    return found


def _general(desks: Iterable[Desk]) -> list[Desk]:
    """The desks that take a town's messages (a village adviser takes its villages' only)."""
    return [d for d in desks if d.kind != "village_adviser"]


def _shared_fields(desks: list[Desk], where_of: Mapping[str, str]) -> list[Problem]:
    """A town's field taken by two desks: the message would go to whichever is written first,
    and reordering the file would silently send it elsewhere."""
    owner: dict[tuple[str, str], str] = {}
    found: list[Problem] = []
    for desk in _general(desks):
        for town in dict.fromkeys(desk.towns):
            for category in dict.fromkeys(desk.categories):
                other = owner.setdefault((town, category), desk.id)
                if other != desk.id:
                    message = check_text(
                        "desks.shared_field",
                        town=town,
                        category=category,
                        other=other,
                        desk=desk.id,
                    )
                    found.append(Problem(where_of[desk.id], "categories", message))
    return found


def fallback_desk(desks: Iterable[Desk], town: str) -> Desk | None:
    """The town's 兜底 desk, for messages no desk takes by field: the one marked
    `fallback: true`, or the town's only desk (one desk needs no mark: nothing to choose
    between, and a desks.yaml written before the mark existed keeps working)."""
    serving = [d for d in _general(desks) if town in d.towns]
    marked = [d for d in serving if d.fallback]
    if marked:
        return marked[0]
    return serving[0] if len(serving) == 1 else None


def _fallbacks(desks: list[Desk], name: str, where_of: Mapping[str, str]) -> list[Problem]:
    """Every town some desk serves has exactly one 兜底 desk (marked when it has several) for
    messages no desk takes by field; a town with a real desk has a real one (nobody reads a
    sample's)."""
    general = _general(desks)
    found: list[Problem] = []
    for town in dict.fromkeys(t for d in general for t in d.towns):
        serving = [d for d in general if town in d.towns]
        chosen = [d for d in serving if d.fallback]
        real = [d for d in serving if not d.sample]
        fallback = fallback_desk(serving, town)
        if len(chosen) > 1:
            ids = listed(d.id for d in chosen)
            message = check_text("desks.fallback_twice", town=town, count=len(chosen), ids=ids)
            found.append(Problem(name, "fallback", message))
        elif fallback is None:
            ids = listed(d.id for d in serving)
            found.append(
                Problem(name, "fallback", check_text("desks.no_fallback", town=town, ids=ids))
            )
        elif fallback.sample and real:
            message = check_text(
                "desks.sample_fallback", town=town, desk=fallback.id, real=real[0].id
            )
            found.append(Problem(where_of[fallback.id], "fallback", message))
    return found


def desks_for(
    desks: Iterable[Desk], *, town: str | None = None, category: str | None = None
) -> list[Desk]:
    """The desks that serve `town` and take `category` (either may be omitted), file order
    (for a town and a field, the check allows one desk that is no village adviser)."""
    return [
        d
        for d in desks
        if (town is None or town in d.towns) and (category is None or category in d.categories)
    ]


def open_at(desk: Desk, instant: datetime, holidays: Holidays | None, tz: tzinfo) -> bool:
    """Whether someone is on duty at `instant` (aware) by the desk's local hours in `tz`."""
    local = _local(instant, tz)
    return any(
        start <= local.time() < end for start, end in shifts_on(desk.hours, local.date(), holidays)
    )


def next_opening(desk: Desk, instant: datetime, holidays: Holidays | None, tz: tzinfo) -> datetime:
    """The first moment at or after `instant` when the desk is open (`instant` itself if it is
    open then), in `tz`. ValueError if it never opens in the next SEARCH_DAYS days."""
    local = _local(instant, tz)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        for start, end in shifts_on(desk.hours, day, holidays):
            if local < datetime.combine(day, end, tzinfo=tz):
                return max(local, datetime.combine(day, start, tzinfo=tz))
    raise ValueError(f"{desk.name} 在 {SEARCH_DAYS} 天内都不开放")


def after_open_hours(
    desk: Desk, instant: datetime, hours: int, holidays: Holidays | None, tz: tzinfo
) -> datetime:
    """The moment the desk has been open `hours` hours since `instant` (counting only its
    office hours: a message left on Friday evening starts counting on Monday's opening), in
    `tz`. ValueError if that is not reached in the next SEARCH_DAYS days."""
    local = _local(instant, tz)
    left = timedelta(hours=hours)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        for start, end in shifts_on(desk.hours, day, holidays):
            begin = max(local, datetime.combine(day, start, tzinfo=tz))
            finish = datetime.combine(day, end, tzinfo=tz)
            if begin >= finish:
                continue
            if finish - begin >= left:
                return begin + left
            left -= finish - begin
    raise ValueError(f"{desk.name} 在 {SEARCH_DAYS} 天内开放不满 {hours} 小时")


def _local(instant: datetime, tz: tzinfo) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant 必须带时区")
    return instant.astimezone(tz)
