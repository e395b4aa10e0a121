"""Which desk gets a message, through the real bot: the town's desk for its field, else the
town's 兜底 desk (`fallback: true`), whatever the order of desks.yaml."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from content.desks import Desk
from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from domain.tickets import ADVISER_CATEGORY, export_tickets
from storage.stats import Period
from storage.tickets import get_ticket
from tests.clock import TZ, local
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
    no_phone,
    reachable_desk,
    run_sla_check,
)


def town_desks() -> list[Desk]:
    """A town's 司法所 taking mediation only, written first, and its legal-aid centre taking
    legal aid, its 兜底 desk: the order and the kinds both point at the 司法所."""
    office = reachable_desk(
        "town-office", "测试镇司法所", TOWN, ["mediation"], staff_chat_id=DESK_GROUP,
        staff=[STAFF],
    )  # fmt: skip
    centre = reachable_desk(
        "town-centre", "测试镇法律援助中心", TOWN, ["legal_aid"], kind="legal_aid_centre",
        staff=[STAFF_OTHER_DESK], fallback=True,
    )  # fmt: skip
    return [office, centre]


@pytest.mark.parametrize("order", ["as written", "reversed"])
async def test_a_message_no_desk_takes_goes_to_the_towns_fallback_desk(
    tmp_path: Path, library: Library, index: SearchIndex, order: str
) -> None:
    desks = town_desks()
    if order == "reversed":
        desks.reverse()
    async with desks_running(tmp_path, library, index, desks) as bot:
        api, texts = bot.api, bot.ui.tickets
        group(bot)
        mark = after(bot)
        # labour: neither desk takes it
        sent = await leave_message(bot, api.user(7_350_001), "工地老板拖欠三个月工资")
        assert sent.content.startswith("✅ 留言已送到 测试镇法律援助中心（编号 #1）")
        ticket = await desk_message(bot, mark, STAFF_OTHER_DESK)
        assert "工地老板拖欠三个月工资" in ticket.content
        assert ticket.button_labels()[:2] == [texts.take_button, texts.reply_button]
        mark = after(bot)
        # mediation: the 司法所's own field
        await leave_message(
            bot, api.user(7_350_002), "邻居占了我家的过道", category_id="mediation"
        )
        assert "邻居占了我家的过道" in (await desk_message(bot, mark, DESK_GROUP)).content
        async with bot.services.db.session() as session:
            first = await get_ticket(session=session, ticket_id=1)
            second = await get_ticket(session=session, ticket_id=2)
        assert first is not None and first.desk_id == "town-centre"
        assert second is not None and second.desk_id == "town-office"
        assert not [m for m in api.messages_to(DESK_GROUP) if "工地老板" in m.content]


ADVISER_STAFF = 7_350_090


async def test_an_adviser_of_villages_in_two_towns_keeps_the_message_left_for_it(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """留言 under a village adviser whose desk serves villages of two towns: the resident is
    asked which of its towns, and the message still goes to the adviser, not the town's desk."""
    every = [c.id for c in library.categories]
    adviser = reachable_desk(
        "two-town-adviser", "测试两镇法律顾问", TOWN, every, kind="village_adviser",
        towns=[TOWN, OTHER_TOWN], villages=["新村", "石门村"], staff=[ADVISER_STAFF],
    )  # fmt: skip
    office = reachable_desk(
        "other-office", "测试东山司法所", OTHER_TOWN, every, staff=[STAFF_OTHER_DESK],
        fallback=True,
    )  # fmt: skip
    async with desks_running(tmp_path, library, index, [office, adviser]) as bot:
        api, texts = bot.api, bot.ui.tickets
        resident = api.user(7_350_003)
        api.send_command(resident, "/adviser")
        [towns] = await api.wait_for_messages(resident.id)
        villages = await bot.answer(resident, towns, OTHER_TOWN)
        card = await bot.last_answer(resident, villages, "石门村")
        town_prompt = await bot.tap(resident, card, texts.leave_button)
        assert town_prompt.content == plain_text(f"{texts.ask_title}\n{texts.ask_town}")
        assert town_prompt.button_labels() == [TOWN, OTHER_TOWN, texts.exit_button]  # its towns
        text_prompt = await bot.answer(resident, town_prompt, OTHER_TOWN)
        assert "字以内" in text_prompt.content
        api.send_text(resident, "村里修路占了我家的地")
        _ask, skip = await api.wait_for_messages(resident.id, 2)
        summary = await no_phone(bot, resident, skip)
        assert "送到：测试两镇法律顾问" in summary.content
        mark = after(bot)
        await bot.last_answer(resident, summary, texts.send_button)
        assert "村里修路占了我家的地" in (await desk_message(bot, mark, ADVISER_STAFF)).content
        assert not [m for m in api.messages_to(STAFF_OTHER_DESK) if "修路" in m.content]


