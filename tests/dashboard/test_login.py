"""Signing in to the dashboard: one-time links, sessions, CSRF, and only coordinators."""

from datetime import timedelta

import aiohttp
from aiohttp import web
from sqlmodel import select

from bot.instance import Instance, InstanceRole
from bot.server import build_web_app
from storage.models import Broadcast
from tests.dashboard.conftest import Board, loopback_socket
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.volunteer_steps import answer_question

RESIDENT_ID = 7_100_001
PROMOTED_ID = 7_100_002


async def test_link_opens_a_session_once(board: Board, client: aiohttp.ClientSession) -> None:
    link = await board.link()
    async with client.get(link) as response:  # the link's page does not spend the token
        assert response.status == 200
        assert "登录" in await response.text()
    async with client.post(
        f"{board.base}/dashboard/login", data={"token": board.token(link)}
    ) as response:
        assert response.status == 200
        page = await response.text()
        assert "概览" in page and "本月" in page
    cookie = next(c for c in client.cookie_jar if c.key == "pufa_dashboard")
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other,
        other.post(f"{board.base}/dashboard/login", data={"token": board.token(link)}) as again,
    ):
        assert again.status == 403  # used already
    async with client.get(link) as response:  # opened again where it was used: signed in
        assert response.status == 200 and response.url.path == "/dashboard/"
        assert "概览" in await response.text()
    async with aiohttp.ClientSession() as other, other.get(link) as response:
        page = await response.text()  # elsewhere: says it is spent and how to get another
        assert response.status == 410 and board.harness.ui.dashboard.bad_link in page
        assert 'id="login"' not in page


async def test_refused_without_session_expired_link_and_forged_csrf(
    board: Board, client: aiohttp.ClientSession
) -> None:
    async with client.get(f"{board.base}/dashboard/reports") as response:
        assert response.status == 401
    link = await board.link()
    board.harness.clock.advance(timedelta(minutes=11))
    async with client.post(
        f"{board.base}/dashboard/login", data={"token": board.token(link)}
    ) as response:
        assert response.status == 403
    await board.signed_in(client)
    async with client.post(f"{board.base}/dashboard/logout", data={"csrf": "forged"}) as response:
        assert response.status == 403
    csrf = await board.csrf(client)
    async with client.post(f"{board.base}/dashboard/logout", data={"csrf": csrf}) as response:
        assert response.status == 200
    async with client.get(f"{board.base}/dashboard/") as response:
        assert response.status == 401


async def test_only_coordinators_and_demotion_ends_sessions(
    board: Board, client: aiohttp.ClientSession
) -> None:
    api, harness = board.harness.api, board.harness
    resident = api.user(RESIDENT_ID)
    reply = await harness.ask(resident, "/dashboard")
    assert "login" not in (reply.text or "")
    promoted = api.user(PROMOTED_ID)
    await harness.ask(promoted, "你好")
    await harness.services.people_seen.flush()
    admin = api.user(ADMIN_ID)
    question = await harness.ask(admin, f"/promote {PROMOTED_ID}")
    await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
    await api.wait_for_messages(PROMOTED_ID, count=2)  # the answer, "you are a coordinator"
    await board.signed_in(client, PROMOTED_ID)
    async with client.get(f"{board.base}/dashboard/") as response:
        assert response.status == 200
    question = await harness.ask(admin, f"/demote {PROMOTED_ID}")
    await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
    async with client.get(f"{board.base}/dashboard/") as response:
        assert response.status in (401, 403)


async def test_a_standby_serves_no_dashboard(board: Board, client: aiohttp.ClientSession) -> None:
    """A second process of the bot standing by must not act, not even from its web pages:
    a broadcast created there would start sending from the wrong instance."""
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/broadcasts")
    standby = web.AppRunner(
        build_web_app(board.harness.app, instance=Instance(InstanceRole.STANDBY))
    )
    await standby.setup()
    listening = loopback_socket()
    try:
        await web.SockSite(standby, listening).start()
        base = f"http://127.0.0.1:{listening.getsockname()[1]}"
        async with client.get(f"{base}/dashboard/") as response:
            assert response.status == 503
            assert "备用" in await response.text()
        form = {"csrf": csrf, "text": "备用服务器发出的通知"}
        async with client.post(f"{base}/dashboard/broadcasts/create", data=form) as response:
            assert response.status == 503
    finally:
        await standby.cleanup()
        listening.close()
    async with client.get(f"{board.base}/dashboard/") as response:  # the active one serves
        assert response.status == 200
    async with board.harness.services.db.session() as session:
        made = select(Broadcast).where(Broadcast.origin == "coordinator")
        assert (await session.exec(made)).all() == []
