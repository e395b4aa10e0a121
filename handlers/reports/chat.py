"""What every step of the /report chat shares: asking a step's question (after storing the
draft at that step), the next step, and the answers to what a step does not take."""

from telegram import Update

from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation
from handlers.kit.replies import reply_html
from handlers.reports.view import CONFIRM, STEPS, prompt

FLOW = "report"


async def show(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, intro: str = ""
) -> None:
    """Moves the draft to `step` (stored first, so a restart resumes here) and asks it."""
    await chat.goto(step)
    services = ctx.services
    text, markup = prompt(
        step,
        chat.data,
        services.library,
        services.ui.volunteers,
        services.volunteering.max_report_age_days,
        chat.button,
    )
    await reply_html(update, f"{intro}\n\n{text}" if intro else text, markup)


def next_step(chat: Conversation, step: str) -> str:
    """The following step; straight back to the summary card when correcting one field."""
    if chat.data.pop("back", False):
        return CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A sticker, a photo where text is wanted, text where a button is wanted..."""
    await show(update, ctx, chat, chat.step, ctx.services.ui.volunteers.report_wrong_input)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.volunteers.report_cancelled)
