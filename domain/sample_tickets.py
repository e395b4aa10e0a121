"""The sample residents' messages to duty staff (居民留言) of `pufa demo`, written with the bot's
own ticket functions over the demo's months: at every kind of desk, in several towns and
fields, and in every state: waiting (one long overdue, its reminders done), taken (接单),
answered, moved to another desk (转办), ended with and without a rating, and some answered
after the desk's deadline, so the 居民留言 page and /export 留言 have figures to show."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from content.desks import Desk
from content.loader import Library
from domain.tickets import adviser_category, choose_desk, deadlines
from storage.db import Database
from storage.models import CloseReason
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

RESIDENTS = 700_101  # the sample residents' Telegram ids, one each (the askers' are 700_001...)


@dataclass(frozen=True)
class _Sample:
    """One sample message, left `ago` before the demo's now, and what became of it."""

    town: int  # of the content's towns, in turn
    category: str  # the field it was left under (a village adviser's: as the resident came)
    text: str
    ago: timedelta
    adviser: bool = False  # left for the first village legal adviser of the content
    taken: bool = False  # 接单 by the desk's staff
    moved_to: str = ""  # 转办 to the desk of its town taking this field
    reply: str = ""  # the desk's answer
    late: bool = False  # that answer came a day after the deadline (else just before it)
    ended: bool = False
    reason: CloseReason | None = None  # why it ended unanswered
    rating: int | None = None  # the resident's (1 不满意, 2 一般, 3 满意)


# Oldest first, so their numbers follow their dates as the bot's do.
_SAMPLES = (
    _Sample(0, "labor", "（示例）在工地干了半年，老板一直拖着不结工钱，想问怎么维权。",
            timedelta(days=110), ended=True, rating=3,
            reply="（示例）请先保存考勤和转账记录，工作日可来中心申请法律援助。"),
    _Sample(3, "disputes", "（示例）对社保部门的决定不服，想问能不能申请行政复议。",
            timedelta(days=95), ended=True, rating=2,
            reply="（示例）可以，请在知道决定之日起六十日内申请，材料清单可来所里领取。"),
    _Sample(2, "civil_code", "（示例）父母留下的老房子，兄弟几个对怎么分有争议。",
            timedelta(days=75), late=True, ended=True, rating=1,
            reply="（示例）建议先申请人民调解，调解员会约各方一起协商。"),
    _Sample(0, "mediation", "（示例）干活受了伤，单位不肯出证明，想请人帮忙调解。",
            timedelta(days=60), moved_to="labor", ended=True, rating=3,
            reply="（示例）工伤认定可以自己申请，我们可以帮你准备材料。"),
    _Sample(1, "rural", "（示例）村里的土地流转合同快到期了，想请法律顾问看看条款。",
            timedelta(days=45), adviser=True, late=True, ended=True, rating=2,
            reply="（示例）周三上午请带合同来村委会，当面看。"),
    _Sample(1, "fraud", "（示例）上次咨询的事已经解决了，谢谢工作人员。",
            timedelta(days=30), ended=True, reason=CloseReason.NO_REPLY),
    _Sample(1, "legal_aid", "（示例）家里困难请不起律师，想问申请法律援助要带什么材料。",
            timedelta(days=20), late=True, ended=True,
            reply="（示例）请带身份证和经济困难说明，工作日来中心窗口办理。"),
    _Sample(0, "youth", "（示例）孩子在学校被同学欺负，老师处理得不好，该找哪里？",
            timedelta(days=10)),
    _Sample(2, "consumer", "（示例）在集市买的电动车刚骑一周就坏了，商家不给修。",
            timedelta(days=8), reply="（示例）可以先向市场监管部门投诉，保留好购车凭证。"),
    _Sample(3, "civil_code", "（示例）房东不退押金，说墙面弄脏了要扣钱。",
            timedelta(minutes=50), taken=True),
    _Sample(1, "labor", "（示例）公司让我签自愿放弃社保的协议，能签吗？", timedelta(minutes=30)),
    _Sample(2, "rural", "（示例）邻居盖房占了我家承包地的一垄，怎么办？", timedelta(minutes=15)),
)  # fmt: skip


async def fill_sample_tickets(
    db: Database, library: Library, *, now: datetime, tz: ZoneInfo, staff_id: int
) -> int:
    """Writes the sample messages the content has a desk for (a sample's field or town it
    lacks is skipped); `staff_id` takes and answers them (the demo's desks are its
    coordinator's). The reminders of those past their deadlines count as sent, as they
    would have been: the demo starts without a backlog of them. Returns how many."""
    written = 0
    async with db.session() as session:
        for n, sample in enumerate(_SAMPLES):
            if (found := _place(sample, library)) is None:
                continue
            town, category, desk = found
            created = now - sample.ago
            due, escalate = deadlines(desk, created, library.holidays, tz)
            new = NewTicket(
                key=f"sample-ticket-{n}", resident_id=RESIDENTS + n, desk_id=desk.id,
                category=category, town=town, text=sample.text, contact="",
                created_at=created, due_at=due, escalate_at=escalate,
            )  # fmt: skip
            ticket, _ = await open_ticket(session=session, new=new)
            if sample.taken:
                await take(session=session, ticket_id=ticket.id, staff_id=staff_id)
            at = created
            target = choose_desk(library.desks, town=town, category=sample.moved_to)
            if sample.moved_to and target is not None and target.id != desk.id:
                at = min(created + (due - created) / 2, now)  # halfway to the deadline
                due, escalate = deadlines(target, at, library.holidays, tz)
                await transfer(
                    session=session, ticket_id=ticket.id, from_desk=desk.id,
                    to_desk=target.id, due_at=due, escalate_at=escalate,
                )  # fmt: skip
                desk = target
            if sample.reply:
                late, in_time = due + timedelta(days=1), due - timedelta(minutes=30)
                at = min(late if sample.late else in_time, now)
                await add_entry(
                    session=session, ticket_id=ticket.id, author="desk", text=sample.reply,
                    now=at, staff_id=staff_id, desk_id=desk.id,
                )  # fmt: skip
            if sample.ended:
                ended = min(at + timedelta(hours=4), now)
                await close(session=session, ticket_id=ticket.id, now=ended, reason=sample.reason)
            if sample.rating is not None:
                await rate(
                    session=session, ticket_id=ticket.id, resident_id=RESIDENTS + n,
                    rating=sample.rating,
                )  # fmt: skip
            written += 1
        await claim_overdue(session=session, deadline="due", now=now)
        await claim_overdue(session=session, deadline="escalate", now=now)
    return written


def _place(sample: _Sample, library: Library) -> tuple[str, str, Desk] | None:
    """The town, field and desk a sample goes to, as the bot sends a resident's message
    (one for a village adviser: the content's first); None if the content has none."""
    fields = [c.id for c in library.categories]
    if sample.adviser:
        desk = next((d for d in library.desks if d.kind == "village_adviser"), None)
        category = adviser_category(fields, sample.category)
        if desk is None or category is None:
            return None
        return desk.towns[0], category, desk
    towns = [t.town for t in library.towns]
    if not towns or sample.category not in fields:
        return None
    town = towns[sample.town % len(towns)]
    desk = choose_desk(library.desks, town=town, category=sample.category)
    return (town, sample.category, desk) if desk is not None else None
