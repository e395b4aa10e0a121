"""/invite: an invite link (and its QR code) for volunteers to join, for a town or any."""

import asyncio
import html
import re
from datetime import timedelta

from telegram import InputFile, Update

from content.loader import Library
from content.report_input import MAX_ORGANISATION_CHARS, InputError, parse_organisation
from documents.qr import qr_png
from handlers.coordinators.common import actor, audit, coordinator_here
from handlers.kit.callbacks import number
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from storage.volunteers import MAX_INVITE_DAYS, create_invite

# Any count of days is read (1000天 is out of range, not a town); a longer one is no count.
_DAYS = re.compile(r"^(\d{1,9})(?:天|d|days?)$", re.ASCII)


async def on_invite(update: Update, ctx: PufaContext) -> None:
    if not await coordinator_here(update, ctx, "invite"):
        return
    texts, services = ctx.services.ui.volunteers, ctx.services
    days, single, organisation, words = services.volunteering.invite_valid_days, False, "", []
    for arg in ctx.args or []:
        if arg in {"单次", "一次", "once"}:
            single = True
        elif match := _DAYS.match(arg):
            days = int(match[1])
            if not 1 <= days <= MAX_INVITE_DAYS:
                text = texts.invite_days.format(max=MAX_INVITE_DAYS, typed=html.escape(arg))
                await reply_html(update, text)
                return
        elif arg.startswith(("单位:", "单位：", "org:")):
            typed = re.split(r"[:：]", arg, maxsplit=1)[1]
            try:  # checked as the answer typed at registration is: it is printed the same way
                organisation = parse_organisation(typed)
            except InputError:
                said = texts.invite_organisation.format(
                    max=MAX_ORGANISATION_CHARS, typed=html.escape(typed[:40])
                )
                await reply_html(update, said)
                return
        else:
            words.append(arg)
    town = _match_town(" ".join(words), services.library)
    if town is None:
        towns = services.ui.list_separator.join(t.town for t in services.library.towns)
        await reply_html(update, texts.invite_usage.format(towns=html.escape(towns)))
        return
    async with services.db.session() as session:
        invite = await create_invite(
            session=session,
            created_by=actor(update),
            valid_for=timedelta(days=days),
            town=town,
            organisation=organisation,
            single_use=single,
            now=services.now(),
        )
    await audit(ctx, update, "invite", invite.code, f"town={town} single={single} days={days}")
    link = services.start_link(ctx.bot.username, f"join_{invite.code}")
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
    if (position := number(text, maximum=len(towns))) is not None:
        return towns[position - 1]
    found = [t for t in towns if text == t] or [t for t in towns if text in t]
    return found[0] if len(found) == 1 else None
