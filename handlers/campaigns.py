"""/campaigns: the coming year's calendar reminders for coordinators: preview, mute, move one
reminder, or set this year's dates of a movable campaign (网络安全宣传周, 宪法宣传周)."""

import html
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from content.campaigns import Campaign
from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_ui import edit, parse_id, read_when, send_preview
from handlers.desk import Prompt
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.timeparse import Once, WhenError, describe, parse_dates
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
Overrides = dict[tuple[str, int], tuple[date, date]]


def _button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.CAMPAIGNS, *args))


def _campaign(ctx: PufaContext, campaign_id: str) -> Campaign | None:
    return next((c for c in ctx.services.library.campaigns if c.id == campaign_id), None)


async def on_campaigns(update: Update, ctx: PufaContext) -> None:
    if not await require_coordinator(update, ctx, "campaigns"):
        return
    text, markup = await _overview(ctx)
    await reply_html(update, text, markup)


async def _editions(ctx: PufaContext) -> list[tuple[Campaign, int, Broadcast]]:
    """Each campaign edition with reminders in the coming year, with its next reminder."""
    now = ctx.services.now()
    async with ctx.services.db.session() as session:
        rows = await repo.upcoming(
            session=session,
            origins=["campaign"],
            statuses=[BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED],
            until=now + timedelta(days=366),
            limit=500,
        )
    seen: dict[tuple[str, int], Broadcast] = {}
    for row in rows:
        key = (row.campaign_id or "", row.campaign_year or 0)
        seen.setdefault(key, row)
    found = [(_campaign(ctx, cid), year, row) for (cid, year), row in seen.items()]
    return [(c, year, row) for c, year, row in found if c is not None]


async def _overview(ctx: PufaContext) -> tuple[str, InlineKeyboardMarkup | None]:
    ui = ctx.services.ui.campaigns
    editions = await _editions(ctx)
    if not editions:
        return ui.empty, None
    overrides = await _overrides(ctx)
    lines, rows = [ui.title], []
    for campaign, year, upcoming in editions:
        period = _period(campaign, year, overrides)
        when = describe(upcoming.send_at.astimezone(ctx.services.tz))
        lines.append(ui.line.format(name=html.escape(campaign.name), period=period, next=when))
        rows.append([_button(f"{campaign.name} {year}", "s", campaign.id, year)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _overrides(ctx: PufaContext) -> Overrides:
    async with ctx.services.db.session() as session:
        return dict(await repo.campaign_dates(session=session))


def _period(campaign: Campaign, year: int, overrides: Overrides) -> str:
    override = overrides.get((campaign.id, year))
    first, last = campaign.period(year, override)
    if first == last:
        return f"{first.month}月{first.day}日"
    return f"{first.month}月{first.day}日至{last.month}月{last.day}日"


async def _detail(
    ctx: PufaContext, campaign: Campaign, year: int
) -> tuple[str, InlineKeyboardMarkup]:
    ui = ctx.services.ui.campaigns
    async with ctx.services.db.session() as session:
        rows = await repo.campaign_reminders(session=session, campaign_id=campaign.id, year=year)
    period = _period(campaign, year, await _overrides(ctx))
    lines = [ui.detail_title.format(name=html.escape(campaign.name), year=year, period=period)]
    buttons = []
    for n, row in enumerate(rows[: len(CIRCLED)]):
        assert row.id is not None
        mark = CIRCLED[n]
        lines.append(_reminder_line(ctx, mark, row))
        if row.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED):
            muted = row.status == BroadcastStatus.MUTED
            buttons.append(
                [
                    _button(ui.preview_button.format(n=mark), "p", row.id),
                    _button(
                        (ui.unmute_button if muted else ui.mute_button).format(n=mark), "m", row.id
                    ),
                    _button(ui.reschedule_button.format(n=mark), "r", row.id),
                ]
            )
    if campaign.kind == "movable":
        buttons.append([_button(ui.dates_button.format(year=year), "d", campaign.id, year)])
    buttons.append([_button(ui.back_button, "l")])
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


def _reminder_line(ctx: PufaContext, mark: str, row: Broadcast) -> str:
    ui = ctx.services.ui.campaigns
    lead = ui.lead_day if not row.lead_days else ui.lead_days.format(days=row.lead_days)
    role = ui.role_public if row.audience == Audience.CATEGORIES else ui.role_volunteers
    status = getattr(ui, f"status_{row.status}", row.status)
    when = describe(row.send_at.astimezone(ctx.services.tz))
    return ui.reminder_line.format(n=mark, when=when, lead=lead, role=role, status=status)


async def on_button(update: Update, ctx: PufaContext) -> None:
    query, user = update.callback_query, update.effective_user
    parsed = callbacks.parse(query.data if query else None)
    if parsed is None or not parsed.args or user is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    if not await require_coordinator(update, ctx, "campaigns"):
        return
    action, args = parsed.args[0], parsed.args[1:]
    if action == "l" and not args:
        await acknowledge(update)
        await edit(update, *await _overview(ctx))
    elif action in ("s", "d") and len(args) == 2 and args[1].isdigit():
        await _edition_action(update, ctx, action, args[0], int(args[1]))
    elif action in ("p", "m", "r") and len(args) == 1 and (rid := parse_id(args[0])):
        await _reminder_action(update, ctx, action, rid)
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)


