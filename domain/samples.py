"""The texts of `pufa demo`'s sample data, `domain/samples.zh.yaml`: its volunteers, reports,
residents' questions, messages to duty staff and announcement. Kept in a file, as all
user-facing text is; read and validated once, a wrong or unknown field failing loudly."""

import functools
from datetime import timedelta
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from storage.models import CloseReason

SAMPLES_FILE = Path(__file__).with_name("samples.zh.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SampleVolunteer(_Strict):
    name: str = Field(min_length=1)
    organisation: str = ""


class SampleTicket(_Strict):
    """One sample message, left `ago` before the demo's now, and what became of it."""

    town: int = Field(ge=0)  # of the content's towns, in turn
    category: str = Field(min_length=1)  # the field it was left under (see the file)
    text: str = Field(min_length=1)
    ago_days: int = Field(default=0, ge=0)
    ago_minutes: int = Field(default=0, ge=0)
    adviser: bool = False  # left for the first village legal adviser of the content
    taken: bool = False  # 接单 by the desk's staff
    moved_to: str = ""  # 转办 to the desk of its town taking this field
    reply: str = ""  # the desk's answer
    late: bool = False  # that answer came a day after the deadline (else just before it)
    ended: bool = False
    reason: CloseReason | None = None  # why it ended unanswered
    rating: int | None = Field(default=None, ge=1, le=3)  # 1 不满意, 2 一般, 3 满意

    @model_validator(mode="after")
    def _one_ago(self) -> "SampleTicket":
        if (self.ago_days == 0) == (self.ago_minutes == 0):
            raise ValueError(
                "exactly one of ago_days and ago_minutes must be given (and not 0), "
                f"not ago_days={self.ago_days}, ago_minutes={self.ago_minutes}"
            )
        return self

    @property
    def ago(self) -> timedelta:
        return timedelta(days=self.ago_days, minutes=self.ago_minutes)


class Samples(_Strict):
    volunteers: tuple[SampleVolunteer, ...] = Field(min_length=1)
    places: tuple[str, ...] = Field(min_length=1)
    summaries: tuple[str, ...] = Field(min_length=1)
    questions: tuple[str, ...] = Field(min_length=4)  # the first four are asked twice
    unanswered: tuple[str, ...] = Field(min_length=1)
    announcement: str = Field(min_length=1)
    tickets: tuple[SampleTicket, ...]


@functools.cache
def load_samples(path: Path = SAMPLES_FILE) -> Samples:
    """The sample data of `path` (the packaged file unless a test points elsewhere); a
    malformed file raises pydantic's ValidationError naming the entry and field."""
    return Samples.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
