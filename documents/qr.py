"""QR codes that open one card in the bot (for posters and 法治宣传栏)."""

import io
from pathlib import Path

import qrcode


def card_link(bot_username: str, card_id: str) -> str:
    return f"https://t.me/{bot_username}?start=card_{card_id}"


def write_card_qr(bot_username: str, card_id: str, output: Path) -> str:
    """Write the PNG and return the link it encodes."""
    link = card_link(bot_username, card_id)
    image = qrcode.make(link, box_size=10, border=4)
    output.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(output))
    return link


def qr_png(link: str) -> bytes:
    """A QR code PNG of any link (e.g. a volunteer invite), as bytes to send."""
    out = io.BytesIO()
    qrcode.make(link, box_size=10, border=4).save(out)
    return out.getvalue()
