"""Broadcasts from the dashboard: compose, preview, schedule, cancel, progress and stop."""

import re
from pathlib import Path
from typing import Any

import aiohttp

from content.loader import Library
from content.search import SearchIndex
from storage import broadcasts as repo
from tests.broadcasting import add_subscribers
from tests.dashboard.conftest import Board, serving_board
from tests.waiting import eventually


async def _post(client: aiohttp.ClientSession, url: str, form: dict[str, str]) -> tuple[int, str]:
    async with client.post(url, data=form) as response:
        return response.status, await response.text()


async def _form(board: Board, client: aiohttp.ClientSession) -> dict[str, str]:
    async with client.get(f"{board.base}/dashboard/broadcasts") as response:
        page = await response.text()
    key = re.search(r'name="key" value="([^"]+)"', page)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert key and csrf
    return {"csrf": csrf[1], "key": key[1], "kind": "text", "target": "all|", "when": ""}


async def test_schedule_preview_cancel_and_watch_a_running_one_stop(
    tmp_path: Path, library: Library, index: SearchIndex, client: aiohttp.ClientSession
) -> None:
    async with serving_board(tmp_path, library, index, broadcast_rate_per_second=5) as board:
        await add_subscribers(board.harness.services.db, range(3001, 3061))
        await board.signed_in(client)
        base = board.base
        async with client.get(f"{base}/dashboard/broadcasts/count?target=all|") as response:
            assert (await response.json())["count"] == 60
        async with client.get(f"{base}/dashboard/broadcasts/count?target=town|火星") as response:
            assert (await response.json())["count"] == 0
        form = await _form(board, client) | {"text": "周六<律师>免费咨询", "when": "13月40日 9点"}
        status, page = await _post(client, f"{base}/dashboard/broadcasts/preview", form)
        assert 'id="problem"' in page and "例如" in page
        form["when"] = "明天上午9点"
        status, page = await _post(client, f"{base}/dashboard/broadcasts/preview", form)
        assert "周六&lt;律师&gt;免费咨询" in page and 'id="preview-count">60<' in page
        async with client.post(f"{base}/dashboard/broadcasts/create", data=form) as response:
            assert response.status == 200 and "/dashboard/broadcasts/" in str(response.url)
            scheduled = str(response.url).rsplit("/", 1)[1]
        status, _ = await _post(client, f"{base}/dashboard/broadcasts/create", form)
        assert status == 200  # the same draft confirmed twice is stored once
        page = await (await client.get(f"{base}/dashboard/broadcasts")).text()
        assert page.count(f'href="/dashboard/broadcasts/{scheduled}"') == 1
        status, page = await _post(
            client, f"{base}/dashboard/broadcasts/{scheduled}/cancel", {"csrf": form["csrf"]}
        )
        assert "已取消" in page
        now = await _form(board, client) | {"text": "临时通知"}
        async with client.post(f"{base}/dashboard/broadcasts/create", data=now) as response:
            running = str(response.url).rsplit("/", 1)[1]
        progress: dict[str, Any] = {}

        async def some_sent() -> bool:
            nonlocal progress
            async with client.get(f"{base}/dashboard/broadcasts/{running}/progress") as answer:
                progress = await answer.json()
            return bool(progress["running"] and progress["sent"] > 0)

        await eventually(some_sent)
        assert progress["total"] == 60 and progress["eta"] != "—"
        status, page = await _post(
            client, f"{base}/dashboard/broadcasts/{running}/cancel", {"csrf": form["csrf"]}
        )
        assert "已取消" in page

        async def stopped() -> bool:
            async with client.get(f"{base}/dashboard/broadcasts/{running}/progress") as answer:
                progress.update(await answer.json())
            return progress["status"] == "cancelled"

        await eventually(stopped)
        assert progress["sent"] < 60
        page = await (await client.get(f"{base}/dashboard/broadcasts")).text()
        assert 'id="history"' in page and f">{running}<" in page


async def test_campaign_reminders_are_listed_previewed_muted_and_restored(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/broadcasts")
    async with client.get(f"{board.base}/dashboard/broadcasts") as response:
        page = await response.text()
    listed = re.findall(r'action="/dashboard/broadcasts/(\d+)/mute"', page)
    assert listed, "the calendar's reminders are listed"
    first = int(listed[0])

    async def status() -> str:
        async with board.harness.services.db.session() as session:
            row = await repo.get_broadcast(session=session, broadcast_id=first)
        assert row is not None and row.origin in ("campaign", "monthly")
        return row.status

    async with client.get(f"{board.base}/dashboard/broadcasts/{first}") as response:
        assert response.status == 200  # its exact text, as it will be sent
    mute_url = f"{board.base}/dashboard/broadcasts/{first}/mute"
    code, page = await _post(client, mute_url, {"csrf": csrf, "muted": "1"})
    assert code == 200 and await status() == "muted" and "恢复发送" in page
    code, _ = await _post(client, mute_url, {"csrf": csrf, "muted": "0"})
    assert code == 200 and await status() == "scheduled"
    code, _ = await _post(client, mute_url, {"csrf": "forged", "muted": "1"})
    assert code == 403 and await status() == "scheduled"


async def test_the_confirm_step_says_when_no_date_was_written(
    tmp_path: Path, library: Library, index: SearchIndex, client: aiohttp.ClientSession
) -> None:
    """As the chat does: a time without a date is the next one, and the preview says so."""
    async with serving_board(tmp_path, library, index) as board:
        await add_subscribers(board.harness.services.db, [3101])
        await board.signed_in(client)
        preview = f"{board.base}/dashboard/broadcasts/preview"
        form = await _form(board, client) | {"text": "周六普法讲座"}
        for typed, guessed in (("8点", True), ("今晚8.30", False), ("明天上午9点", False)):
            _, page = await _post(client, preview, form | {"when": typed})
            when = re.search(r'id="preview-when">([^<]*)<', page)
            assert when is not None, typed
            assert ("（没写日期，按最近的一次算）" in when[1]) is guessed, typed
        _, page = await _post(client, preview, form | {"when": "8.30"})
        assert 'id="problem"' in page and "8月30日" in page and "例如" in page
