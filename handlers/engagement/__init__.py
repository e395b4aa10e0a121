"""Reach and results (issue 15): 满意度测评 votes under answers; 以案释法 case cards, /cases and
the weekly case subscription; QR codes of events and posters (/qr, `/start ev_<code>`)."""

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from handlers.engagement import cases, qr, votes
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services


def register(app: PufaApplication, services: Services) -> None:
    """Before residents: `/start ev_<code>` is an event's link, other payloads are not."""
    private = filters.ChatType.PRIVATE
    app.add_handlers(
        [
            CommandHandler("start", qr.on_event_link, filters.Regex(r"^/start ev_") & private),
            CommandHandler("qr", qr.on_qr),
            CallbackQueryHandler(votes.on_vote, pattern=pattern(Kind.VOTE)),
            CommandHandler("cases", cases.on_cases_command),
            CallbackQueryHandler(cases.on_case_button, pattern=pattern(Kind.CASE)),
        ]
    )
