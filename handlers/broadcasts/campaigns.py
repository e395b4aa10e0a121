"""/campaigns: the coming year's calendar reminders for coordinators: preview, mute, move one
reminder (or send it now, as /scheduled does), or set this year's dates of a movable campaign
(网络安全宣传周, 宪法宣传周); a new time or dates are typed in a one-question chat."""

import html
from datetime import date, timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.campaigns import Campaign
from handlers.broadcasts.screens import read_when, send_preview
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, expired
from handlers.kit.replies import acknowledge, edit, reply_html, user_id
from handlers.kit.roles import require_coordinator, require_private
from scheduler.timeparse import Now, Once, WhenError, describe, parse_dates
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
Overrides = dict[tuple[str, int], tuple[date, date]]
EDIT_FLOW = "campaign-edit"
# The edit chat's steps: a reminder's new time (data {"id"}), a campaign's dates this year
# (data {"campaign", "year"}).
NEW_TIME, NEW_DATES = "time", "dates"


class CampaignButton(StrEnum):
    LIST = "l"  # back to the list
    SHOW = "s"  # :<campaign id>:<year>
    DATES = "d"  # :<campaign id>:<year>: set this year's dates
    PREVIEW = "p"  # :<reminder id>
    MUTE = "m"  # :<reminder id> (toggles)
    MOVE = "r"  # :<reminder id>: a new time
    NOW = "n"  # :<reminder id>: send it now (offered with the new-time question)


def _button(label: str, action: CampaignButton, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.CAMPAIGNS, action, *args))


def _campaign(ctx: PufaContext, campaign_id: str) -> Campaign | None:
    return next((c for c in ctx.services.library.campaigns if c.id == campaign_id), None)


async def on_campaigns(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx) or not await require_coordinator(
        update, ctx, "campaigns"
    ):
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
        rows.append([_button(f"{campaign.name} {year}", CampaignButton.SHOW, campaign.id, year)])
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
                    _button(ui.preview_button.format(n=mark), CampaignButton.PREVIEW, row.id),
                    _button(
                        (ui.unmute_button if muted else ui.mute_button).format(n=mark),
                        CampaignButton.MUTE,
                        row.id,
                    ),
                    _button(ui.reschedule_button.format(n=mark), CampaignButton.MOVE, row.id),
                ]
            )
    if campaign.kind == "movable":
        buttons.append(
            [_button(ui.dates_button.format(year=year), CampaignButton.DATES, campaign.id, year)]
        )
    buttons.append([_button(ui.back_button, CampaignButton.LIST)])
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


def _reminder_line(ctx: PufaContext, mark: str, row: Broadcast) -> str:
    ui = ctx.services.ui.campaigns
    lead = ui.lead_day if not row.lead_days else ui.lead_days.format(days=row.lead_days)
    role = ui.role_public if row.audience == Audience.CATEGORIES else ui.role_volunteers
    status = getattr(ui, f"status_{row.status}", row.status)
    when = describe(row.send_at.astimezone(ctx.services.tz))
    return ui.reminder_line.format(n=mark, when=when, lead=lead, role=role, status=status)


async def on_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(CampaignButton) if parsed else None
    if chosen is None:
        await expired(update, ctx)
        return
    if not await require_coordinator(update, ctx, "campaigns"):
        return
    action, args = chosen
    match action:
        case CampaignButton.LIST if not args:
            await acknowledge(update)
            await edit(update, *await _overview(ctx))
        case CampaignButton.SHOW | CampaignButton.DATES if len(args) == 2 and number(args[1]):
            await _edition_action(update, ctx, action, args[0], int(args[1]))
        case CampaignButton.NOW if len(args) == 1 and (reminder := number(args[0])):
            await acknowledge(update)
            if (asked := await ctx.services.chats.get(EDIT_FLOW, user_id(update))) is not None:
                await asked.end()  # the new-time question is answered by the button
            await _send_now(update, ctx, reminder)
        case CampaignButton.PREVIEW | CampaignButton.MUTE | CampaignButton.MOVE if len(
            args
        ) == 1 and (reminder := number(args[0])):
            await _reminder_action(update, ctx, action, reminder)
        case _:
            await expired(update, ctx)


async def _edition_action(
    update: Update, ctx: PufaContext, action: CampaignButton, campaign_id: str, year: int
) -> None:
    campaign = _campaign(ctx, campaign_id)
    if campaign is None or (action is CampaignButton.DATES and campaign.kind != "movable"):
        await expired(update, ctx)
        return
    await acknowledge(update)
    if action is CampaignButton.SHOW:
        await edit(update, *await _detail(ctx, campaign, year))
        return
    ui = ctx.services.ui.campaigns
    data = {"campaign": campaign.id, "year": year}
    await ctx.services.chats.start(EDIT_FLOW, user_id(update), NEW_DATES, data)
    example = _example(campaign, year)
    await reply_html(
        update, ui.dates_prompt.format(name=html.escape(campaign.name), year=year, example=example)
    )


