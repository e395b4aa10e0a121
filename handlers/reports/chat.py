"""What every step of the /report chat shares: asking a step's question (after storing the
draft at that step), the next step, and the answers to what a step does not take."""

import html
from collections.abc import Mapping
from datetime import date
from typing import Any

from telegram import Update

from content.dates import short_date
from domain.reports import (
    CAMPAIGN_GRACE,
    campaign_names,
    has_topic,
    offered_campaigns,
    unfitting_campaigns,
)
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import Conversation, ask
from handlers.kit.replies import reply_html
from handlers.reports.view import (
    CAMPAIGNS,
    CONFIRM,
    DATE,
    REPORT_ID,
    STEPS,
    TOPICS,
    prompt,
    unfitting_names,
)

FLOW = "report"
# The step a draft left to have its topic picked (see `show`), where 完成 takes it back.
RESUME = "resume"


async def show(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, intro: str = ""
) -> None:
    """Moves the draft to `step` (stored first, so a restart resumes here) and asks it (the
    question asked before, or an answer to a photo, loses its buttons: `ask`). A
    draft past the date step with no date (saved when the topics came first) is asked for
    it first; one past the topics step with no topic (saved before a topic was required, or
    a report from then reopened from /myreports) for one; then it goes on to `step` with
    all its answers. The topics step offers the campaigns that fit the activity's date and
    says which chosen ones do not; the summary card points those out too."""
    if step in STEPS[STEPS.index(DATE) + 1 :] and not isinstance(chat.data.get(DATE), str):
        chat.data[RESUME] = step
        await show(update, ctx, chat, DATE, intro)
        return
    if step in STEPS[STEPS.index(TOPICS) + 1 :] and not has_topic(
        chat.data.get(TOPICS, []), ctx.services.library
    ):
        await ask_topic(update, ctx, chat, step)
        return
    services = ctx.services
    if step in (TOPICS, CONFIRM):
        chat.data[CAMPAIGNS] = await _fitting(ctx, chat)
    if step == TOPICS and (names := unfitting_names(services.library, chat.data)):
        unfitting = services.ui.volunteers.report_campaign_unfitting.format(
            names=names,
            date=short_date(date.fromisoformat(chat.data[DATE])),
            days=CAMPAIGN_GRACE.days,
        )
        intro = f"{intro}\n\n{unfitting}" if intro else unfitting
    await chat.goto(step)
    text, markup = prompt(
        step,
        chat.data,
        services.library,
        services.ui.volunteers,
        services.volunteering.max_report_age_days,
        chat.button,
    )
    await ask(update, chat, f"{intro}\n\n{text}" if intro else text, markup)


async def show_card(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The summary card as the draft is now (提交 was pressed on an older one)."""
    await show(update, ctx, chat, CONFIRM)


async def _fitting(ctx: PufaContext, chat: Conversation) -> list[str]:
    """The campaigns that fit the activity's date (the draft has one past the date step)."""
    services = ctx.services
    day = date.fromisoformat(chat.data[DATE])
    async with services.db.session() as session:
        return await offered_campaigns(session=session, library=services.library, day=day)


async def date_given(update: Update, ctx: PufaContext, chat: Conversation, then: str) -> None:
    """After the date: on to step `then`. A date changed later (from the summary card) may
    change which campaigns fit: if a campaign the draft names fitted the date before and no
    longer does, or one it does not name fits now and did not before, the topics step comes
    first, saying so, and its 完成 goes on to `then`. (One kept though it did not fit is
    not asked about again; the summary card still points it out.)"""
    if then != TOPICS:
        before = chat.data.get(CAMPAIGNS, [])
        fitting = await _fitting(ctx, chat)
        chosen = chat.data.get(TOPICS, [])
        library = ctx.services.library
        new = [c for c in fitting if c not in before and c not in chosen]
        gone = [c for c in unfitting_campaigns(chosen, fitting, library) if c in before]
        if new or gone:
            chat.data[RESUME] = then
            texts = ctx.services.ui.volunteers
            day = short_date(date.fromisoformat(chat.data[DATE]))
            names = html.escape(campaign_names(library, new))
            fits = texts.report_campaign_fits.format(names=names, date=day)
            await show(update, ctx, chat, TOPICS, fits if new else "")
            return
    await show(update, ctx, chat, then)


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
    """A sticker, a photo where text is wanted, text where a button is wanted... A picture
    sent as a file where photos are taken is told how to send it."""
    texts = ctx.services.ui.volunteers
    message = update.effective_message
    document = message.document if message is not None else None
    as_file = (
        document is not None
        and (document.mime_type or "").startswith("image/")
        and chat.flow.steps[chat.step].photo is not None
    )
    intro = texts.report_photo_as_file if as_file else texts.report_wrong_input
    await show(update, ctx, chat, chat.step, intro)


async def on_cancelled(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A new report is dropped; a correction of a submitted one (from /myreports) drops only
    the changes, and says so."""
    texts = ctx.services.ui.volunteers
    report_id = chat.data.get(REPORT_ID)
    said = texts.report_edit_cancelled.format(id=report_id) if report_id else None
    await reply_html(update, said or texts.report_cancelled)


def corrects(services: Services, data: Mapping[str, Any]) -> str | None:
    """The submitted report a draft reopened from /myreports corrects (报告 #3)."""
    report_id = data.get(REPORT_ID)
    return services.ui.volunteers.report_named.format(id=report_id) if report_id else None


def answered(chat: Conversation) -> int:
    """The steps answered (a skipped one is not; a reopened report's are all)."""
    return sum(1 for step in STEPS if step != CONFIRM and chat.data.get(step))


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await show(update, ctx, chat, chat.step)
