"""居民留言 (/dashboard/tickets): each desk's figures for a month, the same as /export 留言, and
the messages not ended yet, oldest first, with their marks at a fixed instant; never the
resident's message, phone number or Telegram id."""

import csv
import io
import re
from datetime import date

import aiohttp

from domain.tickets import export_tickets
from storage.stats import Period
from tests.clock import TZ
from tests.dashboard.conftest import (
    CHENGGUAN,
    DONGSHAN,
    LEGAL_AID,
    NANHU,
    PHONE,
    SECRET,
    STAFF_NAME,
    TICKET_RESIDENT,
    TICKET_STAFF,
    TICKETS_NOW,
    XIHE,
    Board,
    seed_tickets,
    unfilled,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
OPEN_NOTE = "为保护居民隐私，这里不显示留言内容、电话和 Telegram 账号"


def rows_of(page: str, table_id: str) -> list[list[str]]:
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert found, page[:500]
    body = re.search(r"<tbody>(.*?)</tbody>", found[1], re.S)
    assert body
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body[1], re.S)
    ]


async def exported(board: Board, period: Period) -> dict[str, list[str]]:
    """/export 留言's rows for the period as CSV, by desk name: opened, answered, answered by
    the deadline, rated, average rating."""
    services = board.harness.services
    async with services.db.session() as session:
        table = await export_tickets(
            session=session, period=period, fmt="csv", library=services.library, tz=TZ
        )
    _header, *rows = csv.reader(io.StringIO(table.data.decode("utf-8-sig")))
    return {row[0]: [row[2], row[3], row[4], row[5], row[7] or "–"] for row in rows}


def on_page(rows: list[list[str]]) -> dict[str, list[str]]:
    """The page's figures as `exported` has them (without 未结束)."""
    return {desk: [opened, answered, on_time, rated, average]
            for desk, opened, answered, on_time, _open, rated, average in rows}  # fmt: skip


async def _page(client: aiohttp.ClientSession, url: str) -> str:
    async with client.get(url) as response:
        assert response.status == 200, url
        return await response.text()


async def test_open_tickets_oldest_first_with_marks_and_the_exports_figures(
    board: Board, client: aiohttp.ClientSession
) -> None:
    harness = board.harness
    harness.clock.flowing = False
    harness.clock.set(TICKETS_NOW)  # the page is read then
    ids = await seed_tickets(board)
    library, said = harness.services.library, harness.ui.dashboard.tickets
    desks = {d.id: d.name for d in library.desks}
    await board.signed_in(client)
    page = await _page(client, f"{board.base}/dashboard/tickets")
    assert unfilled(page) == []
    assert '<a href="/dashboard/tickets" class="on">居民留言</a>' in page
    # nothing of the resident's: not the message, the number or their Telegram id
    assert SECRET not in page and PHONE not in page and str(TICKET_RESIDENT) not in page
    assert OPEN_NOTE in page and str(TICKET_STAFF) not in page

    listed = rows_of(page, "open-tickets")
    order = ["february", "escalated", "moved", "answered", "taken", "new"]
    assert [row[0] for row in listed] == [f"#{ids[name]}" for name in order]
    by_name = dict(zip(order, listed, strict=True))
    civil = next(c.name for c in library.categories if c.id == "civil_code")
    escalated = by_name["escalated"]
    assert escalated[1:7] == [
        desks[CHENGGUAN], civil, "示例县城关镇", "2026-03-02 09:00", "8 天 1 小时",
        said.status_open,
    ]  # fmt: skip
    assert escalated[7] == "2026-03-02 11:00 已超时 已告知协调员"
    taken = by_name["taken"]  # due at 09:00 today: past it, not escalated
    assert taken[1] == desks[DONGSHAN] and taken[5] == "19 小时 0 分"
    assert taken[6] == said.status_taken_by.format(name=STAFF_NAME)
    assert taken[7] == "2026-03-10 09:00 已超时"
    new = by_name["new"]  # due at 11:30: on time
    assert new[1] == desks[LEGAL_AID] and new[5] == "30 分钟" and new[7] == "2026-03-10 11:30"
    for name in ("answered", "moved"):  # answered, not ended: nobody is late
        assert by_name[name][5:] == ["–", said.status_answered, "–"], name
    assert by_name["moved"][1] == desks[NANHU]  # where it is now
    assert "未结束的留言（6 条）" in page

    # this month's figures (the clock's: March) are /export 留言's for March
    figures = rows_of(page, "by-desk")
    assert on_page(figures) == await exported(board, MARCH)
    assert {row[0]: row[4] for row in figures} == {  # 未结束, where they were opened
        desks[LEGAL_AID]: "1", desks[CHENGGUAN]: "1", desks[DONGSHAN]: "2",
        desks[NANHU]: "0", desks[XIHE]: "1",
    }  # fmt: skip
    assert on_page(figures)[desks[DONGSHAN]] == ["3", "1", "1", "1", "2"]
    assert on_page(figures)[desks[NANHU]] == ["0", "1", "0", "0", "–"]  # answered after 转办
    total = re.search(r'<tr id="total-line">(.*?)</tr>', page, re.S)
    assert total and re.findall(r"<td>(\d+|[\d.]+|–)</td>", total[1]) == [
        "7", "3", "2", "5", "2", "2.5",
    ]  # fmt: skip

    # another month, and one not understood
    february = await _page(client, f"{board.base}/dashboard/tickets?month=2026-02")
    assert 'name="month" value="2026-02"' in february
    assert on_page(rows_of(february, "by-desk")) == await exported(
        board, Period(date(2026, 2, 1), date(2026, 2, 28))
    )
    assert on_page(rows_of(february, "by-desk")) == {desks[NANHU]: ["1", "0", "0", "0", "–"]}
    wrong = await _page(client, f"{board.base}/dashboard/tickets?month=2026-13")
    said_wrong = harness.ui.dashboard.month_not_understood.format(typed="2026-13", used="2026-03")
    assert f'<p class="error">{said_wrong}</p>' in wrong
    assert on_page(rows_of(wrong, "by-desk")) == on_page(figures)


async def test_no_tickets_say_so(board: Board, client: aiohttp.ClientSession) -> None:
    await board.signed_in(client)
    page = await _page(client, f"{board.base}/dashboard/tickets")
    assert 'id="open-tickets"' not in page and 'id="by-desk"' not in page
    assert '<p id="open-empty">目前没有未结束的留言。</p>' in page
    assert "2026-03 没有收到留言。" in page
    assert "未结束的留言（0 条）" in page and unfilled(page) == []


async def test_signed_out_the_page_is_refused(board: Board, client: aiohttp.ClientSession) -> None:
    await seed_tickets(board)
    async with client.get(f"{board.base}/dashboard/tickets") as response:
        assert response.status == 401
        page = await response.text()
    assert board.harness.ui.dashboard.login_first in page
    assert 'id="open-tickets"' not in page and SECRET not in page
