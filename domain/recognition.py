"""Volunteer recognition: the star level of recorded hours (thresholds from
content/recognition.yaml) and the certificate of hours for a period."""

import html
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.recognition import Recognition
from content.ui import UiTexts
from documents.certificate import certificate_png
from storage.certificates import find, normal_code, shown_code
from storage.models import Certificate
from storage.reports import own_totals

MAX_CODE_CHARS = 64  # a code with its dashes and spaces is far shorter; more is not a code


def hours_text(hours: float) -> str:
    return f"{hours:g}"


def stars_html(recognition: Recognition | None, hours: float, ui: UiTexts) -> str:
    """The /profile line: the level reached and what the next one needs ("" without levels)."""
    if recognition is None:
        return ""
    texts = ui.engagement
    level = recognition.level_for(hours)
    if level is None:
        first = recognition.levels[0]
        return texts.stars_none.format(
            hours=hours_text(hours), first=first.hours, label=html.escape(first.label)
        )
    line = texts.stars_line.format(label=html.escape(level.label), hours=hours_text(hours))
    higher = [lv for lv in recognition.levels if lv.hours > level.hours]
    if not higher:
        return f"{line}\n{texts.stars_top}"
    following = higher[0]
    left = hours_text(round(following.hours - hours, 2))
    return f"{line}\n{texts.stars_next.format(left=left, label=html.escape(following.label))}"


def certificate_text(certificate: Certificate, ui: UiTexts) -> tuple[str, str, str, str]:
    """Title, body, footer and code line of the certificate."""
    texts = ui.engagement
    body = texts.certificate_body.format(
        name=certificate.name or texts.verify_erased_name,
        start=certificate.start.isoformat(),
        end=certificate.end.isoformat(),
        activities=certificate.activities,
        hours=hours_text(certificate.hours),
    )
    code = texts.certificate_code.format(code=shown_code(certificate.code))
    return texts.certificate_title, body, texts.certificate_footer, code


def certificate_image(certificate: Certificate, ui: UiTexts, font: Path | None = None) -> bytes:
    title, body, footer, code = certificate_text(certificate, ui)
    return certificate_png(title, body, footer, code, font=font)


@dataclass(frozen=True)
class Verdict:
    """The answer to a certificate's code: whether it is genuine, whether the volunteer's
    records today still give its figures, and what to tell (plain text, a line each: the chat
    escapes it, the dashboard's templates escape it, the CLI prints it)."""

    genuine: bool
    text: str
    code: str  # the code in its stored form, "" when what was typed is not one
    agrees: bool = False  # genuine, and today's records give the same figures


async def verify_certificate(
    *, session: AsyncSession, typed: str, ui: UiTexts, tz: ZoneInfo
) -> Verdict:
    """What a certificate's code checks to, the same for `pufa verify`, /verify and the
    dashboard: empty, malformed, unknown, or what the certificate states as issued and whether
    the volunteer's records still give it (a report returned, corrected or deleted since
    changes them; /deleteme leaves nothing to compare with)."""
    texts = ui.engagement
    typed = typed.strip()
    if not typed:
        return Verdict(False, texts.verify_empty, "")
    code = normal_code(typed) if len(typed) <= MAX_CODE_CHARS else None
    if code is None:
        return Verdict(False, texts.verify_malformed, "")
    certificate = await find(session=session, text=code)
    if certificate is None:
        return Verdict(False, texts.verify_missing, code)
    found = texts.verify_found.format(
        name=certificate.name or texts.verify_erased_name,
        start=certificate.start.isoformat(),
        end=certificate.end.isoformat(),
        activities=certificate.activities,
        hours=hours_text(certificate.hours),
        issued=certificate.issued_at.astimezone(tz).date().isoformat(),
    )
    agrees, today = await _records_today(session, certificate, ui)
    return Verdict(True, f"{found}\n{today}", code, agrees)


async def _records_today(
    session: AsyncSession, certificate: Certificate, ui: UiTexts
) -> tuple[bool, str]:
    """Whether the volunteer's records for the certificate's period still give its figures,
    and the line saying so."""
    texts = ui.engagement
    if certificate.volunteer_id is None:  # erased (/deleteme): their reports are anonymous
        return False, texts.verify_records_erased
    totals = await own_totals(
        session=session,
        volunteer_id=certificate.volunteer_id,
        start=certificate.start,
        end=certificate.end,
    )
    hours = round(totals.hours, 2)
    if (totals.activities, hours) == (certificate.activities, round(certificate.hours, 2)):
        return True, texts.verify_records_same
    return False, texts.verify_records_changed.format(
        activities=totals.activities, hours=hours_text(hours)
    )
