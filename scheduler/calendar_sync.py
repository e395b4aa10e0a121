"""The calendar kept in the database: the coming year's campaign reminders and month-end
nudges stored as scheduled broadcasts (keyed, so storing again creates nothing twice), and
a coordinator's dates for a movable campaign applied to its reminders not sent yet."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from scheduler import reminders
from scheduler.config import BroadcastConfig
from storage import broadcasts as repo
from storage.audience import Audience
from storage.audit import record
from storage.db import Database
from storage.models import Broadcast, BroadcastStatus

OPEN = [BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED]


@dataclass
class NewDates:
    """What setting a campaign's dates did to its reminders not sent yet."""

    moved: int = 0  # followed the new dates
    kept: list[Broadcast] = field(default_factory=list)  # moved by hand: their time kept
    late: list[Broadcast] = field(default_factory=list)  # of those, now after the campaign


class CalendarKeeper:
    def __init__(
        self,
        db: Database,
        library: Library,
        tz: ZoneInfo,
        config: BroadcastConfig,
        wake_at: Callable[[Broadcast], None],
    ) -> None:
        self.db, self.library, self.tz, self.config = db, library, tz, config
        self.wake_at = wake_at  # puts a timer on a stored row

    async def sync(self, now: datetime) -> int:
        """Stores the reminders of the coming year (and the month-end nudges) that are not
        stored yet; refreshes the text of those not sent yet. Returns how many are new."""
        async with self.db.session() as session:
            overrides = await repo.campaign_dates(session=session)
            expanded = reminders.expand(
                self.library.campaigns, now, now + self.config.horizon, self.tz, overrides
            )
            created = await self._store_reminders(session, expanded)
            created += await self._store_monthly(session, now)
            created += await self._store_weekly_cases(session, now)
        return created

    async def _store_reminders(
        self, session: AsyncSession, expanded: list[reminders.Reminder]
    ) -> int:
        """One query for what is stored, one flush for what is new: this runs at every
        start, with about a hundred reminders a year."""
        stored = await repo.find_by_keys(session=session, keys=[r.key for r in expanded])
        for reminder in expanded:
            existing = stored.get(reminder.key)
            if (
                existing is not None
                and existing.status in OPEN
                and (existing.text, existing.audience_value)
                != (reminder.text, reminder.audience_value)
            ):
                assert existing.id is not None
                await repo.change(
                    session=session,
                    broadcast_id=existing.id,
                    allowed=[existing.status],
                    text=reminder.text,
                    audience_value=reminder.audience_value,
                )
        new = [self.reminder_row(r) for r in expanded if r.key not in stored]
        added = await repo.add_broadcasts(session=session, broadcasts=new)
        for row in added:
            self.wake_at(row)
        return len(added)

    def reminder_row(self, reminder: reminders.Reminder) -> Broadcast:
        return Broadcast(
            origin="campaign",
            text=reminder.text,
            audience=reminder.audience.value,
            audience_value=reminder.audience_value,
            send_at=reminder.send_at,
            campaign_id=reminder.campaign.id,
            campaign_year=reminder.year,
            lead_days=reminder.lead_days,
            dedupe_key=reminder.key,
        )

    async def _store_monthly(self, session: AsyncSession, now: datetime) -> int:
        day = self.config.volunteer_reminder_day
        if day <= 0:
            return 0
        created = 0
        for year, month in reminders.months_from(now.astimezone(self.tz).date(), 2):
            at = reminders.monthly_reminder_at(
                year, month, day, self.config.volunteer_reminder_time, self.tz
            )
            if at <= now:
                continue
            row = Broadcast(
                origin="monthly",
                text=self.library.ui.broadcasts.monthly_reminder,
                audience=Audience.UNREPORTED.value,
                send_at=at,
                dedupe_key=reminders.monthly_key(year, month),
            )
            stored = await repo.add_broadcast(session=session, broadcast=row)
            if stored is not None:
                self.wake_at(stored)
                created += 1
        return created

    async def _store_weekly_cases(self, session: AsyncSession, now: datetime) -> int:
        """The next two weekly case pushes (一周一案), each with the next case in rotation:
        one not sent to the subscribers yet, chosen when the push is stored."""
        day = self.config.weekly_case_day
        if day <= 0 or not self.library.cases:
            return 0
        created = 0
        today = now.astimezone(self.tz).date()
        monday = today - timedelta(days=today.weekday())
        for week in range(3):
            slot = monday + timedelta(weeks=week, days=day - 1)
            at = datetime.combine(slot, self.config.weekly_case_time, self.tz)
            key = reminders.weekly_case_key(slot)
            if at <= now or created == 2 or await repo.find_by_key(session=session, key=key):
                continue
            sent = await repo.weekly_cases_sent(session=session)
            case = reminders.next_weekly_case(self.library.cases.values(), sent)
            if case is None:
                return created
            row = Broadcast(
                origin=repo.WEEKLY_CASE,
                content_kind="case",
                card_id=case.id,
                text=case.title,
                audience=Audience.CASES.value,
                send_at=at,
                dedupe_key=key,
            )
            stored = await repo.add_broadcast(session=session, broadcast=row)
            if stored is not None:
                await session.flush()
                self.wake_at(stored)
                created += 1
        return created

    async def set_dates(
        self, campaign_id: str, year: int, first: date, last: date, by: int, now: datetime
    ) -> NewDates:
        """This year's dates of a movable campaign: its reminders not sent yet move with them,
        except those a coordinator moved by hand, which keep their time (and, when that now
        falls after the campaign's last day, are reported as late for the coordinator to
        decide)."""
        campaign = next(c for c in self.library.campaigns if c.id == campaign_id)
        result = NewDates()
        async with self.db.session() as session:
            await repo.set_campaign_dates(
                session=session,
                campaign_id=campaign_id,
                year=year,
                start=first,
                end=last,
                set_by=by,
            )
            overrides = {(campaign_id, year): (first, last)}
            for reminder in reminders.reminders_of(campaign, year, self.tz, overrides):
                row = await repo.find_by_key(session=session, key=reminder.key)
                if row is None or row.id is None or row.status not in OPEN:
                    continue
                if row.moved_by_hand:
                    await repo.change(
                        session=session, broadcast_id=row.id, allowed=OPEN, text=reminder.text
                    )
                    result.kept.append(row)
                    if row.send_at.astimezone(self.tz).date() > last:
                        result.late.append(row)
                    continue
                result.moved += await repo.change(
                    session=session,
                    broadcast_id=row.id,
                    allowed=OPEN,
                    send_at=reminder.send_at,
                    text=reminder.text,
                )
            await record(
                session=session,
                actor_id=by,
                action="campaign.dates",
                target=f"{campaign_id}:{year}",
                detail=f"{first}..{last}",
                now=now,
            )
        await self.sync(now)
        await self._rewake(campaign_id, year)
        return result

    async def text_at(self, session: AsyncSession, row: Broadcast, at: datetime) -> str:
        """A campaign reminder's text as it reads when sent at `at` (its {when} counted from
        that day, not from its slot); another broadcast's text as stored."""
        campaign = next((c for c in self.library.campaigns if c.id == row.campaign_id), None)
        if row.origin != "campaign" or campaign is None or row.campaign_year is None:
            return row.text
        overrides = await repo.campaign_dates(session=session)
        reminder = reminders.reminder_of(
            campaign,
            row.campaign_year,
            row.lead_days or 0,
            Audience(row.audience),
            self.tz,
            overrides,
        )
        return reminder.text_on(at.astimezone(self.tz).date())

    async def _rewake(self, campaign_id: str, year: int) -> None:
        async with self.db.session() as session:
            rows = await repo.campaign_reminders(
                session=session, campaign_id=campaign_id, year=year
            )
        for row in rows:
            self.wake_at(row)
