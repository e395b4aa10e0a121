"""QR attribution: `/qr [日期] 标题 [｜地点]` makes a volunteer's (or coordinator's) code for an
event or poster (the place, e.g. 东山镇司法所 · 普法志愿服务, is a line on its poster, kept with
the code), and "为这次活动生成二维码" under a report the code of its event (one per report);
`/start ev_<code>` records the first code that brought a resident. An event's residents are
asked to rate it the day after (a broadcast through the delivery engine). A phone, ID or
bank-card number typed in a title or a place is masked before it is stored or printed (and
masked again when shown or sent, the rating invitation too, for codes made before)."""

import asyncio
import html
import re
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode

from content.privacy import mask_personal_numbers
from content.report_input import (
    EVENT_AHEAD_DAYS,
    EVENT_PAST_DAYS,
    InputError,
    InputProblem,
    has_letters,
    parse_event_date,
)
from documents.poster import poster_png, undrawable
from documents.qr import qr_png
from domain.posters import (
    MAX_PLACE,
    hides_numbers,
    off_poster,
    poster_place,
    poster_words,
    prints_title,
    public_words,
)
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired, leave_open
from handlers.kit.events import EventAction
from handlers.kit.replies import acknowledge, reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer_or_coordinator, role_of
from storage.attribution import create_event, event_of_report, get_event, record_touch
from storage.audience import Audience
from storage.audit import record
from storage.broadcasts import RATING
from storage.models import Broadcast, QrEvent, ReportStatus, Role
from storage.reports import get_report
from storage.volunteers import get_volunteer

EVENT_LINK = re.compile(r"^ev_([a-z0-9]{1,40})$")
RATING_TIME = time(10, 0)  # the day after the event, local time
MIN_TITLE, MAX_TITLE = 2, 40
PLACE_MARK = re.compile(r"[|｜]")  # between the title and the poster's place line


async def on_qr(update: Update, ctx: PufaContext) -> None:
    services, texts = ctx.services, ctx.services.ui.engagement
    if not await require_private(update, ctx):
        return
    if await require_volunteer_or_coordinator(update, ctx) is None:
        return
    maker = user_id(update)
    args = list(ctx.args or [])
    if not args:
        await reply_html(update, texts.qr_usage)
        return
    event_date, typed_date = None, ""
    try:
        days = services.library.typed_words.days
        event_date = parse_event_date(args[0], today=services.today(), days=days)
        typed_date, args = args[0], args[1:]
    except InputError as problem:
        if problem.problem is InputProblem.DATE_INVALID:  # /qr 2月30日 …: not a poster's title
            await reply_html(update, texts.qr_date_invalid.format(date=html.escape(args[0])))
            return
        if problem.problem in {InputProblem.DATE_FUTURE, InputProblem.DATE_TOO_OLD}:
            typed = html.escape(args[0])
            text = texts.qr_date_range.format(
                date=typed, past=EVENT_PAST_DAYS, ahead=EVENT_AHEAD_DAYS
            )
            await reply_html(update, text)
            return
        # no date first: a poster
    typed_title, *typed_place = PLACE_MARK.split(" ".join(args), maxsplit=1)
    title = public_words(typed_title)
    example = f"{html.escape(typed_date)} " if typed_date else ""
    if not has_letters(title):  # only a date (/qr 明天), or nothing a title is made of
        await reply_html(update, texts.qr_title_missing.format(date=example))
        return
    font, labels = services.volunteering.chart_font, services.library.typed_words.number_labels
    if not await asyncio.to_thread(prints_title, title, labels, font=font):  # /qr 电话138…
        await reply_html(update, texts.qr_title_off_poster.format(date=example))
        return
    if not MIN_TITLE <= len(title) <= MAX_TITLE:
        await reply_html(update, texts.qr_title_bad)
        return
    place = poster_place(typed_place[0]) if typed_place else ""
    # a place line that prints nothing, as a title would not (/qr …｜电话138…), is refused
    if place is None or (
        place and not await asyncio.to_thread(prints_title, place, labels, font=font)
    ):
        command = f"{example}{html.escape(title)}"
        await reply_html(update, _place_problem(ctx, typed_place[0], command))
        return
    async with services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=maker)
        event = await create_event(
            session=session,
            title=title,
            volunteer_id=maker,
            town=volunteer.town if volunteer else "",
            event_date=event_date,
            now=services.now(),
            place=place,
        )
        await record(
            session=session, actor_id=maker, action="qr", target=event.code, now=services.now()
        )
    await _schedule_rating(ctx, event)
    hidden = any(hides_numbers(typed) for typed in [typed_title, *typed_place])
    await send_code(update, ctx, event, hidden=hidden)


def _place_problem(ctx: PufaContext, typed: str, command: str) -> str:
    """What is wrong with the place typed after "｜": nothing, nothing the poster prints, or
    too long; said with the volunteer's own `command` (HTML) to send again."""
    texts, words = ctx.services.ui.engagement, public_words(typed)
    if not words:
        return texts.qr_place_empty.format(command=command)
    if not has_letters(words) or len(words) <= MAX_PLACE:
        return texts.qr_place_unprintable.format(command=command)
    return texts.qr_place_too_long.format(command=command, most=MAX_PLACE)


