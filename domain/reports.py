"""A volunteer's activity reports: submitting one (or a correction) in one transaction, and the
page of their own record (/myreports, the dashboard). A report names at least one 普法 topic:
the 考核 export and the coordinators' review count activities by topic."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from content.privacy import mask_personal_numbers
from storage.broadcasts import campaign_dates
from storage.models import Volunteer
from storage.reports import (
    Change,
    ReportData,
    StoredReport,
    Totals,
    edit_report,
    get_report,
    merge_topics,
    own_reports,
    own_totals,
    submit_report,
    with_town,
)
from storage.volunteers import get_volunteer


class Outcome(StrEnum):
    SUBMITTED = "submitted"
    UPDATED = "updated"
    LOCKED = "locked"  # a correction after the edit window, or of a withdrawn report
    NOT_VOLUNTEER = "not_volunteer"
    NO_TOPIC = "no_topic"  # nothing stored or changed: the report names no 普法 topic
    UNCHANGED = "unchanged"  # a correction changing nothing: the report stays as it was


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    report_id: int | None = None
    # A correction (UPDATED): the report before and after, and the review it had (pending
    # again now) — what coordinators are told changed.
    before: StoredReport | None = None
    after: StoredReport | None = None


def without_numbers(text: str) -> tuple[str, bool]:
    """A report's free text (place, 简介) with ID-card, bank-card and phone numbers hidden, and
    whether any were: a report goes to every coordinator, the exports and the 考核 evidence,
    and the numbers there are residents' (the volunteer's own phone is in their profile)."""
    masked = mask_personal_numbers(text)
    return masked, masked != text


def topic_categories(topics: Iterable[str], library: Library) -> list[str]:
    """The 普法 categories a report's topics name, in order, once each: the categories the
    /report chat offers, and those of the campaigns among them (a campaign is a 普法 topic:
    宪法宣传周 counts for 宪法, by its `categories` in campaigns.yaml). Evaluation indicators
    and ids no longer in the content name none."""
    categories = {c.id for c in library.categories}
    campaigns = {c.id: c.categories for c in library.campaigns}
    named = [
        category
        for topic in topics
        for category in ([topic] if topic in categories else campaigns.get(topic, []))
    ]
    return list(dict.fromkeys(c for c in named if c in categories))


# A campaign is offered at the /report topics step from its first day until this long after
# its last: a report is often written some days after the activity.
CAMPAIGN_GRACE = timedelta(days=14)


def campaigns_on(
    library: Library, day: date, overrides: Mapping[tuple[str, int], tuple[date, date]]
) -> list[str]:
    """The ids of the campaigns on on `day` or ended within CAMPAIGN_GRACE before it (the
    year before too: 12月 campaigns in early January), in campaigns.yaml's order; the dates a
    coordinator set (`overrides`, by campaign and year) win over the file's."""
    return [
        campaign.id
        for campaign in library.campaigns
        if any(
            first <= day <= last + CAMPAIGN_GRACE
            for year in (day.year - 1, day.year)
            for first, last in [campaign.period(year, overrides.get((campaign.id, year)))]
        )
    ]


async def offered_campaigns(*, session: AsyncSession, library: Library, day: date) -> list[str]:
    """`campaigns_on` with the dates coordinators set (/campaigns): the one rule for which
    campaigns fit an activity's date, wherever it is asked (the /report topics step and
    summary card, a corrected date, the dashboard's report page)."""
    return campaigns_on(library, day, await campaign_dates(session=session))


def unfitting_campaigns(
    topics: Iterable[str], fitting: Iterable[str], library: Library
) -> list[str]:
    """The campaigns among a report's topics that are not among those `fitting` its date
    (`offered_campaigns`), in the topics' order: a volunteer may keep one (the activity may
    still have been part of it), so they are pointed out, never refused."""
    fits = set(fitting)
    campaigns = {c.id for c in library.campaigns}
    return [t for t in topics if t in campaigns and t not in fits]


def campaign_names(library: Library, ids: Iterable[str]) -> str:
    """“宪法宣传周”、“12·4国家宪法日”: campaigns named in a text (plain, to be escaped), in
    the words of ui.zh.yaml (`quoted`, `list_separator`)."""
    names, ui = {c.id: c.name for c in library.campaigns}, library.ui
    return ui.list_separator.join(ui.quoted.format(name=names.get(i, i)) for i in ids)


