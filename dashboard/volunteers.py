"""Volunteers: the list with a search, one volunteer's record and hours, invites with their QR
code, and giving or taking the coordinator role by picking a person from a list."""

import asyncio
import base64
from dataclasses import dataclass, replace
from datetime import timedelta

from aiohttp import web

from dashboard.common import (
    application,
    audit,
    notice,
    number,
    page_of,
    past_the_end,
    render,
    see_other,
    services,
    texts,
    user,
)
from documents.qr import qr_png
from domain.reports import record_page
from handlers.kit.role_change import announce_role, change_role
from handlers.kit.roles import is_coordinator
from storage.models import ANONYMOUS_ID, Person
from storage.people import search_people
from storage.volunteers import (
    MAX_INVITE_DAYS,
    create_invite,
    find_person,
    list_volunteers,
)

MAX_ID = 2**63 - 1
MAX_SEARCH = 50


@dataclass(frozen=True)
class InviteForm:
    """The invite form as typed (shown again, as it was, when something in it is wrong)."""

    town: str = ""
    organisation: str = ""
    days: str = ""
    single: bool = False


async def volunteers_page(request: web.Request) -> web.StreamResponse:
    days = str(services(request).volunteering.invite_valid_days)
    return await _listing(request, InviteForm(days=days))


async def _listing(
    request: web.Request, typed: InviteForm, problem: str = ""
) -> web.StreamResponse:
    """The volunteers and the invite form (`problem`: why the form was refused, status 400)."""
    bot = services(request)
    search = request.query.get("q", "").strip()[:MAX_SEARCH]
    page = page_of(request)
    async with bot.db.session() as session:
        found, total = await list_volunteers(
            session=session, search=search, offset=page.offset, limit=page.size
        )
    if (last := past_the_end(request, page, page.pages(total))) is not None:
        return last
    return render(
        request,
        "volunteers.html",
        400 if problem else 200,
        found=found,
        total=total,
        search=search,
        query={"q": search} if search else {},
        page=page,
        pages=page.pages(total),
        towns=[t.town for t in bot.library.towns],
        typed=typed,
        max_days=MAX_INVITE_DAYS,
        problem=problem,
    )


async def volunteer_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    volunteer_id = number(request.match_info["volunteer_id"], maximum=MAX_ID)
    # erased volunteers' reports count under ANONYMOUS_ID: nobody's, and not pooled as one
    if volunteer_id is None or volunteer_id == ANONYMOUS_ID:
        return notice(request, texts(request).no_volunteer, 404)
    async with bot.db.session() as session:
        record = await record_page(
            session=session,
            volunteer_id=volunteer_id,
            now=bot.now(),
            today=bot.today(),
            window=timedelta(days=bot.volunteering.edit_window_days),
            shown=20,
        )
    if record.volunteer is None and not record.reports:
        return notice(request, texts(request).no_volunteer, 404)
    return render(
        request,
        "volunteer.html",
        volunteer_id=volunteer_id,
        record=record,
        kinds=bot.ui.volunteers.activity_types,
    )


async def invite(request: web.Request) -> web.StreamResponse:
    """An invite code and its QR code; a form with an unknown town or a number of days that is
    not 1 to MAX_INVITE_DAYS creates nothing and is shown again as typed, saying what is wrong
    (no days typed: the configured default)."""
    bot = services(request)
    form = await request.post()
    typed = InviteForm(
        town=str(form.get("town", "")),
        organisation=str(form.get("organisation", "")).strip()[:100],
        days=str(form.get("days", "")).strip()[:20],
        single=form.get("single") == "1",
    )
    town, organisation, single = typed.town, typed.organisation, typed.single
    if town and town not in {t.town for t in bot.library.towns}:
        return await _listing(request, replace(typed, town=""), texts(request).unknown_town)
    default = bot.volunteering.invite_valid_days
    days = number(typed.days, maximum=MAX_INVITE_DAYS) if typed.days else default
    if not days:  # not a number, 0, or more than MAX_INVITE_DAYS
        said = texts(request).invite_days.format(typed=typed.days, max=MAX_INVITE_DAYS)
        return await _listing(request, typed, said)
    async with bot.db.session() as session:
        created = await create_invite(
            session=session,
            created_by=user(request).telegram_id,
            valid_for=timedelta(days=days),
            town=town,
            organisation=organisation,
            single_use=single,
            now=bot.now(),
        )
    await audit(request, "invite", created.code, f"town={town} single={single} days={days}")
    link = bot.start_link(application(request).bot.username, f"join_{created.code}")
    png = await asyncio.to_thread(qr_png, link)
    return render(
        request,
        "invite.html",
        invite=created,
        link=link,
        qr="data:image/png;base64," + base64.b64encode(png).decode(),
        expires=created.expires_at.astimezone(bot.tz).strftime("%Y-%m-%d %H:%M"),
    )


async def roles_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    search = request.query.get("q", "").strip()[:MAX_SEARCH]
    await bot.people_seen.flush()  # someone who wrote a moment ago can be picked
    async with bot.db.session() as session:
        people = await search_people(session=session, text=search, coordinators=bot.admin_ids)
    if not search:  # a configured coordinator who has not written yet is listed by id
        met = {p.telegram_id for p in people}
        people += [Person(telegram_id=i) for i in sorted(bot.admin_ids) if i not in met]
    coordinators = {p.telegram_id for p in people if await is_coordinator(bot, p.telegram_id)}
    return render(
        request,
        "roles.html",
        people=people,
        search=search,
        coordinators=coordinators,
        admins=bot.admin_ids,
        done=request.query.get("done", ""),
    )


async def change(request: web.Request) -> web.StreamResponse:
    """Asks first (a page naming the person and what the role lets them see), then, with
    `confirmed`, gives or takes the role."""
    bot = services(request)
    form = await request.post()
    target = number(str(form.get("telegram_id", "")), maximum=MAX_ID)
    action = form.get("action")
    if target is None or action not in ("promote", "demote"):
        return notice(request, texts(request).pick_person, 400)
    promote = action == "promote"
    said = bot.ui.volunteers
    if not promote and target in bot.admin_ids:
        return notice(request, said.demote_admin, 400)
    if form.get("confirmed") != "1":
        async with bot.db.session() as session:
            person = await find_person(session=session, ref=str(target))
        if person is None:
            return notice(request, said.person_unknown, 404)
        question = said.promote_confirm if promote else said.demote_confirm
        return render(
            request,
            "role_confirm.html",
            question=question.format(name=person.name or target, id=target),
            target=target,
            action=action,
        )
    telegram = application(request).bot
    if not await change_role(bot, telegram, target, promote=promote):
        return notice(request, said.person_unknown, 404)
    await audit(request, action, str(target))
    await announce_role(bot, telegram, target, promote=promote)
    return see_other(f"/dashboard/volunteers/roles?done={action}")
