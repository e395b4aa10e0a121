"""Legal service points: the file formats (the sample list in directory.yaml, read and checked
with the rest of the content; coordinators' CSV) and distance."""

import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from content.check_text import check_text
from content.csv_table import Layout, read_table
from content.problems import Problem, explain

# Kinds of service point where one applies for legal aid, best first (matched as parts of the
# kind, so 示例县法律援助中心 and 法律援助工作站（东山） both count).
AID_KINDS = ("法律援助中心", "法律援助工作站", "公共法律服务中心", "公共法律服务工作站", "司法所")
AID_CENTRE = AID_KINDS[0]
# Every kind a point may have, matched the same way: a kind none of them is part of is refused
# (it would show to nobody asking where to apply, and residents read it as written).
POINT_KINDS = (
    *AID_KINDS,
    "公共法律服务室",
    "人民调解委员会",
    "律师事务所",
    "基层法律服务所",
    "公证处",
)
# desks.yaml's words for the same kinds, which a coordinator may write in the CSV too: stored
# in Chinese, as residents read them.
KIND_ALIASES = {
    "legal_aid_centre": AID_CENTRE,
    "legal_aid_center": AID_CENTRE,
    "judicial_office": "司法所",
    "mediation_committee": "人民调解委员会",
}
# The CSV's columns: each field's accepted headers (its Chinese name first), the first four
# required.
LAYOUT = Layout(
    headers={
        "name": ("名称", "服务点名称", "机构名称", "单位名称", "服务点", "name"),
        "kind": ("类型", "类别", "机构类型", "服务点类型", "kind", "type"),
        "town": ("乡镇", "乡镇街道", "镇街", "所在乡镇", "所属乡镇", "town"),
        "address": ("地址", "详细地址", "办公地址", "address"),
        "phone": ("电话", "联系电话", "联系方式", "phone"),
        "hours": ("时间", "办公时间", "服务时间", "工作时间", "hours"),
        "lat": ("纬度", "lat", "latitude"),
        "lon": ("经度", "lon", "lng", "longitude"),
    },
    required=("name", "kind", "town", "address"),
)
EARTH_RADIUS_KM = 6371.0
# A service point farther than this from a shared location is not "near you": the bot says so
# and offers choosing the town instead (a location in another county, or a wrong one).
NEAR_KM = 30.0
# A report placed by a shared location is named after the nearest service point this close
# (a town's 司法所 stands for the place people know); farther, by its coordinates.
NAMED_KM = 5.0


class DirectoryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=50)
    town: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=300)
    phone: str = Field(default="", max_length=100)
    hours: str = Field(default="", max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    sample: bool = False

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        kind = KIND_ALIASES.get(kind.lower(), kind)
        if not any(known in kind for known in POINT_KINDS):
            kinds, aliases = "、".join(POINT_KINDS), "、".join(KIND_ALIASES)
            raise ValueError(
                check_text("directory.unknown_kind", kind=kind, kinds=kinds, aliases=aliases)
            )
        return kind

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


def parse_csv(raw: bytes, name: str = "CSV") -> tuple[list[DirectoryEntry], list[Problem]]:
    """Parse a coordinator's CSV (UTF-8, or GB18030 as saved by Excel on Chinese Windows;
    Chinese or English headers)."""
    rows, problems = read_table(raw, name, LAYOUT)
    entries: list[DirectoryEntry] = []
    for row in rows:
        if row.extra_cells is not None:
            problems.append(row.extra_cells)
            continue
        try:
            entries.append(DirectoryEntry.model_validate(row.values))
        except ValidationError as exc:
            problems.extend(
                Problem(row.where, ".".join(map(str, e["loc"])), explain(e)) for e in exc.errors()
            )
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


def aid_rank(kind: str) -> int | None:
    """Where a kind of point stands among AID_KINDS (None: one does not apply there)."""
    return next((i for i, wanted in enumerate(AID_KINDS) if wanted in kind), None)


def legal_aid_points(points: Iterable[P], town: str, limit: int = 3) -> list[P]:
    """Where someone of `town` applies for legal aid: the town's own points, best kind first,
    then, if none of them is a 法律援助中心, the district's centres elsewhere."""
    every = list(points)
    local = sorted(
        (p for p in every if p.town == town and aid_rank(p.kind) is not None),
        key=lambda p: aid_rank(p.kind) or 0,
    )
    if not any(AID_CENTRE in p.kind for p in local):
        local += [p for p in every if p.town != town and AID_CENTRE in p.kind]
    return local[:limit]


def nearest_aid_points(
    points: Iterable[P], lat: float, lon: float, limit: int = 3
) -> list[tuple[P, float]]:
    """The nearest points where one applies for legal aid."""
    return nearest((p for p in points if aid_rank(p.kind) is not None), lat, lon, limit)
