"""The coordinators' copies of report notifications, for withdrawing those of a volunteer who
erased themselves (/deleteme): erase_person marks their reports "erased-…", which is what says
a copy is still to be withdrawn."""

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, ReportMessage


async def remember_copies(
    *, session: AsyncSession, report_id: int, copies: list[tuple[int, int]]
) -> None:
    """`copies`: (chat id, message id) of each notification sent about the report."""
    session.add_all(
        ReportMessage(report_id=report_id, chat_id=chat, message_id=message)
        for chat, message in copies
    )


async def copies_to_withdraw(*, session: AsyncSession, limit: int = 100) -> list[tuple[int, int]]:
    """(chat id, message id) of copies about erased volunteers' reports, oldest first."""
    found = await session.exec(
        select(ReportMessage.chat_id, ReportMessage.message_id)
        .join(ActivityReport, col(ActivityReport.id) == col(ReportMessage.report_id))
        .where(col(ActivityReport.submission_key).startswith("erased-"))
        .order_by(col(ReportMessage.id))
        .limit(limit)
    )
    return list(found.all())


async def copy_withdrawn(*, session: AsyncSession, chat_id: int, message_id: int) -> None:
    await session.exec(
        delete(ReportMessage).where(
            col(ReportMessage.chat_id) == chat_id, col(ReportMessage.message_id) == message_id
        )
    )
