"""What every step of the /report chat shares: asking a step's question (after storing the
draft at that step), the next step, and the answers to what a step does not take."""

from datetime import date

from telegram import Update

from domain.reports import has_topic, offered_campaigns
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation
from handlers.kit.replies import reply_html
from handlers.reports.view import CAMPAIGNS, CONFIRM, DATE, STEPS, TOPICS, prompt

FLOW = "report"
# The step a draft left to have its topic picked (see `show`), where 完成 takes it back.
RESUME = "resume"


async def show(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, intro: str = ""
) -> None:
    """Moves the draft to `step` (stored first, so a restart resumes here) and asks it. A
    draft past the topics step with no topic (saved before a topic was required, or a
    report from then reopened from /myreports) is asked for one first, then goes on to
    `step` with all its answers."""
    if step in STEPS[STEPS.index(TOPICS) + 1 :] and not has_topic(
        chat.data.get(TOPICS, []), ctx.services.library
    ):
        await ask_topic(update, ctx, chat, step)
        return
    services = ctx.services
    if step == TOPICS:
        offered = await _campaigns(ctx, chat)
        if offered:
            chat.data[CAMPAIGNS] = offered
        else:
            chat.data.pop(CAMPAIGNS, None)
    await chat.goto(step)
    text, markup = prompt(
        step,
        chat.data,
        services.library,
        services.ui.volunteers,
        services.volunteering.max_report_age_days,
        chat.button,
    )
    await reply_html(update, f"{intro}\n\n{text}" if intro else text, markup)


async def _campaigns(ctx: PufaContext, chat: Conversation) -> list[str]:
    """The campaigns to offer as topics: those on around the activity's date, or today while
    it is not given yet (the topics step comes before the date)."""
    services = ctx.services
    given = chat.data.get(DATE)
    day = date.fromisoformat(given) if isinstance(given, str) else services.today()
    async with services.db.session() as session:
        return await offered_campaigns(session=session, library=services.library, day=day)


async def ask_topic(update: Update, ctx: PufaContext, chat: Conversation, then: str) -> None:
    """The topics step, saying a topic is needed; its 完成 goes on to step `then`."""
    chat.data[RESUME] = then
    await show(update, ctx, chat, TOPICS, ctx.services.ui.volunteers.report_topic_needed)


def next_step(chat: Conversation, step: str) -> str:
    """The following step; the one a draft left to have its topic picked; straight back to
    the summary card when correcting one field."""
    resume = chat.data.pop(RESUME, None)
    if resume in STEPS:
        return str(resume)
    if chat.data.pop("back", False):
        return CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A sticker, a photo where text is wanted, text where a button is wanted..."""
    await show(update, ctx, chat, chat.step, ctx.services.ui.volunteers.report_wrong_input)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.volunteers.report_cancelled)
