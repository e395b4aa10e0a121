"""Volunteer star levels (星级志愿者, `recognition.yaml`): thresholds in recorded service hours
and the label shown for each level."""

from pathlib import Path

from pydantic import field_validator

from content.check_text import check_text
from content.checks import Found, Strict, check_length, load_yaml, validate


class StarLevel(Strict):
    stars: int
    hours: int  # recorded service hours needed, at least
    label: str

    @field_validator("stars")
    @classmethod
    def _stars(cls, value: int) -> int:
        if not 1 <= value <= 10:
            raise ValueError(check_text("recognition.stars"))
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: int) -> int:
        if value <= 0:
            raise ValueError(check_text("recognition.hours"))
        return value

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return check_length(value, 2, 20)


class Recognition(Strict):
    basis: str  # where the thresholds come from, for coordinators
    levels: list[StarLevel]

    @field_validator("basis")
    @classmethod
    def _basis(cls, value: str) -> str:
        return check_length(value, 10, 500)

    @field_validator("levels")
    @classmethod
    def _levels(cls, levels: list[StarLevel]) -> list[StarLevel]:
        if not levels:
            raise ValueError(check_text("recognition.no_levels"))
        return levels

    def level_for(self, hours: float) -> StarLevel | None:
        """The highest level whose threshold `hours` reaches, or None below the first."""
        reached = [level for level in self.levels if hours >= level.hours]
        return max(reached, key=lambda level: level.hours) if reached else None


def level_problems(levels: list[StarLevel]) -> list[tuple[str, str]]:
    """(field, message) for each level out of order: stars 1, 2, 3 ... and hours rising."""
    found: list[tuple[str, str]] = []
    labels: set[str] = set()
    for index, level in enumerate(levels):
        if level.stars != index + 1:
            expected = check_text("recognition.stars_order", stars=index + 1)
            found.append((f"levels.{index}.stars", expected))
        if index and level.hours <= levels[index - 1].hours:
            previous = levels[index - 1].hours
            found.append(
                (
                    f"levels.{index}.hours",
                    check_text("recognition.hours_order", hours=level.hours, previous=previous),
                )
            )
        if level.label in labels:
            found.append(
                (
                    f"levels.{index}.label",
                    check_text("recognition.repeated_label", label=level.label),
                )
            )
        labels.add(level.label)
    return found


def load_recognition(path: Path, found: Found) -> Recognition | None:
    """The star levels (without recognition.yaml: None), problems recorded."""
    if not path.exists():
        return None
    name = path.name
    data = load_yaml(path, name, found)
    if data is None:
        return None
    recognition = validate(Recognition, data, name, "", found)
    if recognition is None:
        return None
    found.extend((name, field, message) for field, message in level_problems(recognition.levels))
    return recognition
