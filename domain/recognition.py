"""Volunteer recognition: the star level of recorded hours (thresholds from
content/recognition.yaml) and the certificate of hours for a period."""

import html
from pathlib import Path
from zoneinfo import ZoneInfo

from content.recognition import Recognition
from content.ui import UiTexts
from documents.certificate import certificate_png
from storage.certificates import shown_code
from storage.models import Certificate


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


def verification(certificate: Certificate | None, ui: UiTexts, tz: ZoneInfo) -> str:
    """What `pufa verify` prints."""
    texts = ui.engagement
    if certificate is None:
        return texts.verify_missing
    return texts.verify_found.format(
        name=certificate.name or texts.verify_erased_name,
        start=certificate.start.isoformat(),
        end=certificate.end.isoformat(),
        activities=certificate.activities,
        hours=hours_text(certificate.hours),
        issued=certificate.issued_at.astimezone(tz).date().isoformat(),
    )
