import pytest


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as int; the bot opts in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
