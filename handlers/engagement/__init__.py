"""Reach and results (issue 15): 满意度测评 votes under answers; 以案释法 case cards, /cases and
the weekly case subscription; QR codes of events and posters (/qr, a report's event,
`/start ev_<code>`, /myqr to send one again); volunteers' certificates of hours
(/certificate) and a coordinator's check of one (/verify); a coordinator's indicator tags
(/tag)."""

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from handlers.engagement import cases, certificates, myqr, qr, tags, verify, votes
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services
from handlers.kit.events import EventAction


def register(app: PufaApplication, services: Services) -> None:
    """Before residents: `/start ev_<code>` is an event's link, other payloads are not."""
    private = filters.ChatType.PRIVATE
    app.add_handlers(
        [
            CommandHandler("start", qr.on_event_link, filters.Regex(r"^/start ev_") & private),
            CommandHandler("qr", qr.on_qr),
            CallbackQueryHandler(
                qr.on_report_qr, pattern=pattern(Kind.EVENT, EventAction.REPORT_QR)
            ),
            CommandHandler("myqr", myqr.on_myqr),
            CallbackQueryHandler(myqr.on_page, pattern=pattern(Kind.EVENT, EventAction.MINE)),
            CallbackQueryHandler(myqr.on_again, pattern=pattern(Kind.EVENT, EventAction.AGAIN)),
            CommandHandler("certificate", certificates.on_certificate),
            CommandHandler("verify", verify.on_verify),
            CommandHandler("tag", tags.on_tag),
            CallbackQueryHandler(votes.on_vote, pattern=pattern(Kind.VOTE)),
            CommandHandler("cases", cases.on_cases_command),
            CallbackQueryHandler(cases.on_case_button, pattern=pattern(Kind.CASE)),
        ]
    )