async def on_report_qr(update: Update, ctx: PufaContext) -> None:
    """ev:qr:<report id>: the code of that report's event, made once (a second press sends
    the same code). Only the report's volunteer, or a coordinator, in a private chat."""
    services, texts = ctx.services, ctx.services.ui.engagement
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(EventAction) if parsed else None
    report_id = number(chosen[1][0]) if chosen and len(chosen[1]) == 1 else None
    if report_id is None:
        await expired(update, ctx)
        return
    if not await require_private(update, ctx):
        return
    presser = user_id(update)
    role = await role_of(services, presser)
    if role is Role.RESIDENT:  # a /myreports list drawn before /leave or /deleteme
        await acknowledge(update, services.ui.volunteers.not_volunteer, alert=True)
        return
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    own = report is not None and report.volunteer_id == presser
    if report is None or not (own or role is Role.COORDINATOR):
        await acknowledge(update, texts.qr_report_unknown, alert=True)
        return
    if report.status != ReportStatus.SUBMITTED.value:
        await acknowledge(update, texts.qr_report_withdrawn.format(id=report.id), alert=True)
        return
    await acknowledge(update)
    day, kind = report.data.activity_date, report.data.activity_type
    title = texts.qr_report_title.format(
        month=day.month,
        day=day.day,
        type=services.ui.volunteers.activity_types.get(kind, kind),
        place=mask_personal_numbers(report.data.place),
    )
    async with services.db.session() as session:
        event, made = await event_of_report(
            session=session,
            report_id=report.id,
            title=title,
            volunteer_id=report.volunteer_id,
            town=report.data.town,
            event_date=report.data.activity_date,
            now=services.now(),
        )
        if made:
            await record(
                session=session,
                actor_id=presser,
                action="qr",
                target=event.code,
                detail=f"report {report.id}",
                now=services.now(),
            )
    if made:
        await _schedule_rating(ctx, event)
    await send_code(update, ctx, event)


async def send_code(
    update: Update, ctx: PufaContext, event: QrEvent, *, hidden: bool = False, again: bool = False
) -> None:
    """Two messages: the printable poster as a document (sent as is, for printing), drawn
    from the stored code alone (its place line too, so a code sent again prints the same
    poster), its caption saying what was made (or, `again`, that it is the same code sent
    again), that numbers were masked (`hidden`) and what the poster's font could not print;
    then the bare code as a photo with its link as the caption (for designers and for
    forwarding)."""
    services = ctx.services
    texts = services.ui.engagement
    chat = update.effective_chat
    if chat is None:
        return
    link = services.start_link(ctx.bot.username, f"ev_{event.code}")
    when = (
        texts.qr_event_when.format(date=event.event_date.isoformat()) if event.event_date else ""
    )
    title, place = mask_personal_numbers(event.title), event.place
    headline = texts.qr_sent_again if again else texts.qr_created
    made = headline.format(title=html.escape(title), when=when)
    if printed := off_poster(place, services.library.typed_words.number_labels):
        made += "\n" + texts.qr_poster_place.format(place=html.escape(printed))
    if hidden:
        made += "\n" + texts.qr_numbers_hidden
    font = services.volunteering.chart_font
    if dropped := await asyncio.to_thread(undrawable, f"{title} {place}", font=font):
        made += "\n" + texts.qr_poster_dropped.format(chars=html.escape(dropped))
    words = poster_words(
        services.library, title, town=event.town, day=event.event_date, place=place
    )
    poster = await asyncio.to_thread(poster_png, words, link, font=font)
    await chat.send_document(
        InputFile(poster, filename=f"poster_ev_{event.code}.png"),
        caption=f"{made}\n\n{texts.qr_poster_caption}",
        parse_mode=ParseMode.HTML,
        disable_content_type_detection=True,
    )
    png = await asyncio.to_thread(qr_png, link)
    await chat.send_photo(InputFile(png, filename=f"ev_{event.code}.png"), caption=link)


async def _schedule_rating(ctx: PufaContext, event: QrEvent) -> None:
    """The rating request, sent the day after the event to the residents its code brought by
    then (the audience is read when it is sent)."""
    if event.event_date is None:
        return
    services = ctx.services
    at = datetime.combine(event.event_date + timedelta(days=1), RATING_TIME, services.tz)
    if at <= services.now():
        return
    row = Broadcast(
        origin=RATING,
        content_kind="rating",
        text=event.title,
        audience=Audience.EVENT.value,
        audience_value=event.code,
        send_at=at,
        dedupe_key=f"rating:{event.code}",
    )
    await services.broadcasting.schedule(row)


async def on_event_link(update: Update, ctx: PufaContext) -> None:
    """`/start ev_<code>`: the first code that brought this resident is remembered; like any
    /start, unfinished chats end (or are asked about first: the code still counts)."""
    services, texts = ctx.services, ctx.services.ui.engagement
    match = EVENT_LINK.match(ctx.args[0] if ctx.args else "")
    resident = user_id(update)
    async with services.db.session() as session:
        event = await get_event(session=session, code=match[1]) if match else None
        if event is not None:
            await record_touch(
                session=session, event=event, resident_id=resident, now=services.now()
            )
    if not await leave_open(update, ctx):
        return
    topics = InlineKeyboardButton(texts.qr_topics_button, callback_data=make(Kind.TOPICS))
    if event is None:  # a link cut short or mistyped: what to do instead, with the topics
        await reply_html(update, texts.qr_link_unknown, InlineKeyboardMarkup([[topics]]))
        return
    welcome = (
        texts.qr_welcome.format(title=html.escape(mask_personal_numbers(event.title)))
        if event.title
        else texts.qr_welcome_untitled
    )
    await reply_html(update, welcome, InlineKeyboardMarkup([[topics]]))