def has_topic(topics: Iterable[str], library: Library) -> bool:
    """Whether a report names a 普法 topic: a category or a campaign (`topic_categories`).
    Every place the rule is checked asks here: 完成 at the topics step, a restored draft or
    a report reopened from /myreports, 提交 (`submit`), the dashboard's flag."""
    return bool(topic_categories(topics, library))


async def submit(
    *,
    session: AsyncSession,
    library: Library,
    volunteer_id: int,
    data: ReportData,
    key: str,
    correcting: int | None,
    window: timedelta,
    now: datetime,
    topics_before: Sequence[str] | None = None,
) -> Submission:
    """Stores the report, in the volunteer's town (at most once per `key`, which is UNIQUE:
    a double press or a concurrent retry stores nothing twice), or corrects report
    `correcting` within the edit window (changing only the topics the volunteer changed since
    `topics_before`). A report (or correction) naming no topic is refused, whatever sent it:
    a forged or stale 提交, a draft from before topics were required. The caller's
    transaction also removes the draft, unless the outcome is NO_TOPIC."""
    volunteer = await get_volunteer(session=session, telegram_id=volunteer_id)
    if volunteer is None:
        return Submission(Outcome.NOT_VOLUNTEER)
    if not has_topic(data.topics, library):
        return Submission(Outcome.NO_TOPIC, correcting)
    data = with_town(data, volunteer.town)
    # The chat masks what is typed; a draft from before it did, or a report reopened from
    # then, is masked here (migration 0019 did the stored ones).
    data = replace(
        data, place=without_numbers(data.place)[0], summary=without_numbers(data.summary)[0]
    )
    data = _without_forbidden_tags(data, library, topics_before or ())
    if correcting is not None:
        before = await get_report(session=session, report_id=correcting)
        if (
            before is not None
            and before.volunteer_id == volunteer_id
            and before.editable(now, window)
            and _unchanged(before.data, data, topics_before)
        ):  # a reviewed report is not reopened, nor coordinators told "已修改：—"
            return Submission(Outcome.UNCHANGED, correcting)
        change = await edit_report(
            session=session,
            report_id=correcting,
            volunteer_id=volunteer_id,
            data=data,
            window=window,
            now=now,
            topics_before=topics_before,
        )
        if change is not Change.OK:
            return Submission(Outcome.LOCKED, correcting)
        after = await get_report(session=session, report_id=correcting)
        return Submission(Outcome.UPDATED, correcting, before, after)
    result = await submit_report(
        session=session, volunteer_id=volunteer_id, data=data, submission_key=key, now=now
    )
    return Submission(Outcome.SUBMITTED, result.report_id)


def _unchanged(
    stored: ReportData, corrected: ReportData, topics_before: Sequence[str] | None
) -> bool:
    """Whether storing `corrected` would leave the report as it is (its town is not the
    volunteer's to change; its topics as `edit_report` would merge them)."""
    topics = (
        tuple(merge_topics(stored.topics, topics_before, corrected.topics))
        if topics_before is not None
        else corrected.topics
    )
    if set(topics) != set(stored.topics):
        return False
    return replace(corrected, town=stored.town, topics=stored.topics) == stored


def _without_forbidden_tags(data: ReportData, library: Library, kept: Sequence[str]) -> ReportData:
    """The report without the indicators volunteers may not tag (群众满意度), whatever sent
    them; one a coordinator tagged before the correction began (`kept`) stays."""
    forbidden = {i.id for i in library.indicators if not i.volunteers_may_tag} - set(kept)
    return replace(data, topics=tuple(t for t in data.topics if t not in forbidden))


@dataclass(frozen=True)
class RecordPage:
    """A volunteer's own record: the latest reports, this month's and this year's totals, and
    which reports may still be corrected or withdrawn."""

    volunteer: Volunteer | None
    reports: list[StoredReport]
    month: Totals
    year: Totals
    editable: list[StoredReport]


async def record_page(
    *,
    session: AsyncSession,
    volunteer_id: int,
    now: datetime,
    today: date,
    window: timedelta,
    shown: int = 10,
) -> RecordPage:
    volunteer = await get_volunteer(session=session, telegram_id=volunteer_id)
    reports = await own_reports(session=session, volunteer_id=volunteer_id, limit=shown)
    month = await own_totals(
        session=session, volunteer_id=volunteer_id, start=today.replace(day=1), end=today
    )
    year = await own_totals(
        session=session, volunteer_id=volunteer_id, start=date(today.year, 1, 1), end=today
    )
    editable = [r for r in reports if r.editable(now, window)]
    return RecordPage(volunteer, reports, month, year, editable)
