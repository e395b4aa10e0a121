"""`pufa demo` has no Telegram: the start links its bot shows (an invite, an event's QR code,
留言给工作人员 in a group) lead to the demo's own web chat, which opens with that /start
(tests/bot/test_demo_page.py follows one in the browser). The real bot's stay Telegram's
(tests/e2e/test_inline.py, test_groups.py, test_ticket_paths.py, volunteer_steps.invite)."""

import aiohttp

from bot.demo import DEMO_COORDINATOR, DEMO_RESIDENT
from local_api import LocalBotApi
from local_api.demo import message_view

GROUP = -1_009_100_001


async def test_an_invite_link_opens_the_demo_chat_with_its_start(demo: LocalBotApi) -> None:
    coordinator = demo.user(DEMO_COORDINATOR, "演示协调员")
    demo.send_command(coordinator, "/invite")
    text, qr = await demo.wait_for_messages(coordinator.id, 2)
    link = qr.caption or ""
    assert link.startswith(f"{demo.url}/?start=join_"), link
    assert link in text.content and "t.me" not in text.content + link
    for shown in (text, qr):  # on the page, a link to follow
        assert f'<a href="{link}"' in message_view(shown)["html"], message_view(shown)["html"]
    async with aiohttp.ClientSession() as session, session.get(link) as page:
        assert page.status == 200 and "普法小助手" in await page.text()
    # what the page sends when it opens with ?start=…: the registration, as in Telegram
    resident = demo.user(DEMO_RESIDENT, "演示居民")
    demo.send_command(resident, f"/start {link.rsplit('=', 1)[1]}")
    [ask_name] = await demo.wait_for_messages(resident.id)
    assert "姓名" in ask_name.content, ask_name.content


async def test_an_events_qr_code_and_a_groups_way_to_the_private_chat(
    demo: LocalBotApi,
) -> None:
    coordinator = demo.user(DEMO_COORDINATOR, "演示协调员")
    demo.send_command(coordinator, "/qr 宪法进社区宣传")
    _poster, code = await demo.wait_for_messages(coordinator.id, 2)
    assert (code.caption or "").startswith(f"{demo.url}/?start=ev_"), code.caption
    group = demo.group(GROUP, "演示群")
    demo.send_command(coordinator, "/legalaid", chat=group)
    [private_only] = await demo.wait_for_messages(GROUP)
    [[button]] = private_only.buttons()
    assert button["url"] == f"{demo.url}/?start=legalaid", button
