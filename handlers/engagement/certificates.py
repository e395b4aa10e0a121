"""/certificate [period]: a volunteer's certificate of recorded hours (a PNG) with a code a
coordinator checks with /verify CODE (or the dashboard, or `pufa verify`)."""

import asyncio

from telegram import InputFile, Update

from content.report_input import InputError, parse_period
from domain.recognition import certificate_image
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer
from storage.audit import record
from storage.certificates import issue, shown_code


async def on_certificate(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx):
        return
    volunteer = await require_volunteer(update, ctx)
    if volunteer is None or update.effective_chat is None:
        return
    services, texts = ctx.services, ctx.services.ui.engagement
    typed = services.library.typed_words
    words = " ".join(ctx.args or []) or typed.periods.this_year[0]
    try:
        start, end = parse_period(words, today=services.today(), words=typed)
    except InputError:
        await reply_html(update, texts.certificate_usage)
        return
    period = f"{start.isoformat()} ~ {end.isoformat()}"
    async with services.db.session() as session:
        certificate = await issue(
            session=session,
            volunteer_id=user_id(update),
            name=volunteer.name,
            start=start,
            end=end,
            now=services.now(),
        )
        if certificate is not None:
            await record(
                session=session,
                actor_id=user_id(update),
                action="certificate",
                target=certificate.code,
                now=services.now(),
            )
    if certificate is None:
        await reply_html(update, texts.certificate_none.format(period=period))
        return
    png = await asyncio.to_thread(
        certificate_image, certificate, services.ui, services.volunteering.chart_font
    )
    code = shown_code(certificate.code)
    await update.effective_chat.send_photo(
        InputFile(png, filename=f"certificate_{certificate.code}.png"),
        caption=texts.certificate_caption.format(period=period, code=code),
    )
