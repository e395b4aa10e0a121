"""With PUFA_PUBLIC_URL, the coordinators' messages about reports link to the dashboard: each
"📝 新的活动报告" copy to the report's page (and its photos there), kept when the copy is
edited after a decision; the daily digest says how many reports wait for review, linked to
the 待审核 list. The links are followed by a signed-in browser-like client."""

from pathlib import Path
from typing import Any

import aiohttp

from content.loader import Library
from content.search import SearchIndex
from handlers.kit.review import notice
from local_api import SentMessage
from storage.reports import get_report
from tests.dashboard.conftest import ADMIN_ID, PHOTO, Board, seed, serving_board
from tests.e2e.conftest import bot_factory, running_bot
from tests.e2e.volunteer_steps import invite, press, register, report_to_card

VOLUNTEER = 7_300_001


def _links(message: SentMessage) -> list[dict[str, Any]]:
    return [e for e in message.entities if e["type"] == "text_link"]


def _linked(message: SentMessage, entity: dict[str, Any]) -> str:
    """The words a text link covers (offsets in UTF-16 code units)."""
    units = (message.text or "").encode("utf-16-le")
    start, length = entity["offset"] * 2, entity["length"] * 2
    return units[start : start + length].decode("utf-16-le")


async def test_a_report_notification_links_to_its_page(
    board: Board, client: aiohttp.ClientSession
) -> None:
    harness, texts = board.harness, board.harness.ui.review
    await board.signed_in(client)
    volunteer = harness.api.user(VOLUNTEER, "志愿者")
    await register(harness, volunteer, await invite(harness, "城关镇"))
    card = await report_to_card(harness, volunteer)
    mark = len(harness.api.state.sent)
    await press(harness, volunteer, card, "提交", 2)
    [copy] = await harness.api.wait_for_messages(ADMIN_ID, after=mark)
    assert "新的活动报告" in (copy.text or "")
    assert copy.button_labels() == [texts.verify_button, texts.return_button]
    [link] = _links(copy)
    assert _linked(copy, link) == texts.web_link  # no photos: no word of them
    report_id = int(link["url"].rsplit("/", 1)[1])
    assert link["url"] == f"{board.base}/dashboard/reports/{report_id}"
    async with client.get(link["url"]) as response:
        page = await response.text()
        assert response.status == 200 and f"活动报告 #{report_id}" in page
        assert "在文化广场宣讲宪法" in page and 'id="review-actions"' in page

    harness.api.press_button(harness.api.user(ADMIN_ID), copy, texts.verify_button)
    edited = await harness.api.wait_for_call(
        "editMessageText",
        timeout=30,
        predicate=lambda call: call.params.get("message_id") == copy.message_id,
        after=0,
    )
    assert edited.status == 200 and "已核实" in str(edited.params.get("text"))
    assert link["url"] in str(edited.params.get("text"))  # the decided copy keeps the link


async def test_the_link_names_the_photos_the_page_shows(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)  # report 1 has a photo
    await board.signed_in(client)
    services = board.harness.services
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=1)
    assert report is not None
    text, _ = await notice(services, report)
    label = services.ui.review.web_link_photos.format(photos=1)
    assert f'<a href="{board.base}/dashboard/reports/1">{label}</a>' in text
    page = await (await client.get(f"{board.base}/dashboard/reports/1")).text()
    assert 'src="/dashboard/reports/1/photo/0"' in page
    async with client.get(f"{board.base}/dashboard/reports/1/photo/0") as response:
        assert response.status == 200 and await response.read() == PHOTO


async def test_the_digest_links_to_the_reports_waiting_for_review(
    tmp_path: Path, library: Library, index: SearchIndex, client: aiohttp.ClientSession
) -> None:
    async with serving_board(tmp_path, library, index, report_notify="digest") as board:
        await seed(board)  # three reports, not told about yet
        await board.signed_in(client)
        harness, texts = board.harness, board.harness.ui.review
        app = harness.app
        assert app.job_queue is not None
        [job] = app.job_queue.get_jobs_by_name("report-digest")
        mark = len(harness.api.state.sent)
        await job.run(app)
        [digest] = await harness.api.wait_for_messages(ADMIN_ID, after=mark)
        assert "今日活动报告 3 份" in (digest.text or "") and not digest.button_labels()
        [link] = _links(digest)
        assert _linked(digest, link) == texts.digest_review_link
        assert texts.digest_pending_link.format(count=3, link=texts.digest_review_link) in (
            digest.text or ""
        )
        async with client.get(link["url"]) as response:
            listing = await response.text()
            assert response.status == 200, listing
        assert listing.count('class="review-pending">') == 3
        verify_all = harness.ui.dashboard.verify_all_button.format(count=3)
        assert verify_all in listing and 'value="pending" selected' in listing
        assert 'class="error"' not in listing  # the link's period and filter are valid


async def test_no_public_address_no_links(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        admin_ids=frozenset({ADMIN_ID}),
        report_notify="digest",
    ) as harness:  # no PUFA_PUBLIC_URL: the dashboard is only on this machine's port
        await seed(Board(harness, "http://127.0.0.1:8080"))
        async with harness.services.db.session() as session:
            report = await get_report(session=session, report_id=1)
        assert report is not None
        text, _ = await notice(harness.services, report)
        assert "<a " not in text and harness.ui.review.web_link not in text
        assert harness.app.job_queue is not None
        [job] = harness.app.job_queue.get_jobs_by_name("report-digest")
        mark = len(harness.api.state.sent)
        await job.run(harness.app)
        [digest] = await harness.api.wait_for_messages(ADMIN_ID, after=mark)
        assert harness.ui.review.digest_pending.format(count=3) in (digest.text or "")
        assert not _links(digest) and not digest.button_labels()
