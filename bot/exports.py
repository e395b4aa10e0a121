"""`pufa export reports|hours|satisfaction`: the coordinators' spreadsheets without
Telegram."""

from datetime import date

from bot.settings import Settings
from content.loader import load_library
from documents.tables import Format
from domain.exports import export_hours, export_labels, export_reports
from domain.satisfaction import export_satisfaction
from storage.db import Database
from storage.stats import Period


async def export_data(
    settings: Settings, what: str, start: date, end: date, fmt: Format, *, with_phone: bool = True
) -> bytes:
    """The export's file contents."""
    library = load_library(settings.content_dir)
    labels = export_labels(library, settings.tz)
    export = export_reports if what == "reports" else export_hours
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        async with db.session() as session:
            if what == "satisfaction":
                return await export_satisfaction(
                    session=session,
                    period=Period(start, end),
                    fmt=fmt,
                    library=library,
                    tz=settings.tz,
                )
            data = await export(
                session=session,
                period=Period(start, end),
                fmt=fmt,
                labels=labels,
                with_phone=with_phone,
            )
    finally:
        await db.dispose()
    return data
