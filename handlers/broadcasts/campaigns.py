"""/campaigns: the coming year's calendar reminders for coordinators: preview, mute, move one
reminder (or send it now), or set this year's dates of a movable campaign (网络安全宣传周,
宪法宣传周); a new time or dates are typed in a one-question chat. A new time (or 现在) is
shown as the recipients will get it then, with /broadcast's confirmation: the campaign's
edition, the recipients and the time, and a warning when the time is far from the campaign."""

import html
from datetime import date, datetime, timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.campaigns import Campaign
from content.dates import date_range, short_date
from handlers.broadcasts.audience import count_recipients
from handlers.broadcasts.screens import read_when, renderer, send_preview
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, ask, begin, expired, pressed
from handlers.kit.replies import acknowledge, edit, reply_html, user_id
from handlers.kit.roles import require_coordinator, require_private
from scheduler.timeparse import Now, Once, WhenError, describe, parse_dates
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
Overrides = dict[tuple[str, int], tuple[date, date]]
EDIT_FLOW = "campaign-edit"
# The edit chat's steps: a reminder's new time (data {"id"}), its confirmation (data {"id",
# "at": the ISO time or "" for now}), a campaign's dates this year (data
# {"campaign", "year"}).
NEW_TIME, CONFIRM, NEW_DATES = "time", "confirm", "dates"
Args = tuple[str, ...]


class CampaignButton(StrEnum):
    LIST = "l"  # back to the list
    SHOW = "s"  # :<campaign id>:<year>
    DATES = "d"  # :<campaign id>:<year>: set this year's dates
    PREVIEW = "p"  # :<reminder id>
    MUTE = "m"  # :<reminder id> (toggles)
    MOVE = "r"  # :<reminder id>: a new time


class EditButton(StrEnum):
    """The edit chat's buttons: ce:<token>:<action>[:<reminder id>]."""

    NOW = "n"  # send it now (offered with the new-time question)
    CONFIRM = "c"  # :<reminder id>
    TIME = "t"  # another time
    CANCEL = "x"


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
    return date_range(*campaign.period(year, override))


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
    chat = await begin(update, ctx, EDIT_FLOW, NEW_DATES, data)
    if chat is None:
        return
    example = _example(campaign, year)
    name = html.escape(campaign.name)
    await ask(update, chat, ui.dates_prompt.format(name=name, year=year, example=example))


def _example(campaign: Campaign, year: int) -> str:
    first, last = campaign.period(year)
    return f"{short_date(first)}-{short_date(last)}"


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
        chat = await begin(update, ctx, EDIT_FLOW, NEW_TIME, {"id": rid})
        if chat is not None:
            await _ask_time(update, ctx, chat, muted=row.status == BroadcastStatus.MUTED)


async def _ask_time(update: Update, ctx: PufaContext, chat: Conversation, *, muted: bool) -> None:
    ui = ctx.services.ui.campaigns
    now_button = chat.button(ui.send_now_button, EditButton.NOW)
    await ask(
        update, chat, ui.reschedule_prompt, None if muted else InlineKeyboardMarkup([[now_button]])
    )


async def _send_now(update: Update, ctx: PufaContext, rid: int) -> None:
    """Starts a waiting reminder at once; the service's one SCHEDULED → SENDING step makes a
    second confirmation find it no longer waiting."""
    ui = ctx.services.ui.campaigns
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=rid)
    if row is None or row.origin != "campaign":
        await edit(update, ui.not_open, None)
    elif row.status == BroadcastStatus.MUTED:
        await edit(update, ui.send_now_muted, None)
    elif await ctx.services.broadcasting.send_now(rid, user_id(update)):
        await edit(update, ui.sending_now, None)
    else:
        await edit(update, ui.not_open, None)


