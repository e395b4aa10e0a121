"""Debian's chromium, driven by Playwright, for the browser tests (never a downloaded browser).

The browser runs without libfaketime even when the suite runs under it (chromium hangs on a
preloaded clock); the pages' times all come from the server, which keeps the test's clock."""

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (.ci/run installs it with apt-get): "
    "the browser tests are skipped",
)
_FAKETIME = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")


async def launch_chromium(driver: Playwright) -> Browser:
    env: dict[str, str | float | bool] = {
        k: v for k, v in os.environ.items() if k not in _FAKETIME
    }
    return await driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, env=env)