async def test_a_message_for_an_adviser_is_filed_under_public_legal_services(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """留言 under a village adviser (no field known: the adviser view has none) is filed under
    法律援助与公共法律服务, not the adviser desk's first field, and counts at the adviser's
    desk in /export 留言."""
    adviser = reachable_desk(
        "shimen-adviser", "测试石门村法律顾问", OTHER_TOWN, ["civil_code", "rural"],
        kind="village_adviser", villages=["石门村"], staff=[ADVISER_STAFF],
    )  # fmt: skip
    office = reachable_desk(
        "other-office", "测试东山司法所", OTHER_TOWN, ["civil_code", "rural", ADVISER_CATEGORY],
        staff=[STAFF_OTHER_DESK], fallback=True,
    )  # fmt: skip
    async with desks_running(tmp_path, library, index, [office, adviser]) as bot:
        bot.clock.flowing = False
        bot.clock.set(local(2026, 3, 10, 10, 0))
        api, texts = bot.api, bot.ui.tickets
        resident = api.user(7_350_005)
        api.send_command(resident, "/adviser")
        [towns] = await api.wait_for_messages(resident.id)
        villages = await bot.answer(resident, towns, OTHER_TOWN)
        card = await bot.last_answer(resident, villages, "石门村")
        text_prompt = await bot.tap(resident, card, texts.leave_button)  # no field, no town
        assert "字以内" in text_prompt.content
        api.send_text(resident, "村里修路占了我家的地")
        _ask, skip = await api.wait_for_messages(resident.id, 2)
        summary = await no_phone(bot, resident, skip)
        assert "分类：法律援助与公共法律服务" in summary.content
        assert "送到：测试石门村法律顾问" in summary.content
        mark = after(bot)
        await bot.last_answer(resident, summary, texts.send_button)
        desk_copy = await desk_message(bot, mark, ADVISER_STAFF)
        assert "分类：法律援助与公共法律服务" in desk_copy.content
        async with bot.services.db.session() as session:
            stored = await get_ticket(session=session, ticket_id=1)
            figures = await export_tickets(
                session=session, period=Period(date(2026, 3, 1), date(2026, 3, 31)),
                fmt="csv", library=bot.services.library, tz=TZ,
            )  # fmt: skip
        assert stored is not None
        assert (stored.desk_id, stored.category) == ("shimen-adviser", ADVISER_CATEGORY)
        lines = figures.data.decode("utf-8-sig").splitlines()
        assert lines[1:] == ["测试石门村法律顾问,2026-03,1,0,0,0,0,,0,0,0,0,0"]
        assert not [m for m in api.messages_to(STAFF_OTHER_DESK) if "修路" in m.content]


async def test_a_ticket_whose_desk_left_desks_yaml_is_not_forgotten(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """A desk's id renamed in desks.yaml while a ticket waits there: nobody can act on it, and
    at its escalation time the coordinators are told so (not silence)."""
    async with desks_running(tmp_path, library, index) as bot:
        bot.clock.flowing = False
        bot.clock.set(local(2026, 3, 10, 10, 0))
        mark = after(bot)
        await leave_message(bot, bot.api.user(7_350_004), "公司不给交社保")
        await desk_message(bot, mark)
        current = bot.services.library
        first, second = current.desks
        renamed = first.model_copy(update={"id": "renamed-office"})
        bot.services.swap_content(replace(current, desks=[renamed, second]), bot.services.index)
        mark = after(bot)
        await run_sla_check(bot, local(2026, 3, 10, 12, 0))  # due: no desk to remind
        await run_sla_check(bot, local(2026, 3, 10, 16, 0))  # escalation time
        [told] = await bot.api.wait_for_messages(ADMIN_ID, after=mark)
        assert told.content == plain_text(
            bot.ui.tickets.escalation_desk_gone.format(
                id=1, category="劳动与工资", town=TOWN, hours=6, desk="test-office"
            )
        )
        assert "社保" not in told.content
        assert "yaml" not in told.content and "运维人员" in told.content  # whom to ask
