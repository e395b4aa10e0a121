"""Coordinators' tools: /invite, /promote, /demote, /stats, /export, /hours.

Every command and confirmation button checks the role on the server
(`handlers.roles.require_coordinator`: a refusal is answered politely and audited), and every
action taken is audited too.
"""

import asyncio
import contextlib
import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from content.loader import Library
from content.qr import qr_png
from content.report_input import InputError, parse_period
from content.ui_volunteers import VolunteerTexts
from handlers import callbacks, notify
from handlers.context import PufaApp, PufaContext
from handlers.guided import volunteer_texts
from handlers.menus import refresh_menu
from handlers.replies import acknowledge, reply_html
from handlers.report_view import explain
from handlers.roles import is_coordinator, require_coordinator
from storage.audit import record
from storage.charts import weekly_chart
from storage.exports import Format, Labels, export_hours, export_reports
from storage.stats import Line, Period, Stats, VolunteerLine, period_stats, volunteer_hours
from storage.volunteers import create_invite, find_person, set_coordinator

SECTION_LINES = 12
HOURS_LINES = 20
COMMANDS = ("invite", "promote", "demote", "stats", "export", "hours")
_DAYS = re.compile(r"^(\d{1,3})(?:天|d|days?)$")


def _actor(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def _audit(
    ctx: PufaContext, update: Update, action: str, target: str = "", detail: str = ""
) -> None:
    async with ctx.services.db.session() as session:
        await record(
            session=session, actor_id=_actor(update), action=action, target=target, detail=detail
        )


def export_labels(library: Library, tz: ZoneInfo) -> Labels:
    texts = library.ui.volunteers
    return Labels(
        headers=texts.export_headers,
        activity_types=texts.activity_types,
        topics={c.id: c.name for c in library.categories},
        anonymous=texts.anonymous,
        tz=tz,
    )


# --- /invite -------------------------------------------------------------------------------


async def on_invite(update: Update, ctx: PufaContext) -> None:
    if not await require_coordinator(update, ctx, "invite"):
        return
    texts, services = volunteer_texts(ctx), ctx.services
    days, single, organisation, words = services.volunteering.invite_valid_days, False, "", []
    for arg in ctx.args or []:
        if arg in {"单次", "一次", "once"}:
            single = True
        elif match := _DAYS.match(arg):
            days = max(1, min(365, int(match[1])))
        elif arg.startswith(("单位:", "单位：", "org:")):
            organisation = re.split(r"[:：]", arg, maxsplit=1)[1][:100]
        else:
            words.append(arg)
    town = _match_town(" ".join(words), services.library)
    if town is None:
        towns = "、".join(t.town for t in services.library.towns)
        await reply_html(update, texts.invite_usage.format(towns=html.escape(towns)))
        return
    async with services.db.session() as session:
        invite = await create_invite(
            session=session,
            created_by=_actor(update),
            valid_for=timedelta(days=days),
            town=town,
            organisation=organisation,
            single_use=single,
        )
    await _audit(ctx, update, "invite", invite.code, f"town={town} single={single} days={days}")
    link = f"https://t.me/{ctx.bot.username}?start=join_{invite.code}"
    text = texts.invite_created.format(
        code=invite.code,
        link=html.escape(link),
        town=html.escape(town or texts.any_town),
        organisation=html.escape(organisation or texts.none_value),
        uses=texts.single_use if single else texts.multi_use,
        expires=invite.expires_at.astimezone(services.tz).strftime("%Y-%m-%d %H:%M"),
    )
    await reply_html(update, text)
    if update.effective_chat is not None:
        png = await asyncio.to_thread(qr_png, link)
        await update.effective_chat.send_photo(
            InputFile(png, filename=f"join_{invite.code}.png"), caption=link
        )


def _match_town(text: str, library: Library) -> str | None:
    """'' (any town), a listed town by name, number or unique part; None if unknown."""
    text = text.strip()
    towns = [t.town for t in library.towns]
    if not text:
        return ""
    if not towns:
        return text[:100]
    if text.isdigit() and 1 <= int(text) <= len(towns):
        return towns[int(text) - 1]
    found = [t for t in towns if text == t] or [t for t in towns if text in t]
    return found[0] if len(found) == 1 else None


# --- /promote and /demote ------------------------------------------------------------------


async def on_role_command(update: Update, ctx: PufaContext) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    promote = command == "promote"
    if not await require_coordinator(update, ctx, command):
        return
    texts = volunteer_texts(ctx)
    async with ctx.services.db.session() as session:
        person = await find_person(session=session, ref=" ".join(ctx.args or []))
    if person is None:
        await reply_html(update, texts.person_unknown)
        return
    target = person.telegram_id
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    if promote == await is_coordinator(ctx.services, target):
        await reply_html(update, texts.already_coordinator if promote else texts.not_a_coordinator)
        return
    action = "promote" if promote else "demote"
    question = texts.promote_confirm if promote else texts.demote_confirm
    keyboard = InlineKeyboardMarkup(
        [
            [
                _role_button(texts.confirm_yes, action, target, "yes"),
                _role_button(texts.confirm_no, action, target, "no"),
            ]
        ]
    )
    name = html.escape(person.name or str(target))
    await reply_html(update, question.format(name=name, id=target), keyboard)


def _role_button(label: str, action: str, target: int, answer: str) -> InlineKeyboardButton:
    data = callbacks.make(callbacks.COORDINATOR, action, target, answer)
    return InlineKeyboardButton(label, callback_data=data)


async def on_role_confirmed(update: Update, ctx: PufaContext) -> None:
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    args = parsed.args if parsed is not None else ()
    action = args[0] if args and args[0] in {"promote", "demote"} else "role"
    if not await require_coordinator(update, ctx, action):
        return
    texts = volunteer_texts(ctx)
    if len(args) != 3 or action == "role" or not args[1].isdigit() or args[2] not in {"yes", "no"}:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    await acknowledge(update)
    if args[2] == "no":
        await reply_html(update, texts.kept)
        return
    target, promote = int(args[1]), action == "promote"
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    async with ctx.services.db.session() as session:
        known = await set_coordinator(session=session, telegram_id=target, promote=promote)
    if not known:
        await reply_html(update, texts.person_unknown)
        return
    await _audit(ctx, update, action, str(target))
    await reply_html(update, (texts.promoted if promote else texts.demoted).format(id=target))
    await refresh_menu(ctx.bot, ctx.services, target)
    # They may never have opened a private chat with the bot.
    with contextlib.suppress(TelegramError):
        await ctx.bot.send_message(
            target, texts.you_are_promoted if promote else texts.you_are_demoted
        )


# --- /stats, /export, /hours ---------------------------------------------------------------


def _period_and_format(ctx: PufaContext) -> tuple[Period, Format]:
    """Raises InputError for a period nobody can read."""
    args = list(ctx.args or [])
    fmt: Format = "csv" if any(a.lower() == "csv" for a in args) else "xlsx"
    words = " ".join(a for a in args if a.lower() not in {"csv", "xlsx"})
    today = datetime.now(ctx.services.tz).date()
    start, end = parse_period(words, today=today)
    return Period(start, end), fmt


async def _period(update: Update, ctx: PufaContext) -> tuple[Period, Format] | None:
    try:
        return _period_and_format(ctx)
    except InputError as problem:
        texts = volunteer_texts(ctx)
        await reply_html(update, explain(texts, problem.problem, 0) + "\n" + texts.period_usage)
        return None


def _period_text(period: Period) -> str:
    return f"{period.start.isoformat()} ~ {period.end.isoformat()}"


def _lines(texts: VolunteerTexts, lines: list[Line], names: dict[str, str]) -> list[str]:
    out = [
        texts.stats_line.format(
            name=html.escape(names.get(line.key, line.key) or texts.none_value),
            activities=line.activities,
            audience=line.audience,
            hours=f"{line.hours:g}",
        )
        for line in lines[:SECTION_LINES]
    ]
    if len(lines) > SECTION_LINES:
        out.append(texts.stats_more.format(more=len(lines) - SECTION_LINES))
    return out


def stats_html(stats: Stats, texts: VolunteerTexts) -> str:
    total = stats.total
    lines = [
        texts.stats_title.format(period=_period_text(stats.period)),
        texts.stats_total.format(
            activities=total.activities,
            audience=total.audience,
            hours=f"{total.hours:g}",
            volunteers=total.volunteers,
        ),
    ]
    if not total.activities:
        return "\n".join([*lines, texts.stats_empty])
    lines += ["", texts.stats_by_town, *_lines(texts, stats.by_town, {})]
    lines += ["", texts.stats_by_type, *_lines(texts, stats.by_type, dict(texts.activity_types))]
    lines += ["", texts.stats_top]
    lines += [
        texts.stats_volunteer.format(
            rank=rank,
            name=html.escape(v.name or texts.anonymous),
            town=html.escape(v.town or texts.none_value),
            activities=v.activities,
            hours=f"{v.hours:g}",
        )
        for rank, v in enumerate(stats.top_volunteers, 1)
    ]
    return "\n".join(lines)


async def on_stats(update: Update, ctx: PufaContext) -> None:
    if not await require_coordinator(update, ctx, "stats"):
        return
    chosen = await _period(update, ctx)
    if chosen is None:
        return
    period, texts = chosen[0], volunteer_texts(ctx)
    async with ctx.services.db.session() as session:
        stats = await period_stats(session=session, period=period)
    await _audit(ctx, update, "stats", detail=_period_text(period))
    await reply_html(update, stats_html(stats, texts))
    if stats.total.activities and update.effective_chat is not None:
        png = await asyncio.to_thread(
            weekly_chart,
            stats.weekly,
            texts.activity_types,
            texts.chart_title.format(period=_period_text(period)),
            font=ctx.services.volunteering.chart_font,
        )
        await update.effective_chat.send_photo(
            InputFile(png, filename="stats.png"), caption=texts.chart_caption
        )


async def on_export(update: Update, ctx: PufaContext) -> None:
    await _send_table(update, ctx, "export")


async def on_hours(update: Update, ctx: PufaContext) -> None:
    await _send_table(update, ctx, "hours")


async def _send_table(update: Update, ctx: PufaContext, action: str) -> None:
    if not await require_coordinator(update, ctx, action):
        return
    chosen = await _period(update, ctx)
    if chosen is None or update.effective_chat is None:
        return
    (period, fmt), texts = chosen, volunteer_texts(ctx)
    labels = export_labels(ctx.services.library, ctx.services.tz)
    export = export_reports if action == "export" else export_hours
    async with ctx.services.db.session() as session:
        data = await export(
            session=session, period=period, fmt=fmt, labels=labels, with_phone=True
        )
        lines = await volunteer_hours(session=session, period=period, limit=HOURS_LINES)
    await _audit(ctx, update, action, detail=f"{_period_text(period)} {fmt}")
    if action == "hours":
        await reply_html(update, _hours_html(texts, period, lines))
    name = "reports" if action == "export" else "hours"
    filename = f"{name}_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
    caption = (texts.export_caption if action == "export" else texts.hours_caption).format(
        period=_period_text(period)
    )
    await update.effective_chat.send_document(InputFile(data, filename=filename), caption=caption)


def _hours_html(texts: VolunteerTexts, period: Period, lines: list[VolunteerLine]) -> str:
    rows = [
        texts.hours_line.format(
            rank=rank,
            name=html.escape(line.name or texts.anonymous),
            town=html.escape(line.town or texts.none_value),
            activities=line.activities,
            hours=f"{line.hours:g}",
        )
        for rank, line in enumerate(lines, 1)
    ]
    title = texts.hours_title.format(period=_period_text(period))
    return "\n".join([title, *(rows or [texts.stats_empty])])


def register(app: PufaApp) -> None:
    notify.schedule_digest(app)
    app.add_handlers(
        [
            CommandHandler("invite", on_invite),
            CommandHandler(["promote", "demote"], on_role_command),
            CommandHandler("stats", on_stats),
            CommandHandler("export", on_export),
            CommandHandler("hours", on_hours),
            CallbackQueryHandler(
                on_role_confirmed, pattern=callbacks.pattern(callbacks.COORDINATOR)
            ),
        ]
    )
