"""Withdrawing the coordinators' copies of report notifications (recorded by
`storage.report_review.record_notices`) of a volunteer who erased themselves (/deleteme):
erase_person marks their reports "erased-…", which is what says a copy is still to be
withdrawn."""

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, ReportNotice


async def copies_to_withdraw(*, session: AsyncSession, limit: int = 100) -> list[tuple[int, int]]:
    """(chat id, message id) of copies about erased volunteers' reports, oldest first."""
    found = await session.exec(
        select(ReportNotice.chat_id, ReportNotice.message_id)
        .join(ActivityReport, col(ActivityReport.id) == col(ReportNotice.report_id))
        .where(col(ActivityReport.submission_key).startswith("erased-"))
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
