"""The 普法 quiz: /quiz (five questions, an explanation and the card after each), contests
tied to a campaign (/contest: a coordinator creates one in a guided chat; residents and
volunteers take part once, against the server's clock; volunteers run rounds in their
groups), and each contest's leaderboard, announced at its close through the broadcast engine
and exported as a spreadsheet."""

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.kit.callbacks import Kind, parse, pattern
from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.conversation import expired
from handlers.quiz import contests, creation, group, solo
from handlers.quiz.buttons import QuizButton

ANNOUNCE_SECONDS = 30  # how often closed contests are looked for


async def on_button(update: Update, ctx: PufaContext) -> None:
    query = update.callback_query
    parsed = parse(query.data if query else None)
    found = parsed.action(QuizButton) if parsed else None
    if found is None:
        await expired(update, ctx)
        return
    action, args = found
    match action:
        case QuizButton.ANSWER | QuizButton.SUBMIT:
            await solo.on_answer(update, ctx, args, submit=action is QuizButton.SUBMIT)
        case QuizButton.JOIN:
            await solo.on_join(update, ctx, args)
        case QuizButton.ROUND:
            await group.on_round(update, ctx, args)
        case QuizButton.GROUP_ANSWER:
            await group.on_answer(update, ctx, args)
        case QuizButton.NEXT:
            await group.on_next(update, ctx, args)
        case QuizButton.EXPORT:
            await contests.on_export(update, ctx, args)
        case QuizButton.NEW:
            await creation.on_new(update, ctx)


async def _announce(ctx: PufaContext) -> None:
    await contests.announce_closed(ctx.bot, ctx.services)


def register(app: PufaApplication, services: Services) -> None:
    services.chats.add(creation.contest_chat())
    services.hooks.cancel.append(solo.on_cancel)
    app.add_handlers(
        [
            CommandHandler("quiz", solo.on_quiz),
            CommandHandler("contest", contests.on_contest),
            CallbackQueryHandler(on_button, pattern=pattern(Kind.QUIZ)),
        ]
    )
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _announce, ANNOUNCE_SECONDS, first=ANNOUNCE_SECONDS, name="quiz-announce"
        )
