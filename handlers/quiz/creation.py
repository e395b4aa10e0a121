"""A coordinator creates a contest, as a guided chat (the one conversation mechanism): the
campaign (a button or its name), when it opens and closes (as people write times), how many
questions and how many seconds each, then 确认. The questions are drawn at 确认, so everyone
gets the same ones; single choice only, so every question costs the same one tap against the
clock."""

import html
import random
from datetime import datetime, timedelta
from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update

from domain.quiz import (
    MAX_QUESTIONS,
    MAX_SECONDS,
    MIN_QUESTIONS,
    MIN_SECONDS,
    bounded_number,
    draw,
    find_campaign,
    join_ids,
)
from handlers.kit.callbacks import Kind
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import (
    Conversation,
    Flow,
    Step,
    ask,
    begin,
    cancel_button,
    picked,
)
from handlers.kit.replies import acknowledge, edit, reply_html
from handlers.kit.roles import require_coordinator, require_private
from handlers.quiz.render import when
from scheduler.timeparse import Now, Once, WhenError, examples, parse_when
from storage import quiz as repo
from storage.models import QuizContest, Role

FLOW = "contest"
CAMPAIGN, OPENS, CLOSES, COUNT, SECONDS, CONFIRM = (
    "campaign",
    "opens",
    "closes",
    "count",
    "seconds",
    "confirm",
)
IDLE = timedelta(hours=1)


class ContestButton(StrEnum):
    """qc:<draft token>:<action>[:<arg>]"""

    CAMPAIGN = "camp"  # :<index in the calendar>
    CONFIRM = "ok"
    CANCEL = "x"


async def on_new(update: Update, ctx: PufaContext) -> None:
    """➕ 新建竞赛, from /contest."""
    user = update.effective_user
    if user is None or not await require_coordinator(update, ctx, FLOW):
        return
    if not await require_private(update, ctx):
        return
    await acknowledge(update)
    chat = await begin(update, ctx, FLOW, CAMPAIGN, {})
    if chat is not None:
        await _ask(update, ctx, chat, CAMPAIGN)


async def _ask(update: Update, ctx: PufaContext, chat: Conversation, step: str) -> None:
    """Moves the chat to `step` (stored first: a restart resumes there) and asks it (the
    question asked before loses its buttons: `ask`)."""
    if step == CONFIRM:
        await _ask_confirm(update, ctx, chat)
        return
    await chat.goto(step)
    ui, now = ctx.services.ui.quiz, ctx.services.local_now()
    if step == OPENS:
        await ask(update, chat, ui.ask_opens.format(**examples(now)))
    elif step == CLOSES:
        await ask(update, chat, ui.ask_closes.format(**examples(now)))
    elif step == COUNT:
        await ask(update, chat, ui.ask_count.format(low=MIN_QUESTIONS, high=_most(ctx, chat)))
    elif step == SECONDS:
        await ask(update, chat, ui.ask_seconds.format(low=MIN_SECONDS, high=MAX_SECONDS))
    else:
        library, rows = ctx.services.library, []
        for i, campaign in enumerate(library.campaigns):
            count = sum(campaign.id in q.campaigns for q in library.quiz if q.kind == "single")
            if count:
                label = ui.campaign_button.format(name=campaign.name, count=count)
                rows.append([chat.button(label, ContestButton.CAMPAIGN, i)])
        rows.append([chat.button(ui.cancel_button, ContestButton.CANCEL)])
        await ask(update, chat, ui.new_campaign, InlineKeyboardMarkup(rows))


def answered(chat: Conversation) -> int:
    """The campaign, the times, the number of questions and their seconds, as given."""
    return sum(
        1 for key in ("campaign", "opens", "closes", "count", "seconds") if key in chat.data
    )


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await _ask(update, ctx, chat, chat.step)


async def _on_campaign_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    assert update.message is not None and update.message.text is not None
    campaign = find_campaign(ctx.services.library.campaigns, update.message.text[:100])
    if campaign is None:
        await reply_html(update, ctx.services.ui.quiz.unknown_campaign)
        return
    await _campaign_chosen(update, ctx, chat, campaign.id)


