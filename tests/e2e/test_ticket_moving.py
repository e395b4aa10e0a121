"""转办 through the real bot: the desks offered (the ticket's town's first, then by name), and a
ticket whose desk left desks.yaml, which a coordinator moves to a current desk from the
message telling them so (the role checked at every press, forged ids refused)."""

from dataclasses import replace
from pathlib import Path

from sqlmodel import col, select

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import Kind, make
from storage.models import AuditLog
from storage.tickets import get_ticket
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    OTHER_TOWN,
    STAFF,
    STAFF_OTHER_DESK,
    TOWN,
    after,
    desk_message,
    desks_running,
    group,
    leave_message,
    reachable_desk,
    run_sla_check,
)


async def test_the_desks_to_move_to_list_the_tickets_town_first_then_by_name(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    every = [c.id for c in library.categories]
    here = reachable_desk(
        "here-office", "测试镇司法所", TOWN, every, staff_chat_id=DESK_GROUP, staff=[STAFF],
        fallback=True,
    )  # fmt: skip
    desks = [
        reachable_desk("b-far", "B 东山镇调委会", OTHER_TOWN, ["mediation"], staff=[7_360_001]),
        reachable_desk("z-near", "Z 城关镇调委会", TOWN, ["mediation"], staff=[7_360_002]),
        here,
        reachable_desk("a-far", "A 东山镇司法所", OTHER_TOWN, every, staff=[7_360_003],
                       fallback=True),
        reachable_desk("m-both", "M 县法律援助中心", OTHER_TOWN, ["legal_aid"],
                       towns=[OTHER_TOWN, TOWN], staff=[7_360_004]),
    ]  # fmt: skip
    async with desks_running(tmp_path, library, index, desks) as bot:
        texts = bot.ui.tickets
        group(bot)
        mark = after(bot)
        await leave_message(bot, bot.api.user(7_360_010), "邻居的树挡住了我家的窗户")
        ticket = await desk_message(bot, mark)
        pick = await bot.tap(bot.api.user(STAFF), ticket, texts.transfer_button)
        assert pick.button_labels() == [
            "M 县法律援助中心", "Z 城关镇调委会",  # serving 城关镇, by name
            "A 东山镇司法所", "B 东山镇调委会",  # the others, by name
            texts.transfer_cancel_button,
        ]  # fmt: skip


async def test_a_coordinator_moves_a_ticket_whose_desk_left_desks_yaml(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with desks_running(tmp_path, library, index) as bot:
        api, texts = bot.api, bot.ui.tickets
        bot.clock.flowing = False
        bot.clock.set(local(2026, 3, 10, 10, 0))
        resident, coordinator, staff = api.user(7_360_020), api.user(ADMIN_ID), api.user(STAFF)
        group(bot)
        mark = after(bot)
        await leave_message(bot, resident, "公司不给交社保")
        await desk_message(bot, mark)
        current = bot.services.library
        first, second = current.desks
        renamed = first.model_copy(update={"id": "renamed-office", "name": "测试镇新司法所"})
        bot.services.swap_content(replace(current, desks=[second, renamed]), bot.services.index)
        # A follow-up meanwhile is kept with the ticket, for whichever desk gets it.
        [sent] = [m for m in api.messages_to(resident.id) if "#1" in m.content]
        mark = after(bot)
        api.send_text(resident, "公司说下个月再补交", reply_to=sent.message_id)
        [kept] = await api.wait_for_messages(resident.id, after=mark)
        assert kept.content == texts.more_kept.format(id=1)
        mark = after(bot)
        await run_sla_check(bot, local(2026, 3, 10, 16, 0))  # escalation time
        [told] = await api.wait_for_messages(ADMIN_ID, after=mark)
        assert told.button_labels() == [texts.transfer_gone_button]
        assert told.find_button(texts.transfer_gone_button)["callback_data"] == make(
            Kind.DESK, "move", 1
        )

        # Only a coordinator may move it, at every press: staff of the old desk, the resident.
        for outsider in (staff, resident):
            refused = await bot.press(outsider, told, make(Kind.DESK, "move", 1))
            assert refused["text"] == bot.ui.not_allowed
        pick = await bot.tap(coordinator, told, texts.transfer_gone_button)
        assert pick.content == texts.transfer_pick.format(id=1)
        assert pick.button_labels() == [  # its town first
            "测试镇新司法所", "测试东山司法所", texts.transfer_cancel_button,
        ]  # fmt: skip
        refused = await bot.press(staff, pick, make(Kind.DESK, "to", 1, "other-office"))
        assert refused["text"] == bot.ui.not_allowed
        for forged in (
            make(Kind.DESK, "to", 1, "no-such-desk"),
            make(Kind.DESK, "to", 1, "test-office"),  # the desk that is gone
            make(Kind.DESK, "to", 1),
        ):
            answer = await bot.press(coordinator, pick, forged)
            assert answer["text"] == texts.transfer_unknown_desk, forged
        async with bot.services.db.session() as session:
            stored = await get_ticket(session=session, ticket_id=1)
            refusals = await session.exec(
                select(AuditLog.actor_id).where(
                    col(AuditLog.action).in_(["ticket-move", "ticket-to"]),
                    col(AuditLog.allowed).is_(False),
                )
            )
            refused_ids = sorted(actor or 0 for actor in refusals.all())
        assert stored is not None and stored.desk_id == "test-office"
        assert refused_ids == sorted([STAFF, resident.id, STAFF])

        mark = after(bot)
        api.press_button(coordinator, pick, "测试东山司法所")
        [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
        assert "公司不给交社保" in card.content and "公司说下个月再补交" in card.content
        assert card.button_labels()[:2] == [texts.take_button, texts.reply_button]
        [moved] = await api.wait_for_messages(ADMIN_ID, after=mark)
        assert moved.content == texts.transferred_desk.format(id=1, desk="测试东山司法所")
        [heard] = await api.wait_for_messages(resident.id, after=mark)
        assert heard.content == plain_text(
            texts.transferred_resident.format(id=1, desk="测试东山司法所")
        )
        async with bot.services.db.session() as session:
            stored = await get_ticket(session=session, ticket_id=1)
        assert stored is not None and stored.desk_id == "other-office" and not stored.closed
        # The same message pressed again (by this or another coordinator): it has moved.
        again = await bot.press(coordinator, told, make(Kind.DESK, "move", 1))
        assert again["text"] == texts.moved_away.format(desk="测试东山司法所")
        # Its new desk's staff answer it as usual.
        mark = after(bot)
        reply_prompt = await bot.tap(api.user(STAFF_OTHER_DESK), card, texts.reply_button)
        assert reply_prompt.content.startswith("✍️")
        api.send_text(api.user(STAFF_OTHER_DESK), "请带上劳动合同来所里。")
        [answered] = await api.wait_for_messages(resident.id, after=mark)
        assert "请带上劳动合同来所里" in answered.content


async def test_the_desk_list_can_be_cancelled(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """取消 under the desks to move to takes the list away (only the desk's staff may); the
    ticket stays, its own buttons working."""
    async with desks_running(tmp_path, library, index) as bot:
        api, texts = bot.api, bot.ui.tickets
        staff = api.user(STAFF)
        group(bot)
        mark = after(bot)
        await leave_message(bot, api.user(7_360_030), "公司不给交社保")
        ticket = await desk_message(bot, mark)
        pick = await bot.tap(staff, ticket, texts.transfer_button)
        assert pick.button_labels()[-1] == texts.transfer_cancel_button
        cancel = pick.find_button(texts.transfer_cancel_button)["callback_data"]
        refused = await bot.press(api.user(STAFF_OTHER_DESK), pick, cancel)
        assert refused["text"] == texts.not_staff
        kept = await bot.tap(staff, pick, texts.transfer_cancel_button)
        assert (kept.action, kept.message_id) == ("edit", pick.message_id)
        assert kept.content == plain_text(texts.transfer_cancelled.format(id=1))
        assert kept.buttons() == []
        async with bot.services.db.session() as session:
            stored = await get_ticket(session=session, ticket_id=1)
        assert stored is not None and stored.desk_id == "test-office" and not stored.closed
        taken = await bot.tap(staff, ticket, texts.take_button)  # its buttons still work
        assert taken.content == texts.taken.format(id=1)
        forged = await bot.press(staff, pick, make(Kind.DESK, "move", 1, "whatever"))
        assert forged["text"] == bot.ui.stale_button
