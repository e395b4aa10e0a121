"""A /broadcast draft as plain JSON (the conversation_draft row) and back."""

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from handlers.broadcasts.draft import BroadcastDraft, decode_when, encode_when
from scheduler.timeparse import Now, Once, Weekly, When
from storage.audience import Audience

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "when", [Now(), Once(datetime(2026, 12, 4, 9, 0, tzinfo=TZ)), Weekly(0, time(9, 0))]
)
def test_a_draft_survives_json(when: When) -> None:
    draft = BroadcastDraft(
        content_kind="copy",
        plain="海报",
        source=(7_000_001, 42),
        audience=Audience.VOLUNTEERS,
        audience_value="示例县东山镇",
        when=when,
    )
    back = BroadcastDraft.from_data(json.loads(json.dumps(draft.data())))
    assert back is not None
    assert back.source == (7_000_001, 42) and back.audience is Audience.VOLUNTEERS
    assert back.when == when or (
        isinstance(back.when, Once) and isinstance(when, Once) and back.when.at == when.at
    )
    assert back.plain == "海报"


def test_a_fresh_draft_and_a_broken_row() -> None:
    fresh = BroadcastDraft()
    assert BroadcastDraft.from_data(fresh.data()) == fresh
    assert BroadcastDraft.from_data({}) == fresh
    assert BroadcastDraft.from_data({"audience": "nobody"}) is None
    assert BroadcastDraft.from_data({"when": "once:2026-12-04T09:00"}) is None
    assert BroadcastDraft.from_data({"source": [1]}) is None
    assert decode_when(encode_when(Now())) == Now()


def test_a_time_without_a_date_stays_so_in_the_draft() -> None:
    """The final confirmation still says the day was chosen (没写日期，按最近的一次算)."""
    at = datetime(2026, 12, 4, 20, 0, tzinfo=TZ)
    for guessed in (True, False):
        back = decode_when(encode_when(Once(at, guessed=guessed)))
        assert isinstance(back, Once) and back.at == at and back.guessed is guessed
    assert decode_when(f"once:{at.isoformat()}") == Once(at)  # a draft saved before


def test_today_read_as_the_evening_stays_so_in_the_draft() -> None:
    """今天8点 at 12:28 (20:00): the final confirmation still says the later reading was taken."""
    at = datetime(2026, 12, 5, 20, 0, tzinfo=TZ)
    back = decode_when(encode_when(Once(at, guessed=True, evening=True)))
    assert isinstance(back, Once) and back.at == at and back.evening and back.guessed
