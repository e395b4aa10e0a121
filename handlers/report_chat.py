"""What every step of the /report chat shares: saving the draft and asking a step's question,
and the answers to an update the current step does not expect (or to leaving the chat)."""

import logging
from datetime import date

from telegram import Update
from telegram.error import TelegramError

from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.report_view import CONFIRM, STEPS, prompt
from storage.drafts import delete_draft

log = logging.getLogger(__name__)
FLOW = "report"


def local_today(ctx: PufaContext) -> date:
    return ctx.services.today()


async def show(update: Update, ctx: PufaContext, draft: Draft, step: str, intro: str = "") -> str:
    """Save the draft at `step` (so a restart resumes here), then ask that step's question."""
    await guided.save(ctx, FLOW, draft, step)
    services = ctx.services
    text, markup = prompt(
        step,
        draft.data,
        services.library,
        volunteer_texts(ctx),
        services.volunteering.max_report_age_days,
    )
    await reply_html(update, f"{intro}\n\n{text}" if intro else text, markup)
    return step


def next_step(draft: Draft, step: str) -> str:
    """The following step; straight back to the summary card when correcting one field."""
    if draft.data.pop("back", False):
        return CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def current_draft(update: Update, ctx: PufaContext) -> Draft | None:
    return await guided.current(update, ctx, FLOW, volunteer_texts(ctx).report_none)


async def on_wrong_input(update: Update, ctx: PufaContext) -> State:
    """A sticker, a photo where text is wanted, text where a button is wanted..."""
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, volunteer_texts(ctx).report_wrong_input)


async def on_stale_button(update: Update, ctx: PufaContext) -> State:
    await acknowledge(update, ctx.services.ui.stale_button)
    return None


async def on_cancel(update: Update, ctx: PufaContext) -> State:
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=guided.user_id(update))
    await acknowledge(update)
    await reply_html(update, volunteer_texts(ctx).report_cancelled)
    return END


async def on_nothing_to_cancel(update: Update, ctx: PufaContext) -> None:
    await reply_html(update, volunteer_texts(ctx).nothing_to_cancel)


async def on_timeout(update: object, ctx: PufaContext) -> None:
    if not isinstance(update, Update) or update.effective_user is None:
        return
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=update.effective_user.id)
    chat = update.effective_chat
    if chat is not None:
        try:
            await chat.send_message(volunteer_texts(ctx).report_timed_out)
        except TelegramError:
            log.warning("could not tell user %s their draft timed out", update.effective_user.id)
