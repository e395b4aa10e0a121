"""Legal service points: the file formats (the sample list in directory.yaml, read and checked
with the rest of the content; coordinators' CSV) and distance."""

import csv
import io
import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from content.check_text import check_text
from content.problems import Problem, explain

CSV_COLUMNS = ("name", "kind", "town", "address", "phone", "hours", "lat", "lon")
# Kinds of service point where one applies for legal aid, best first (matched as parts of the
# kind, so 示例县法律援助中心 and 法律援助工作站（东山） both count).
AID_KINDS = ("法律援助中心", "法律援助工作站", "公共法律服务中心", "公共法律服务工作站", "司法所")
AID_CENTRE = AID_KINDS[0]


# Column names a Chinese spreadsheet may use instead of the English ones.
CHINESE_COLUMNS = dict(
    zip(("名称", "类型", "乡镇", "地址", "电话", "时间", "纬度", "经度"), CSV_COLUMNS, strict=True)
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
    """Parse a coordinator's CSV (UTF-8, or GB18030 as saved by Excel on Chinese Windows)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames:
        reader.fieldnames = [CHINESE_COLUMNS.get(f.strip(), f.strip()) for f in reader.fieldnames]
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        return [], [
            Problem(name, "header", check_text("csv.missing_columns", columns=", ".join(missing)))
        ]
    entries: list[DirectoryEntry] = []
    problems: list[Problem] = []
    for line, row in enumerate(reader, start=2):
        values = {k: v for k, v in row.items() if k in CSV_COLUMNS and v not in (None, "")}
        try:
            entries.append(DirectoryEntry.model_validate(values))
        except ValidationError as exc:
            problems.extend(
                Problem(f"{name}:{line}", ".".join(map(str, e["loc"])), explain(e))
                for e in exc.errors()
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
