"""What every step of the /broadcast chat shares: the draft row with its step, the draft's
buttons, and the words for a broadcast that cannot be planned."""

from telegram import InlineKeyboardButton, Update

from handlers import callbacks, guided
from handlers.context import PufaContext
from handlers.desk import BroadcastDraft
from handlers.replies import reply_html
from scheduler.planning import PlanProblem
from storage import drafts as repo

FLOW = "broadcast"
# The steps: the bot waits for the content (typed, forwarded, or a card picked), for the
# audience (buttons), for the time (typed, or 立即发送), for the confirmation (buttons).
CONTENT, AUDIENCE, WHEN, CONFIRM = "content", "audience", "when", "confirm"


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.BROADCAST, *args))


async def load_draft(ctx: PufaContext, user_id: int) -> BroadcastDraft | None:
    async with ctx.services.db.session() as session:
        found = await repo.load_draft(session=session, flow=FLOW, telegram_id=user_id)
    return BroadcastDraft.from_data(found[1]) if found else None


async def save_draft(ctx: PufaContext, user_id: int, draft: BroadcastDraft, step: str) -> str:
    """Store the draft at `step` (a restart resumes there). The bot now waits for this draft,
    so a /scheduled or /campaigns prompt asked earlier is over, as it was replaced."""
    async with ctx.services.db.session() as session:
        await repo.save_draft(
            session=session,
            flow=FLOW,
            telegram_id=user_id,
            step=step,
            data=draft.data(),
            now=ctx.services.now(),
        )
    await ctx.services.desk.done(user_id)
    return step


async def drop_draft(ctx: PufaContext, user_id: int) -> None:
    async with ctx.services.db.session() as session:
        await repo.delete_draft(session=session, flow=FLOW, telegram_id=user_id)


async def typed_draft(update: Update, ctx: PufaContext) -> BroadcastDraft | None:
    """The draft typed input is for, or None after saying it is gone (timed out, erased)."""
    draft = await load_draft(ctx, guided.user_id(update))
    if draft is None:
        await reply_html(update, ctx.services.ui.broadcasts.stale_draft)
    return draft


def plan_problem(ctx: PufaContext, problem: PlanProblem, plain: str) -> str:
    ui = ctx.services.ui.broadcasts
    texts = {
        PlanProblem.EMPTY: ui.empty,
        PlanProblem.TOO_LONG: ui.too_long.format(length=len(plain)),
        PlanProblem.NOBODY: ui.nobody_now,
        PlanProblem.PAST: ui.past_now,
        PlanProblem.ALREADY: ui.already_confirmed,
    }
    return texts.get(problem, ctx.services.ui.stale_button)


async def on_timeout(update: object, ctx: PufaContext) -> None:
    """Idle for IDLE: the draft goes, quietly (the coordinator starts /broadcast again)."""
    if isinstance(update, Update) and update.effective_user is not None:
        await drop_draft(ctx, update.effective_user.id)
