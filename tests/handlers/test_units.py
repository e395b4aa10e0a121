from hypothesis import given
from hypothesis import strategies as st

from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from handlers.kit.throttle import Throttle


def test_callback_round_trip() -> None:
    data = callbacks.make(Kind.TOPICS, "labor", 2)
    assert callbacks.parse(data) == callbacks.Callback(Kind.TOPICS, ("labor", "2"))
    assert callbacks.pattern(Kind.TOPICS).match(data)
    assert not callbacks.pattern(Kind.CARD).match(data)


def test_forged_or_stale_callback_data_is_rejected() -> None:
    for forged in ["", "0:c:unpaid-wages", "1:c:../../etc", "1:c:DROP TABLE", "x" * 65, "1"]:
        assert callbacks.parse(forged) is None


@given(st.text(max_size=80))
def test_parse_never_raises(data: str) -> None:
    parsed = callbacks.parse(data)
    assert parsed is None or callbacks.make(parsed.kind, *parsed.args) == data


def test_throttle_window_and_single_warning() -> None:
    now = [0.0]
    throttle = Throttle(per_minute=3, clock=lambda: now[0])
    assert [throttle.allow(1) for _ in range(4)] == [True, True, True, False]
    assert throttle.should_warn(1) and not throttle.should_warn(1)
    assert throttle.allow(2)
    now[0] = 60.0
    assert throttle.allow(1)
    assert throttle.should_warn(1)


def test_button_presses_cost_less_than_messages() -> None:
    throttle = Throttle(per_minute=2, clock=lambda: 0.0)
    assert all(throttle.allow(1, cost=0.25) for _ in range(8))
    assert not throttle.allow(1, cost=0.25)
    assert throttle.allow(2) and throttle.allow(2) and not throttle.allow(2)