async def _on_campaign_button(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    campaign = await picked(update, ctx, args, ctx.services.library.campaigns)
    if campaign is not None:
        await _campaign_chosen(update, ctx, chat, campaign.id)


async def _campaign_chosen(
    update: Update, ctx: PufaContext, chat: Conversation, campaign_id: str
) -> None:
    chat.data["campaign"] = campaign_id
    await _ask(update, ctx, chat, OPENS)


def _moment(services: Services, text: str) -> datetime | None:
    """A typed time (现在 is now); None if it cannot be read, is past or weekly."""
    now = services.local_now()
    try:
        found = parse_when(text[:100], now)
    except WhenError:
        return None
    if isinstance(found, Now):
        return services.now()
    return found.at if isinstance(found, Once) else None


def _text(update: Update) -> str:
    assert update.message is not None and update.message.text is not None
    return update.message.text


async def _on_opens(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    opens = _moment(ctx.services, _text(update))
    if opens is None:
        await reply_html(update, ctx.services.ui.quiz.bad_time)
        return
    chat.data["opens"] = opens.isoformat()
    await _ask(update, ctx, chat, CLOSES)


async def _on_closes(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    services, ui = ctx.services, ctx.services.ui.quiz
    closes = _moment(services, _text(update))
    opens = datetime.fromisoformat(str(chat.data.get("opens")))
    if closes is None:
        await reply_html(update, ui.bad_time)
        return
    if closes <= opens:
        await reply_html(update, ui.closes_before.format(opens=when(opens, services.tz)))
        return
    chat.data["closes"] = closes.isoformat()
    await _ask(update, ctx, chat, COUNT)


def _most(ctx: PufaContext, chat: Conversation) -> int:
    singles = sum(q.kind == "single" for q in ctx.services.library.quiz)
    return max(MIN_QUESTIONS, min(MAX_QUESTIONS, singles))


async def _on_count(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    ui, high = ctx.services.ui.quiz, _most(ctx, chat)
    count = bounded_number(_text(update), MIN_QUESTIONS, high)
    if count is None:
        await reply_html(update, ui.bad_number.format(low=MIN_QUESTIONS, high=high))
        return
    chat.data["count"] = count
    await _ask(update, ctx, chat, SECONDS)


async def _on_seconds(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    ui = ctx.services.ui.quiz
    seconds = bounded_number(_text(update), MIN_SECONDS, MAX_SECONDS)
    if seconds is None:
        await reply_html(update, ui.bad_number.format(low=MIN_SECONDS, high=MAX_SECONDS))
        return
    chat.data["seconds"] = seconds
    await _ask_confirm(update, ctx, chat)


async def _ask_confirm(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The contest as it will be created, with 确认 and 取消 (also after 确认 was pressed on
    an older card)."""
    services, ui = ctx.services, ctx.services.ui.quiz
    await chat.goto(CONFIRM)
    text = ui.confirm.format(
        title=html.escape(_title(services, chat)),
        opens=when(datetime.fromisoformat(chat.data["opens"]), services.tz),
        close=when(datetime.fromisoformat(chat.data["closes"]), services.tz),
        questions=chat.data["count"],
        seconds=chat.data["seconds"],
    )
    rows = [
        [chat.button(ui.confirm_button, ContestButton.CONFIRM)],
        [chat.button(ui.cancel_button, ContestButton.CANCEL)],
    ]
    await ask(update, chat, text, InlineKeyboardMarkup(rows))


def _title(services: Services, chat: Conversation) -> str:
    campaign_id = chat.data.get("campaign")
    name = next((c.name for c in services.library.campaigns if c.id == campaign_id), "")
    return services.ui.quiz.contest_title.format(campaign=name)


async def _on_confirm(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    services, ui = ctx.services, ctx.services.ui.quiz
    closes = datetime.fromisoformat(chat.data["closes"])
    if closes <= services.now():
        await acknowledge(update)
        await chat.goto(CLOSES)
        await ask(update, chat, ui.bad_time)  # the card asked before loses its buttons
        return
    if not await chat.end(update):  # 确认 pressed twice at once: the other press created it
        await acknowledge(update, ui.already_created, alert=True)
        return
    await acknowledge(update)
    campaign = str(chat.data["campaign"])
    ids = draw(
        services.library.quiz,
        int(chat.data["count"]),
        random.Random(),
        campaign=campaign,
        single_only=True,
    )
    async with services.db.session() as session:
        contest = await repo.add_contest(
            session=session,
            contest=QuizContest(
                campaign_id=campaign,
                title=_title(services, chat),
                opens_at=datetime.fromisoformat(chat.data["opens"]),
                closes_at=closes,
                seconds=int(chat.data["seconds"]),
                question_ids=join_ids(ids),
                created_by=chat.user_id,
                created_at=services.now(),
            ),
        )
    await edit(update, ui.created.format(id=contest.id, title=html.escape(contest.title)))


async def _on_ended(
    update: Update,
    ctx: PufaContext,
    _token: str,
    action: str,
    _args: tuple[str, ...],
    _current: Conversation | None,
) -> None:
    ui = ctx.services.ui
    text = ui.quiz.already_created if action == ContestButton.CONFIRM else ui.stale_button
    await acknowledge(update, text, alert=True)


async def _on_wrong_input(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.quiz.wrong_input)


async def _on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.quiz.cancelled)


def contest_chat() -> Flow:
    return Flow(
        name=FLOW,
        kind=Kind.CONTEST,
        steps={
            CAMPAIGN: Step(
                text=_on_campaign_text, buttons={ContestButton.CAMPAIGN: _on_campaign_button}
            ),
            OPENS: Step(text=_on_opens),
            CLOSES: Step(text=_on_closes),
            COUNT: Step(text=_on_count),
            SECONDS: Step(text=_on_seconds),
            CONFIRM: Step(buttons={ContestButton.CONFIRM: _on_confirm}),
        },
        idle=IDLE,
        wrong_input=_on_wrong_input,
        cancelled=_on_cancelled,
        anywhere={ContestButton.CANCEL: cancel_button},
        timed_out=lambda services: services.ui.quiz.timed_out,
        ended=_on_ended,
        role=Role.COORDINATOR,
        confirms=frozenset({ContestButton.CONFIRM}),
        summary=_ask_confirm,
        answered=answered,
        resume=resume,
    )
