"""QR codes that open one card in the bot (for posters and 法治宣传栏)."""

import io
from pathlib import Path
from typing import Any


def card_link(bot_username: str, card_id: str) -> str:
    return f"https://t.me/{bot_username}?start=card_{card_id}"


def write_card_qr(bot_username: str, card_id: str, output: Path) -> str:
    """Write the PNG and return the link it encodes."""
    link = card_link(bot_username, card_id)
    image = _qr(link)
    output.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(output))
    return link


def qr_png(link: str) -> bytes:
    """A QR code PNG of any link (e.g. a volunteer invite), as bytes to send."""
    out = io.BytesIO()
    _qr(link).save(out)
    return out.getvalue()


def _qr(link: str) -> Any:
    """Imported here: qrcode brings PIL, which a bot that makes no QR code need not load."""
    import qrcode

    return qrcode.make(link, box_size=10, border=4)
