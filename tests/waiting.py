"""Waiting for something the bot does in the background, without a fixed sleep."""

import asyncio
from collections.abc import Awaitable, Callable

# A generous ceiling: a busy CI machine can be 10x slower than an idle one.
CEILING_SECONDS = 60.0
# Waits that include building the search index: a content edit made on the dashboard before
# its page answers, a bot process starting without a cached index (about 10 s on an idle
# machine, over a minute on a loaded one under faketime).
INDEX_BUILD_SECONDS = 4 * CEILING_SECONDS


async def eventually(
    check: Callable[[], Awaitable[bool]],
    timeout: float = CEILING_SECONDS,  # noqa: ASYNC109 - a deadline for the condition
) -> None:
    """Returns as soon as `check()` is true; fails after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {timeout}s: {check.__qualname__}")
        await asyncio.sleep(0.02)
