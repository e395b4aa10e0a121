"""Reach and results (issue 15): 满意度测评 votes under answers; 以案释法 case cards, /cases and
the weekly case subscription."""

from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.engagement import cases, votes
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services


def register(app: PufaApplication, services: Services) -> None:
    app.add_handlers(
        [
            CallbackQueryHandler(votes.on_vote, pattern=pattern(Kind.VOTE)),
            CommandHandler("cases", cases.on_cases_command),
            CallbackQueryHandler(cases.on_case_button, pattern=pattern(Kind.CASE)),
        ]
    )
