"""Withdrawing the coordinators' copies of report notifications (recorded by
`storage.report_review.record_notices`) and the lines of daily digests (recorded here) about
a volunteer who erased themselves (/deleteme): erase_person marks their reports "erased-…",
which is what says a copy or a line is still to be withdrawn."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, ReportDigest, ReportDigestLine, ReportNotice


async def copies_to_withdraw(*, session: AsyncSession, limit: int = 100) -> list[tuple[int, int]]:
    """(chat id, message id) of copies about erased volunteers' reports, oldest first."""
    found = await session.exec(
        select(ReportNotice.chat_id, ReportNotice.message_id)
        .join(ActivityReport, col(ActivityReport.id) == col(ReportNotice.report_id))
        .where(_erased())
        .order_by(col(ReportNotice.id))
        .limit(limit)
    )
    return list(found.all())


async def copy_withdrawn(*, session: AsyncSession, chat_id: int, message_id: int) -> None:
    await session.exec(
        delete(ReportNotice).where(
            col(ReportNotice.chat_id) == chat_id, col(ReportNotice.message_id) == message_id
        )
    )


@dataclass(frozen=True)
class DigestLine:
    report_id: int
    erased: bool  # its volunteer erased themselves: the line is drawn neutral
    text: str | None  # as sent (HTML); None if recorded before it was kept, or erased


@dataclass(frozen=True)
class StoredDigest:
    """A coordinator's copy of a daily digest, with what it lists in order."""

    id: int
    chat_id: int
    message_id: int
    head: str
    tail: str
    lines: tuple[DigestLine, ...]


async def record_digest(
    *,
    session: AsyncSession,
    chat_id: int,
    message_id: int,
    head: str,
    tail: str,
    lines: Sequence[tuple[int, str]],
) -> None:
    """One coordinator's copy of a digest as sent, listing its (report id, line text) `lines`
    in this order."""
    digest = ReportDigest(chat_id=chat_id, message_id=message_id, head=head, tail=tail)
    session.add(digest)
    await session.flush()
    assert digest.id is not None
    for position, (report_id, text) in enumerate(lines):
        session.add(
            ReportDigestLine(
                digest_id=digest.id, report_id=report_id, position=position, text=text
            )
        )


async def digests_to_withdraw(*, session: AsyncSession, limit: int = 100) -> list[StoredDigest]:
    """The digests listing an erased volunteer's report whose line still shows, oldest first,
    each with all its lines (as they are to be drawn now)."""
    found = await session.exec(
        select(ReportDigestLine.digest_id)
        .join(ActivityReport, col(ActivityReport.id) == col(ReportDigestLine.report_id))
        .where(_erased(), col(ReportDigestLine.withdrawn).is_(False))
        .distinct()
        .order_by(col(ReportDigestLine.digest_id))
        .limit(limit)
    )
    return [await _digest(session, int(digest_id)) for digest_id in found.all()]


async def _digest(session: AsyncSession, digest_id: int) -> StoredDigest:
    digest = await session.get(ReportDigest, digest_id)
    assert digest is not None and digest.id is not None
    found = await session.exec(
        select(ReportDigestLine.report_id, _erased(), ReportDigestLine.text)
        .join(ActivityReport, col(ActivityReport.id) == col(ReportDigestLine.report_id))
        .where(col(ReportDigestLine.digest_id) == digest_id)
        .order_by(col(ReportDigestLine.position))
    )
    lines = tuple(
        DigestLine(int(report), bool(erased), text) for report, erased, text in found.all()
    )
    return StoredDigest(
        digest.id, digest.chat_id, digest.message_id, digest.head, digest.tail, lines
    )


async def digest_withdrawn(*, session: AsyncSession, digest: StoredDigest) -> None:
    """The digest now shows the lines that were erased when it was drawn as neutral (their
    text as sent is dropped: erase_person did, unless the digest was recorded just after)."""
    erased = [line.report_id for line in digest.lines if line.erased]
    await session.exec(
        update(ReportDigestLine)
        .where(
            col(ReportDigestLine.digest_id) == digest.id,
            col(ReportDigestLine.report_id).in_(erased),
        )
        .values(withdrawn=True, text=None)
    )


async def forget_digest_lines_of(*, session: AsyncSession, volunteer_id: int) -> None:
    """The digest lines of a volunteer's reports lose their text as sent, which names them
    (for /deleteme, before their reports are anonymised): the lines are to be withdrawn."""
    theirs = select(ActivityReport.id).where(col(ActivityReport.volunteer_id) == volunteer_id)
    await session.exec(
        update(ReportDigestLine)
        .where(col(ReportDigestLine.report_id).in_(theirs))
        .values(text=None)
    )


async def forget_digests_in(*, session: AsyncSession, chat_id: int) -> None:
    """The digests in an erased coordinator's own chat are theirs: not kept to be edited
    (their lines go with them: ON DELETE CASCADE)."""
    await session.exec(delete(ReportDigest).where(col(ReportDigest.chat_id) == chat_id))


def _erased() -> ColumnElement[bool]:
    """What erase_person leaves on a report of a person erased."""
    return col(ActivityReport.submission_key).startswith("erased-")
