"""`pufa export reports|hours|satisfaction|reach|tickets|evidence` and `pufa verify`: the
coordinators' spreadsheets and certificate checks without Telegram."""

from datetime import date, datetime

from bot.settings import Settings
from content.loader import load_library
from documents.tables import Format, Table
from domain.evidence import evidence_workbook
from domain.exports import export_hours, export_labels, export_reports
from domain.figures import FIGURES
from domain.recognition import Verdict, verify_certificate
from storage.db import open_existing
from storage.stats import Period


async def export_data(
    settings: Settings, what: str, start: date, end: date, fmt: Format, *, with_phone: bool = True
) -> Table:
    """The export's file contents, and how many rows it lists."""
    library = load_library(settings.content_dir)
    labels = export_labels(library, settings.tz)
    export = export_reports if what == "reports" else export_hours
    db = await open_existing(settings.database_url, schema=settings.database_schema)
    try:
        async with db.session() as session:
            if what in FIGURES:
                return await FIGURES[what](
                    session=session,
                    period=Period(start, end),
                    fmt=fmt,
                    library=library,
                    tz=settings.tz,
                )
            return await export(
                session=session,
                period=Period(start, end),
                fmt=fmt,
                labels=labels,
                with_phone=with_phone,
            )
    finally:
        await db.dispose()


async def export_evidence(settings: Settings, year: int) -> Table:
    """The year's 考核 evidence workbook, and how much the year recorded."""
    library = load_library(settings.content_dir)
    db = await open_existing(settings.database_url, schema=settings.database_schema)
    try:
        async with db.session() as session:
            return await evidence_workbook(
                session=session,
                year=year,
                library=library,
                tz=settings.tz,
                today=datetime.now(settings.tz).date(),
            )
    finally:
        await db.dispose()


async def verify_code(settings: Settings, code: str) -> Verdict:
    """`pufa verify CODE`: the same answer as /verify in the chat and the dashboard's."""
    library = load_library(settings.content_dir)
    db = await open_existing(settings.database_url, schema=settings.database_schema)
    try:
        async with db.session() as session:
            return await verify_certificate(
                session=session, typed=code, ui=library.ui, tz=settings.tz
            )
    finally:
        await db.dispose()