async def on_new_time(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A reminder's new time (once), or 现在: shown, then confirmed."""
    assert update.effective_message is not None
    when = await read_when(update, ctx, update.effective_message.text or "")
    if when is None:
        return
    if not isinstance(when, Now | Once):
        await reply_html(update, ctx.services.ui.broadcasts.edit_time_once_only)
        return
    await _ask_confirm(update, ctx, chat, when)


async def on_now(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """🚀 立即发送 under the new-time question: as 现在 typed."""
    if await pressed(update, ctx, args):
        await _ask_confirm(update, ctx, chat, Now())


async def on_change_time(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if await pressed(update, ctx, args):
        await chat.goto(NEW_TIME)
        await _ask_time(update, ctx, chat, muted=False)


async def redraw(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The reminder and its confirmation at the time the draft holds now (确认 was pressed
    under an older one)."""
    at = str(chat.data.get("at", ""))
    await _ask_confirm(update, ctx, chat, Once(datetime.fromisoformat(at)) if at else Now())


def answered(chat: Conversation) -> int:
    """A reminder's new time, while its confirmation is asked."""
    return int(chat.step == CONFIRM)


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The confirmation again (继续填写); at another step, its question."""
    if chat.step == CONFIRM:
        await redraw(update, ctx, chat)
    else:
        await on_edit_wrong_input(update, ctx, chat)


async def _ask_confirm(
    update: Update, ctx: PufaContext, chat: Conversation, when: Now | Once
) -> None:
    """The reminder exactly as it will go out at the new time, and what confirming does."""
    ui, rid = ctx.services.ui.campaigns, int(chat.data["id"])
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=rid)
    open_states = (BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED)
    campaign = _campaign(ctx, row.campaign_id or "") if row is not None else None
    if row is None or row.status not in open_states or campaign is None:
        await chat.end(update)
        await reply_html(update, ui.not_open)
        return
    if isinstance(when, Now) and row.status == BroadcastStatus.MUTED:
        await chat.end(update)
        await reply_html(update, ui.send_now_muted)
        return
    at = when.at if isinstance(when, Once) else ctx.services.now()
    chat.data |= {"at": "" if isinstance(when, Now) else at.isoformat()}
    await chat.goto(CONFIRM)
    if not await send_preview(update, ctx, await ctx.services.broadcasting.preview_at(row, at)):
        await chat.end(update)
        return
    year = row.campaign_year or 0
    lines = [await _edition_line(ctx, campaign, row)]
    lines += _distance(ctx, campaign, year, await _overrides(ctx), at)
    audience = Audience(row.audience)
    lines.append(
        ctx.services.ui.broadcasts.confirm.format(
            audience=renderer(ctx).audience_name(audience, row.audience_value),
            count=await count_recipients(ctx, audience, row.audience_value),
            when=html.escape(ctx.services.describe_when(when)),
        )
    )
    broadcasts = ctx.services.ui.broadcasts
    label = ui.confirm_now_button if isinstance(when, Now) else ui.confirm_time_button
    markup = InlineKeyboardMarkup(
        [
            [chat.button(label, EditButton.CONFIRM, rid)],
            [
                chat.button(broadcasts.change_time_button, EditButton.TIME),
                chat.button(broadcasts.cancel_button, EditButton.CANCEL),
            ],
        ]
    )
    await ask(update, chat, "\n".join(lines), markup)  # the question before loses its buttons


async def _edition_line(ctx: PufaContext, campaign: Campaign, row: Broadcast) -> str:
    """Which campaign, which year's, and which of its reminders (①②...)."""
    year = row.campaign_year or 0
    async with ctx.services.db.session() as session:
        rows = await repo.campaign_reminders(session=session, campaign_id=campaign.id, year=year)
    n = next((CIRCLED[i] for i, r in enumerate(rows[: len(CIRCLED)]) if r.id == row.id), "")
    period = _period(campaign, year, await _overrides(ctx))
    name = html.escape(campaign.name)
    return ctx.services.ui.campaigns.confirm_for.format(name=name, year=year, period=period, n=n)


def _distance(
    ctx: PufaContext, campaign: Campaign, year: int, overrides: Overrides, at: datetime
) -> list[str]:
    """A warning when the reminder would go out long before its campaign (next year's sent
    now, say) or after it began."""
    ui = ctx.services.ui.campaigns
    first, _ = campaign.period(year, overrides.get((campaign.id, year)))
    days = (first - at.astimezone(ctx.services.tz).date()).days
    if days < 0:
        return [ui.confirm_late.format(year=year)]
    if days > max(campaign.lead_days):
        return [ui.confirm_early.format(year=year, days=days)]
    return []


async def on_confirm(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """Sends now or moves the reminder, once: the chat ends first, so a second press finds it
    gone (`on_ended`)."""
    rid = int(chat.data["id"])
    if args != (str(rid),):
        await expired(update, ctx)
        return
    await acknowledge(update)
    if not await chat.end(update):
        return
    at = str(chat.data.get("at", ""))
    if not at:
        await _send_now(update, ctx, rid)
        return
    ui, moment = ctx.services.ui.campaigns, datetime.fromisoformat(at)
    changed = await ctx.services.broadcasting.reschedule(rid, moment, chat.user_id)
    said = describe(moment.astimezone(ctx.services.tz))
    await edit(update, ui.rescheduled.format(when=said) if changed else ui.not_open, None)


async def on_cancel(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """取消 under the confirmation: nothing changes, the message says so in place."""
    if await pressed(update, ctx, args):
        await chat.end(update)
        await edit(update, ctx.services.ui.broadcasts.edit_cancelled, None)


async def on_ended(
    update: Update,
    ctx: PufaContext,
    _token: str,
    action: str,
    args: tuple[str, ...],
    _current: Conversation | None,
) -> None:
    """A button of an edit that is over: 确认 pressed again says the reminder is no longer
    waiting (when it is not); anything else is an expired button."""
    rid = number(args[0]) if action == EditButton.CONFIRM and len(args) == 1 else None
    row = None
    if rid is not None:
        async with ctx.services.db.session() as session:
            row = await repo.get_broadcast(session=session, broadcast_id=rid)
    if row is not None and row.origin == "campaign" and row.status != BroadcastStatus.SCHEDULED:
        await acknowledge(update, ctx.services.ui.campaigns.not_open, alert=True)
        return
    await expired(update, ctx)


async def on_new_dates(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """This year's dates of a movable campaign."""
    assert update.effective_message is not None
    ui, service = ctx.services.ui.campaigns, ctx.services.broadcasting
    campaign, year = _campaign(ctx, str(chat.data["campaign"])), int(chat.data["year"])
    if campaign is None:  # gone from the calendar meanwhile
        await chat.end(update)
        await reply_html(update, ui.not_open)
        return
    try:
        first, last = parse_dates(update.effective_message.text or "", year)
    except WhenError:
        await reply_html(update, ui.dates_bad.format(year=year, example=_example(campaign, year)))
        return
    last = last or first + timedelta(days=campaign.days - 1)
    await chat.end(update)
    result = await service.set_campaign_dates(campaign.id, year, first, last, chat.user_id)
    period = _period(campaign, year, {(campaign.id, year): (first, last)})
    name = html.escape(campaign.name)
    text = ui.dates_set.format(name=name, year=year, period=period, moved=result.moved)
    if result.kept:
        text += "\n" + ui.dates_kept.format(kept=len(result.kept))
    await reply_html(update, text)
    if result.late:
        await _ask_about_late(update, ctx, campaign, year, last, result.late)


async def _ask_about_late(
    update: Update,
    ctx: PufaContext,
    campaign: Campaign,
    year: int,
    last: date,
    late: list[Broadcast],
) -> None:
    """Reminders moved by hand that now fall after the campaign: the coordinator decides,
    with the edition's own buttons (改时间, 静音)."""
    ui = ctx.services.ui.campaigns
    async with ctx.services.db.session() as session:
        rows = await repo.campaign_reminders(session=session, campaign_id=campaign.id, year=year)
    marks = {row.id: CIRCLED[n] for n, row in enumerate(rows[: len(CIRCLED)])}
    end = short_date(last)
    lines = [
        ui.dates_late.format(
            n=marks.get(row.id, ""),
            when=describe(row.send_at.astimezone(ctx.services.tz)),
            end=end,
        )
        for row in late
    ]
    _, markup = await _detail(ctx, campaign, year)
    await reply_html(update, "\n".join(lines), markup)


async def on_edit_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Not text, where a new time or dates are wanted: ask again; anything typed where a
    button is wanted: say so."""
    ui = ctx.services.ui.campaigns
    if chat.step == NEW_TIME:
        await reply_html(update, ui.reschedule_prompt)
        return
    if chat.step == CONFIRM:
        await reply_html(update, ctx.services.ui.broadcasts.use_buttons)
        return
    campaign = _campaign(ctx, str(chat.data.get("campaign", "")))
    if campaign is None:
        await chat.end(update)
        return
    year = int(chat.data["year"])
    name = html.escape(campaign.name)
    await reply_html(
        update, ui.dates_prompt.format(name=name, year=year, example=_example(campaign, year))
    )
