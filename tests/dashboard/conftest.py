"""The dashboard as it runs: the real bot polling a LocalBotApi, its web app (bot/server.py)
served on a free loopback port, and a browser-like HTTP client with a cookie jar."""

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.server import build_web_app
from content.index_cache import cached_content
from content.loader import Library
from content.search import SearchIndex
from storage.models import CloseReason, VoteKind
from storage.people import touch_person
from storage.tickets import (
    NewTicket,
    add_entry,
    claim_overdue,
    close,
    open_ticket,
    rate,
    take,
    transfer,
)
from storage.votes import Ballot, cast_vote
from tests.clock import local
from tests.conftest import content_without_calendar
from tests.content.content_copy import keep_first_asked
from tests.e2e.conftest import ADMIN_ID, Harness, bot_factory, running_bot
from tests.reporting import add_report, add_volunteer

LINK = re.compile(r"(http://\S+/dashboard/login\?token=[\w-]+)")
_CODE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{\w+\}")


def unfilled(page: str) -> list[str]:
    """Catalogue placeholders (`{day}`) left in a page's text: a template never filled in."""
    return _PLACEHOLDER.findall(_TAG.sub(" ", _CODE.sub(" ", page)))


def loopback_socket() -> socket.socket:
    """A socket bound to a free loopback port, for a web app to serve on (`web.SockSite`): a
    port only looked up may be taken before the app binds it, by another test's server or by
    a connection's own end."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    return listening


@dataclass
class Board:
    harness: Harness
    base: str

    async def link(self, telegram_id: int = ADMIN_ID) -> str:
        """The one-time login link the bot sends for /dashboard."""
        user = self.harness.api.user(telegram_id)
        reply = await self.harness.ask(user, "/dashboard")
        found = LINK.search(reply.text or "")
        assert found, reply.text
        return found[1]

    def token(self, link: str) -> str:
        return link.split("token=", 1)[1]

    async def signed_in(self, client: aiohttp.ClientSession, telegram_id: int = ADMIN_ID) -> None:
        link = await self.link(telegram_id)
        async with client.post(
            f"{self.base}/dashboard/login", data={"token": self.token(link)}
        ) as response:
            assert response.status == 200, await response.text()

    async def csrf(self, client: aiohttp.ClientSession, path: str = "/dashboard/") -> str:
        async with client.get(self.base + path) as response:
            page = await response.text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return found[1]


@asynccontextmanager
async def serving_board(
    tmp_path: Path, library: Library, index: SearchIndex, **overrides: Any
) -> AsyncIterator[Board]:
    listening = loopback_socket()
    port = int(listening.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        admin_ids=frozenset({ADMIN_ID}),
        user_rate_per_minute=10_000,
        web_port=port,
        public_url=base,
        **overrides,
    ) as harness:
        runner = web.AppRunner(build_web_app(harness.app))
        await runner.setup()
        try:
            await web.SockSite(runner, listening).start()
            yield Board(harness, base)
        finally:
            await runner.cleanup()
            listening.close()


@pytest.fixture
async def editable_board(tmp_path: Path, content_cache: Path) -> AsyncIterator[Board]:
    """A bot on its own copy of the content, which the dashboard edits (PUFA_CONTENT_DIR);
    broadcasts go out at 5 a second, so one to 60 people is still running when watched.
    The copy keeps its first 300 labelled questions: the dashboard rebuilds the index at each
    decision, and these tests are of the decisions, not of how well the whole dev set answers."""
    content = keep_first_asked(content_without_calendar(tmp_path), 300)
    library, index = cached_content(content, content_cache)
    async with serving_board(
        tmp_path, library, index, content_dir=content, broadcast_rate_per_second=5
    ) as served:
        yield served


EAST, WEST = "示例县东山镇", "示例县西河镇"
ALICE, BOB = 7_200_001, 7_200_002
PHOTO = b"\xff\xd8jpeg-bytes"


async def seed(board: Board) -> None:
    """Two volunteers, three reports in March 2026 (the clock's month), one with a photo."""
    db = board.harness.services.db
    await add_volunteer(db, ALICE, name="李梅", town=EAST)
    await add_volunteer(db, BOB, name="王强", town=WEST, phone="13900139000")
    photo = board.harness.api.state.store_file(PHOTO, "photo", mime_type="image/jpeg")
    await add_report(
        db, ALICE, town=EAST, activity_date=date(2026, 3, 2), photo_file_ids=(photo.file_id,)
    )
    await add_report(
        db, ALICE, town=EAST, activity_date=date(2026, 3, 5), activity_type="anti_fraud"
    )
    await add_report(db, BOB, town=WEST, activity_date=date(2026, 3, 6), audience=40)


WAGES, CONSUMER = "unpaid-wages", "consumer-rights"
ANSWER, EVENT = VoteKind.ANSWER, VoteKind.EVENT
VOTES = (  # voter, when (Shanghai), town, card, kind, satisfied: 6 from 2026-01-01 on
    (5001, local(2026, 1, 15, 9), EAST, WAGES, ANSWER, False),
    (5002, local(2026, 2, 1, 0, 30), EAST, WAGES, ANSWER, True),  # still January in UTC
    (5003, local(2026, 2, 20, 9), WEST, CONSUMER, ANSWER, False),
    (5004, local(2026, 3, 2, 9), EAST, CONSUMER, ANSWER, False),
    (5005, local(2026, 3, 5, 9), WEST, WAGES, ANSWER, True),
    (5006, local(2026, 3, 6, 9), "", None, EVENT, True),
    (5007, local(2025, 12, 31, 23), EAST, CONSUMER, ANSWER, False),  # before the period
)


async def seed_votes(board: Board) -> None:
    """Residents' 👍 / 👎 (VOTES) from December 2025 to March 2026 (the clock's month)."""
    async with board.harness.services.db.session() as session:
        for voter, at, town, card, kind, up in VOTES:
            ballot = Ballot(voter, f"c-{voter}", kind, card, town, up)
            await cast_vote(session=session, ballot=ballot, now=at)


TICKET_RESIDENT, TICKET_STAFF = 7_310_777, 7_300_777
STAFF_NAME = "示例值班员"
PHONE = "13912345678"
SECRET = "邻居把我家的院墙推倒了，一直不肯赔"
CHENGGUAN, DONGSHAN, LEGAL_AID = (
    "chengguan-judicial-office",
    "dongshan-judicial-office",
    "county-legal-aid-centre",
)
XIHE, NANHU = "xihe-mediation-committee", "nanhu-judicial-office"
TICKETS_NOW = local(2026, 3, 10, 10, 0)  # the tickets page is read then (a Tuesday)


async def _open(board: Board, key: str, desk: str, opened: datetime, due: timedelta) -> int:
    """A ticket with the resident's text and phone number, due `due` after it was opened and
    escalated a day later."""
    async with board.harness.services.db.session() as session:
        ticket, _ = await open_ticket(
            session=session,
            new=NewTicket(
                key=key,
                resident_id=TICKET_RESIDENT,
                desk_id=desk,
                category="civil_code",
                town="示例县城关镇",
                text=SECRET,
                contact=PHONE,
                created_at=opened,
                due_at=opened + due,
                escalate_at=opened + due + timedelta(days=1),
            ),
        )
    return ticket.id


async def seed_tickets(board: Board) -> dict[str, int]:
    """Residents' messages to the sample desks in February and March 2026, some ended, as of
    TICKETS_NOW: by name, their numbers."""
    services = board.harness.services
    db, hours = services.db, timedelta(hours=2)
    ids = {
        "february": await _open(board, "f", NANHU, local(2026, 2, 20, 10), hours),
        "escalated": await _open(board, "e", CHENGGUAN, local(2026, 3, 2, 9), hours),
        "done": await _open(board, "d", CHENGGUAN, local(2026, 3, 3, 9), hours),
        "phoned": await _open(board, "p", DONGSHAN, local(2026, 3, 4, 9), hours),
        "moved": await _open(board, "m", XIHE, local(2026, 3, 5, 9), hours),
        "answered": await _open(board, "a", DONGSHAN, local(2026, 3, 6, 9), hours),
        "taken": await _open(board, "t", DONGSHAN, local(2026, 3, 9, 15), timedelta(hours=18)),
        "new": await _open(board, "n", LEGAL_AID, local(2026, 3, 10, 9, 30), hours),
    }
    async with db.session() as session:
        # "escalated": past both deadlines, the coordinators told (the SLA check's claim)
        claimed = await claim_overdue(session=session, deadline="escalate", now=TICKETS_NOW)
        late = ("escalated", "february", "done", "phoned", "moved", "answered")
        assert {t.id for t in claimed} == {ids[name] for name in late}
    async with db.session() as session:
        done = ids["done"]  # answered by the deadline, ended, rated 满意
        await add_entry(
            session=session, ticket_id=done, author="desk", text="答复", staff_id=TICKET_STAFF,
            now=local(2026, 3, 3, 10), desk_id=CHENGGUAN,
        )  # fmt: skip
        await close(session=session, ticket_id=done, now=local(2026, 3, 3, 11))
        await rate(session=session, ticket_id=done, resident_id=TICKET_RESIDENT, rating=3)
        phoned = ids["phoned"]  # ended unanswered, rated 一般
        await close(session=session, ticket_id=phoned, now=TICKETS_NOW, reason=CloseReason.PHONED)
        await rate(session=session, ticket_id=phoned, resident_id=TICKET_RESIDENT, rating=2)
        moved = ids["moved"]  # 转办 from 西河 to 南湖, answered late there, not ended
        assert await transfer(
            session=session, ticket_id=moved, from_desk=XIHE, to_desk=NANHU,
            due_at=local(2026, 3, 6, 9), escalate_at=local(2026, 3, 7, 9),
        )  # fmt: skip
        await add_entry(
            session=session, ticket_id=moved, author="desk", text="答复", staff_id=TICKET_STAFF,
            now=local(2026, 3, 8, 9), desk_id=NANHU,
        )  # fmt: skip
        await add_entry(
            session=session, ticket_id=ids["answered"], author="desk", text="答复",
            staff_id=TICKET_STAFF, now=local(2026, 3, 6, 10), desk_id=DONGSHAN,
        )  # fmt: skip
        assert await take(session=session, ticket_id=ids["taken"], staff_id=TICKET_STAFF)
        await touch_person(
            session=session,
            telegram_id=TICKET_STAFF,
            name=STAFF_NAME,
            username=None,
            now=TICKETS_NOW,
        )
    return ids


@pytest.fixture
async def board(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Board]:
    async with serving_board(tmp_path, library, index) as served:
        yield served


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