async def _edition_action(
    update: Update, ctx: PufaContext, action: str, campaign_id: str, year: int
) -> None:
    campaign = _campaign(ctx, campaign_id)
    user = update.effective_user
    if campaign is None or user is None or (action == "d" and campaign.kind != "movable"):
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    await acknowledge(update)
    if action == "s":
        await edit(update, *await _detail(ctx, campaign, year))
        return
    ui = ctx.services.ui.campaigns
    await ctx.services.desk.ask(user.id, "camp_dates", f"{campaign.id}:{year}")
    example = _example(campaign, year)
    await reply_html(
        update, ui.dates_prompt.format(name=html.escape(campaign.name), year=year, example=example)
    )


def _example(campaign: Campaign, year: int) -> str:
    first, last = campaign.period(year)
    return f"{first.month}月{first.day}日-{last.month}月{last.day}日"


async def _reminder_action(update: Update, ctx: PufaContext, action: str, rid: int) -> None:
    ui, user = ctx.services.ui.campaigns, update.effective_user
    assert user is not None
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=rid)
    open_states = (BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED)
    if row is None or row.origin != "campaign" or row.status not in open_states:
        await acknowledge(update, ui.not_open, alert=True)
        return
    service = ctx.services.broadcasting
    assert service is not None
    if action == "p":
        await acknowledge(update)
        await send_preview(update, ctx, row)
    elif action == "m":
        muted = row.status == BroadcastStatus.SCHEDULED
        await service.set_muted(rid, muted, user.id)
        await acknowledge(update, ui.muted if muted else ui.unmuted)
        campaign = _campaign(ctx, row.campaign_id or "")
        if campaign is not None and row.campaign_year is not None:
            await edit(update, *await _detail(ctx, campaign, row.campaign_year))
    else:
        await acknowledge(update)
        await ctx.services.desk.ask(user.id, "camp_time", str(rid))
        await reply_html(update, ui.reschedule_prompt)


async def on_typed(update: Update, ctx: PufaContext, prompt: Prompt) -> None:
    """A new time for one reminder, or this year's dates of a movable campaign."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    if prompt.kind == "camp_time":
        await _typed_time(update, ctx, int(prompt.ref), message.text or "")
    elif prompt.kind == "camp_dates":
        campaign_id, _, year = prompt.ref.partition(":")
        await _typed_dates(update, ctx, campaign_id, int(year), message.text or "")
    else:
        await ctx.services.desk.done(user.id)


async def _typed_time(update: Update, ctx: PufaContext, rid: int, text: str) -> None:
    ui, user, service = ctx.services.ui.campaigns, update.effective_user, ctx.services.broadcasting
    assert user is not None and service is not None
    when = await read_when(update, ctx, text)
    if when is None:
        return
    if not isinstance(when, Once):
        await reply_html(update, ctx.services.ui.broadcasts.edit_time_once_only)
        return
    await ctx.services.desk.done(user.id)
    changed = await service.reschedule(rid, when.at, user.id)
    moment = describe(when.at.astimezone(ctx.services.tz))
    await reply_html(update, ui.rescheduled.format(when=moment) if changed else ui.not_open)


async def _typed_dates(
    update: Update, ctx: PufaContext, campaign_id: str, year: int, text: str
) -> None:
    ui, user, service = ctx.services.ui.campaigns, update.effective_user, ctx.services.broadcasting
    campaign = _campaign(ctx, campaign_id)
    assert user is not None and service is not None
    if campaign is None:
        await ctx.services.desk.done(user.id)
        return
    try:
        first, last = parse_dates(text, year)
    except WhenError:
        await reply_html(update, ui.dates_bad.format(year=year, example=_example(campaign, year)))
        return
    last = last or first + timedelta(days=campaign.days - 1)
    await ctx.services.desk.done(user.id)
    moved = await service.set_campaign_dates(campaign.id, year, first, last, user.id)
    period = _period(campaign, year, {(campaign.id, year): (first, last)})
    name = html.escape(campaign.name)
    await reply_html(update, ui.dates_set.format(name=name, year=year, period=period, moved=moved))


def register(app: PufaApp) -> None:
    app.add_handlers(
        [
            CommandHandler("campaigns", on_campaigns, filters.ChatType.PRIVATE),
            CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.CAMPAIGNS)),
        ]
    )
