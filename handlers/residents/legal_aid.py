"""Where to get legal help: nearest service points by location, or picked by town."""

import html
import math
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from content.directory import NEAR_KM, near, nearest
from content.place_names import in_town_order
from content.ui import UiTexts
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind, name_key
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, reply_html
from storage.directory import list_points, list_towns
from storage.models import ServicePoint

NEAREST_COUNT = 3


async def send_legal_aid_prompt(update: Update, ctx: PufaContext) -> None:
    ui = ctx.services.ui
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(ui.share_location_button, request_location=True)],
            [KeyboardButton(ui.pick_town_button)],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await reply_html(update, ui.legal_aid_prompt, keyboard)


async def on_location(update: Update, ctx: PufaContext) -> None:
    ui = ctx.services.ui
    location = update.effective_message.location if update.effective_message else None
    if location is None or not valid_location(location.latitude, location.longitude):
        await reply_html(update, ui.location_invalid, _towns_button(ui))
        return
    async with ctx.services.db.session() as session:
        points = await list_points(session=session)
    found = nearest(points, location.latitude, location.longitude, NEAREST_COUNT)
    if not points:
        await reply_html(update, ui.no_points, ReplyKeyboardRemove())
    elif not found:
        await reply_html(update, ui.no_located_points, ReplyKeyboardRemove())
    elif close := near(found):
        await reply_html(update, points_html(ui.nearest_title, close, ui), ReplyKeyboardRemove())
    else:
        await reply_html(update, none_near_html(ui, found[0][1]), _towns_button(ui))


def none_near_html(ui: UiTexts, nearest_km: float) -> str:
    """No service point within NEAR_KM of a shared location: say how far the nearest is."""
    return ui.none_near.format(km=f"{NEAR_KM:g}", nearest=f"{nearest_km:.0f}")


async def on_pick_town(update: Update, ctx: PufaContext) -> None:
    ui = ctx.services.ui
    async with ctx.services.db.session() as session:
        towns = await list_towns(session=session)
    towns = in_town_order(towns, [t.town for t in ctx.services.library.towns])
    if not towns:
        await reply_html(update, ui.no_points, ReplyKeyboardRemove())
        return
    buttons = [
        [InlineKeyboardButton(t, callback_data=callbacks.make(Kind.AID, name_key(t)))]
        for t in towns
    ]
    await reply_html(update, ui.location_removed, ReplyKeyboardRemove())
    await reply_html(update, ui.towns_title, InlineKeyboardMarkup(buttons))


async def on_town_button(update: Update, ctx: PufaContext) -> None:
    ui = ctx.services.ui
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    if parsed is not None and parsed.args == ("towns",):
        await acknowledge(update)
        await on_pick_town(update, ctx)
        return
    args = parsed.args if parsed is not None else ()  # malformed: forged, not "show towns"
    async with ctx.services.db.session() as session:
        towns = {name_key(t): t for t in await list_towns(session=session)}
        town = towns.get(args[0]) if len(args) == 1 else None
        points = await list_points(session=session, town=town) if town else []
    if town is None or not points:
        await expired(update, ctx)
        return
    await acknowledge(update)
    title = ui.town_points_title.format(town=html.escape(town))
    await reply_html(update, points_html(title, [(p, None) for p in points], ui))


def points_html(
    title: str,
    found: Sequence[tuple[ServicePoint, float | None]],
    ui: UiTexts,
    *,
    sample_notice: bool = True,
) -> str:
    """The points under `title`, and that they are samples if any is (unless the caller
    says so itself: `sample_notice` False)."""
    blocks = [title]
    for point, km in found:
        distance = ui.distance.format(km=f"{km:.1f}") if km is not None else ""
        fields = {
            k: html.escape(getattr(point, k) or "—")
            for k in ("name", "kind", "address", "phone", "hours")
        }
        blocks.append(ui.point_line.format(distance=distance, **fields))
    if sample_notice and any(point.sample for point, _ in found):
        blocks.append(ui.sample_notice)
    return "\n\n".join(blocks)


def _towns_button(ui: UiTexts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ui.pick_town_button, callback_data=callbacks.make(Kind.AID, "towns")
                )
            ]
        ]
    )


def valid_location(lat: float, lon: float) -> bool:
    return all(math.isfinite(v) for v in (lat, lon)) and -90 <= lat <= 90 and -180 <= lon <= 180
