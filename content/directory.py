"""Legal service points: their kinds (point_kinds.yaml), the file formats (the sample list in
directory.yaml, read and checked with the rest of the content; coordinators' CSV, whose column
names are in csv_headers.yaml) and distance."""

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from content.check_text import check_text, listed
from content.csv_table import Layout, read_table
from content.phones import Phone
from content.problems import Problem, duplicates, explain, load_one, loc, read_list

Kind = Annotated[str, Field(min_length=1, max_length=50)]

EARTH_RADIUS_KM = 6371.0
# A service point farther than this from a shared location is not "near you": the bot says so
# and offers choosing the town instead (a location in another county, or a wrong one).
NEAR_KM = 30.0
# A report placed by a shared location is named after the nearest service point this close
# (a town's 司法所 stands for the place people know); farther, by its coordinates.
NAMED_KM = 5.0


class PointKinds(BaseModel):
    """content/point_kinds.yaml: the kinds a point may have, in order; those where one applies
    for legal aid, best first (the first is the district's 法律援助中心); and English words for
    them (desks.yaml's) a CSV may use. A point's kind is matched by its parts (示例县法律援助中心
    is a 法律援助中心)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kinds: list[Kind] = Field(min_length=1)
    aid: list[Kind] = Field(min_length=1)
    aliases: dict[str, Kind] = Field(default_factory=dict)

    @property
    def centre(self) -> str:
        return self.aid[0]

    def resolve(self, kind: str) -> str:
        """The kind as stored (an English alias in Chinese); ValueError, naming the kinds and
        aliases, for one no kind is part of."""
        kind = self.aliases.get(kind.lower(), kind)
        if not any(known in kind for known in self.kinds):
            kinds, aliases = listed(self.kinds), listed(self.aliases)
            raise ValueError(
                check_text("directory.unknown_kind", kind=kind, kinds=kinds, aliases=aliases)
            )
        return kind

    def aid_rank(self, kind: str) -> int | None:
        """Where a kind of point stands among `aid` (None: one does not apply there)."""
        return next((i for i, wanted in enumerate(self.aid) if wanted in kind), None)


def load_point_kinds(path: Path, problems: list[Problem]) -> PointKinds | None:
    """The kinds of `path`, or None with every problem that would break the bot: a kind
    listed twice, a kind for legal aid or an alias's kind that is not among `kinds`, two
    aliases that differ only in case."""
    kinds = load_one(path, PointKinds, problems)
    if kinds is None:
        return None
    found = [("kinds", check_text("point_kinds.twice", kind=k)) for k in duplicates(kinds.kinds)]
    found += [("aid", check_text("point_kinds.twice", kind=k)) for k in duplicates(kinds.aid)]
    found += [
        ("aid", check_text("point_kinds.aid_unknown", kind=k))
        for k in kinds.aid
        if k not in kinds.kinds
    ]
    found += [
        (f"aliases.{alias}", check_text("point_kinds.alias_unknown", kind=kind))
        for alias, kind in kinds.aliases.items()
        if kind not in kinds.kinds
    ]
    seen: dict[str, str] = {}
    for alias in kinds.aliases:
        first = seen.setdefault(alias.lower(), alias)
        if first != alias:
            found.append((f"aliases.{alias}", check_text("point_kinds.alias_twice", first=first)))
    problems.extend(Problem(path.name, field, message) for field, message in found)
    if found:
        return None
    lower = {alias.lower(): kind for alias, kind in kinds.aliases.items()}
    return kinds.model_copy(update={"aliases": lower})


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str = Field(min_length=1, max_length=200)
    kind: Kind
    town: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=300)
    phone: Annotated[Phone, Field(max_length=100)] = ""
    hours: str = Field(default="", max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    sample: bool = False

    @model_validator(mode="after")
    def _both_coordinates_or_none(self) -> "DirectoryEntry":
        if (self.lat is None) != (self.lon is None):
            raise ValueError(check_text("directory.coordinates"))
        return self


class Located(Protocol):
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...


L = TypeVar("L", bound=Located)


class Place(Located, Protocol):
    @property
    def town(self) -> str: ...
    @property
    def kind(self) -> str: ...


P = TypeVar("P", bound=Place)


def read_entry(
    data: Any, kinds: PointKinds
) -> tuple[DirectoryEntry | None, list[tuple[str, str]]]:
    """An entry of directory.yaml or a CSV row, its kind as stored; else None and each
    problem (field, message)."""
    found: list[tuple[str, str]] = []
    kind = data.get("kind") if isinstance(data, dict) else None
    if isinstance(kind, str) and kind.strip():
        try:
            data = {**data, "kind": kinds.resolve(kind.strip())}
        except ValueError as exc:
            found.append(("kind", str(exc)))
    try:
        entry = DirectoryEntry.model_validate(data)
    except ValidationError as exc:
        return None, found + [(loc(e["loc"]), explain(e)) for e in exc.errors()]
    return (None, found) if found else (entry, [])


def load_directory(
    path: Path, kinds: PointKinds | None, problems: list[Problem]
) -> list[DirectoryEntry]:
    """The sample points of directory.yaml (none without the file); without `kinds` (its file
    is broken, and said so) nothing is read."""
    if not path.exists() or kinds is None:
        return []
    entries: list[DirectoryEntry] = []
    for listed_entry in read_list(path, problems):
        entry, found = read_entry(listed_entry.value, kinds)
        problems.extend(Problem(listed_entry.where, f, message) for f, message in found)
        entries += [entry] if entry else []
    return entries


def parse_csv(
    raw: bytes, name: str, *, layout: Layout, kinds: PointKinds
) -> tuple[list[DirectoryEntry], list[Problem]]:
    """Parse a coordinator's CSV (UTF-8, or GB18030 as saved by Excel on Chinese Windows;
    the column names of `layout`)."""
    rows, problems = parse_csv_rows(raw, name, layout=layout, kinds=kinds)
    return [entry for _, entry in rows], problems


def parse_csv_rows(
    raw: bytes, name: str, *, layout: Layout, kinds: PointKinds
) -> tuple[list[tuple[str, DirectoryEntry]], list[Problem]]:
    """As parse_csv, each entry with where it is in the file (`<file>:<row>`); a point
    written twice (its name and town) is a problem of its second row."""
    rows, problems = read_table(raw, name, layout)
    entries: list[tuple[str, DirectoryEntry]] = []
    first_row: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.extra_cells is not None:
            problems.append(row.extra_cells)
            continue
        entry, found = read_entry(row.values, kinds)
        problems.extend(Problem(row.where, f, message) for f, message in found)
        if entry is None:
            continue
        first = first_row.setdefault((entry.name, entry.town), row.number)
        if first != row.number:
            problems.append(Problem(row.where, "name", check_text("directory.twice", line=first)))
        entries.append((row.where, entry))
    if not entries and not problems:
        problems.append(Problem(name, "", check_text("csv.no_entries")))
    return entries, problems


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest(points: Iterable[L], lat: float, lon: float, limit: int = 3) -> list[tuple[L, float]]:
    located = [
        (p, distance_km(lat, lon, p.lat, p.lon))
        for p in points
        if p.lat is not None and p.lon is not None
    ]
    return sorted(located, key=lambda pair: pair[1])[:limit]


def near(found: Iterable[tuple[L, float]]) -> list[tuple[L, float]]:
    """The pairs of `nearest` within NEAR_KM."""
    return [(point, km) for point, km in found if km <= NEAR_KM]


def legal_aid_points(points: Iterable[P], town: str, kinds: PointKinds, limit: int = 3) -> list[P]:
    """Where someone of `town` applies for legal aid: the town's own points, best kind first,
    then, if none of them is a 法律援助中心 (`kinds.centre`), the district's centres elsewhere."""
    every = list(points)
    local = sorted(
        (p for p in every if p.town == town and kinds.aid_rank(p.kind) is not None),
        key=lambda p: kinds.aid_rank(p.kind) or 0,
    )
    if not any(kinds.centre in p.kind for p in local):
        local += [p for p in every if p.town != town and kinds.centre in p.kind]
    return local[:limit]


def nearest_aid_points(
    points: Iterable[P], lat: float, lon: float, kinds: PointKinds, limit: int = 3
) -> list[tuple[P, float]]:
    """The nearest points where one applies for legal aid."""
    aid = (p for p in points if kinds.aid_rank(p.kind) is not None)
    return nearest(aid, lat, lon, limit)
