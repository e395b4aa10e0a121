"""Reach and results (issue 15): 满意度测评 votes under answers."""

from telegram.ext import CallbackQueryHandler

from handlers.engagement import votes
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services


def register(app: PufaApplication, services: Services) -> None:
    app.add_handlers([CallbackQueryHandler(votes.on_vote, pattern=pattern(Kind.VOTE))])