def _example(campaign: Campaign, year: int) -> str:
    first, last = campaign.period(year)
    return f"{first.month}月{first.day}日-{last.month}月{last.day}日"


async def _reminder_action(
    update: Update, ctx: PufaContext, action: CampaignButton, rid: int
) -> None:
    ui = ctx.services.ui.campaigns
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=rid)
    open_states = (BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED)
    if row is None or row.origin != "campaign" or row.status not in open_states:
        await acknowledge(update, ui.not_open, alert=True)
        return
    service = ctx.services.broadcasting
    if action is CampaignButton.PREVIEW:
        await acknowledge(update)
        await send_preview(update, ctx, row)
    elif action is CampaignButton.MUTE:
        muted = row.status == BroadcastStatus.SCHEDULED
        await service.set_muted(rid, muted, user_id(update))
        await acknowledge(update, ui.muted if muted else ui.unmuted)
        campaign = _campaign(ctx, row.campaign_id or "")
        if campaign is not None and row.campaign_year is not None:
            await edit(update, *await _detail(ctx, campaign, row.campaign_year))
    else:
        await acknowledge(update)
        await ctx.services.chats.start(EDIT_FLOW, user_id(update), NEW_TIME, {"id": rid})
        now_button = _button(ui.send_now_button, CampaignButton.NOW, rid)
        muted = row.status == BroadcastStatus.MUTED
        await reply_html(
            update, ui.reschedule_prompt, None if muted else InlineKeyboardMarkup([[now_button]])
        )


async def _send_now(update: Update, ctx: PufaContext, rid: int) -> None:
    """Starts a waiting reminder at once; the service's one SCHEDULED → SENDING step makes a
    second press (or 现在 typed too) find it no longer waiting."""
    ui = ctx.services.ui.campaigns
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=rid)
    if row is None or row.origin != "campaign":
        await reply_html(update, ui.not_open)
    elif row.status == BroadcastStatus.MUTED:
        await reply_html(update, ui.send_now_muted)
    elif await ctx.services.broadcasting.send_now(rid, user_id(update)):
        await reply_html(update, ui.sending_now)
    else:
        await reply_html(update, ui.not_open)


async def on_new_time(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A reminder's new time (once), or 现在."""
    assert update.effective_message is not None
    ui, service, rid = ctx.services.ui.campaigns, ctx.services.broadcasting, int(chat.data["id"])
    when = await read_when(update, ctx, update.effective_message.text or "")
    if when is None:
        return
    if isinstance(when, Now):
        await chat.end()
        await _send_now(update, ctx, rid)
        return
    if not isinstance(when, Once):
        await reply_html(update, ctx.services.ui.broadcasts.edit_time_once_only)
        return
    await chat.end()
    changed = await service.reschedule(rid, when.at, chat.user_id)
    moment = describe(when.at.astimezone(ctx.services.tz))
    await reply_html(update, ui.rescheduled.format(when=moment) if changed else ui.not_open)


async def on_new_dates(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """This year's dates of a movable campaign."""
    assert update.effective_message is not None
    ui, service = ctx.services.ui.campaigns, ctx.services.broadcasting
    campaign, year = _campaign(ctx, str(chat.data["campaign"])), int(chat.data["year"])
    if campaign is None:  # gone from the calendar meanwhile
        await chat.end()
        await reply_html(update, ui.not_open)
        return
    try:
        first, last = parse_dates(update.effective_message.text or "", year)
    except WhenError:
        await reply_html(update, ui.dates_bad.format(year=year, example=_example(campaign, year)))
        return
    last = last or first + timedelta(days=campaign.days - 1)
    await chat.end()
    moved = await service.set_campaign_dates(campaign.id, year, first, last, chat.user_id)
    period = _period(campaign, year, {(campaign.id, year): (first, last)})
    name = html.escape(campaign.name)
    await reply_html(update, ui.dates_set.format(name=name, year=year, period=period, moved=moved))


async def on_edit_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Not text, where a new time or dates are wanted: ask again."""
    ui = ctx.services.ui.campaigns
    if chat.step == NEW_TIME:
        await reply_html(update, ui.reschedule_prompt)
        return
    campaign = _campaign(ctx, str(chat.data.get("campaign", "")))
    if campaign is None:
        await chat.end()
        return
    year = int(chat.data["year"])
    name = html.escape(campaign.name)
    await reply_html(
        update, ui.dates_prompt.format(name=name, year=year, example=_example(campaign, year))
    )
