"""Broadcasts from the dashboard: compose, preview, schedule, cancel, progress and stop."""

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from content.loader import Library
from content.search import SearchIndex
from dashboard.broadcasts import REMINDERS, REMINDERS_PER_PAGE
from scheduler.messages import AlbumItem, album_text
from scheduler.planning import audience_name, store_draft
from storage import broadcasts as repo
from storage.audience import Audience
from tests.broadcasting import NOW, TZ, add_subscribers, draft
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
    listed = re.findall(r'action="/dashboard/broadcasts/(\d+)/mute\?', page)
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


async def test_every_calendar_reminder_is_shown_with_whom_it_goes_to(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """The calendar plans a year of reminders, more than one page: every one can be reached
    (a "more" link), muted from its own page, and says whom it goes to in words, in the list
    and on its page (a campaign's residents and volunteers are two rows, not duplicates)."""
    services = board.harness.services
    async with services.db.session() as session:
        planned = await repo.upcoming(session=session, origins=REMINDERS, limit=10_000)
    assert len(planned) > REMINDERS_PER_PAGE
    await board.signed_in(client)
    url, pages, seen = f"{board.base}/dashboard/broadcasts", [], {}
    while True:
        async with client.get(url) as response:
            page = await response.text()
        pages.append(str(response.url))
        assert f'id="reminders-total">{len(planned)}<' in page
        rows = re.findall(
            r'<tr><td>(\d+)</td><td>[^<]*</td>\s*<td>[^<]*</td>\s*<td class="audience">([^<]*)<',
            page,
        )
        assert rows and len(rows) <= REMINDERS_PER_PAGE
        seen.update({int(i): name for i, name in rows})
        more = re.search(r'href="(\?reminders=\d+)#reminders" id="more-reminders"', page)
        if more is None:
            break
        url = f"{board.base}/dashboard/broadcasts{more[1]}"
    assert list(seen) == [row.id for row in planned]  # all of them, soonest first
    for row in planned:
        named = audience_name(services.library, Audience(row.audience), row.audience_value)
        assert seen[row.id or 0] == named and not re.search(r"[a-z]{4,}", named), row
    assert {Audience.CATEGORIES, Audience.VOLUNTEERS, Audience.UNREPORTED} <= {
        Audience(row.audience) for row in planned
    }
    firsts = {row.audience: row.id or 0 for row in reversed(planned)}
    for shown in firsts.values():  # the first of each audience: its page names it too
        async with client.get(f"{board.base}/dashboard/broadcasts/{shown}") as response:
            assert f'id="audience">{seen[shown]}<' in await response.text()
    last = planned[-1]
    csrf = await board.csrf(client, "/dashboard/broadcasts")
    back = pages[-1].split("?", 1)[1]
    mute = f"{board.base}/dashboard/broadcasts/{last.id}/mute?{back}"
    code, page = await _post(client, mute, {"csrf": csrf, "muted": "1"})
    assert code == 200 and f"<tr><td>{last.id}</td>" in page
    assert re.search(rf"<tr><td>{last.id}</td>.*?恢复发送", page, re.S)
    async with services.db.session() as session:
        muted = await repo.get_broadcast(session=session, broadcast_id=last.id or 0)
    assert muted is not None and muted.status == "muted"


async def test_an_album_from_the_chat_is_shown_as_an_album(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """A /broadcast album's page names it an album with its caption, never its stored items."""
    services = board.harness.services
    await add_subscribers(services.db, [3201])
    items = [
        AlbumItem("photo", f"photo-{n}", "<b>宣传</b>海报" if n == 0 else "") for n in range(3)
    ]
    album = replace(draft(), content_kind="album", text=album_text(items))
    async with services.db.session() as session:
        row = await store_draft(
            session=session, draft=album, library=services.library, now=NOW, tz=TZ
        )
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/broadcasts/{row.id}") as response:
        page = await response.text()
    assert "（相册，3 项）宣传海报" in page and "photo-1" not in page


async def test_a_text_of_only_emoji_is_refused(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await add_subscribers(board.harness.services.db, [3202])
    await board.signed_in(client)
    form = await _form(board, client) | {"text": "🎉👏！"}
    status, page = await _post(client, f"{board.base}/dashboard/broadcasts/preview", form)
    assert status == 200 and board.harness.ui.dashboard.no_letters in page
