"""Sample photos the demo web chat sends as the user (the browser has no camera roll to pick
from): small JPEGs drawn here, each numbered and in its own colour, so the photos of an
album tell apart on the page."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

SIZE = (480, 360)
# Sky colours the sample photos take in turn.
COLOURS = ((94, 156, 222), (236, 164, 84), (112, 186, 128), (176, 132, 206))


@cache
def sample_photo(number: int) -> bytes:
    """Sample photo ``number`` (from 1): an outdoor stage with its number on the banner."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, COLOURS[(number - 1) % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((width - 110, 30, width - 40, 100), fill=(255, 236, 150))  # the sun
    draw.rectangle((0, height * 2 // 3, width, height), fill=(96, 128, 72))  # the ground
    banner = (90, 70, width - 90, 170)
    draw.rectangle(banner, fill=(200, 40, 40), outline=(255, 255, 255), width=4)
    font = ImageFont.load_default(size=64)
    centre = ((banner[0] + banner[2]) / 2, (banner[1] + banner[3]) / 2)
    draw.text(centre, str(number), fill=(255, 255, 255), font=font, anchor="mm")
    for n in range(9):  # the audience
        x = 40 + n * (width - 80) // 8
        draw.ellipse((x - 14, height - 96, x + 14, height - 68), fill=(60, 60, 70))
        draw.rectangle((x - 16, height - 66, x + 16, height - 20), fill=(60, 60, 70))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
