"""Coordinators' tools: /invite, /promote and /demote, /stats, /export and /hours, /dashboard
(a login link to the web dashboard), and the notifications of new reports with their
review (✅ 核实 / ↩️ 退回). Every command and
button checks the role on the server (a refusal is answered politely and audited) and answers
only in a private chat (they show personal data and codes); every action taken is audited."""

from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.coordinators import (
    dashboard,
    exports,
    invites,
    notifications,
    report_copies,
    review,
    roles,
    stats,
)
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services


def register(app: PufaApplication, services: Services) -> None:
    notifications.schedule(app, services)
    report_copies.schedule(app, services)
    services.chats.add(review.reason_flow(services.volunteering.timeout_minutes))
    app.add_handlers(
        [
            CommandHandler("invite", invites.on_invite),
            CommandHandler(["promote", "demote"], roles.on_role_command),
            CallbackQueryHandler(roles.on_role_confirmed, pattern=pattern(Kind.COORDINATOR)),
            CommandHandler("stats", stats.on_stats),
            CommandHandler("export", exports.on_export),
            CommandHandler("hours", exports.on_hours),
            CommandHandler("dashboard", dashboard.on_dashboard),
            CallbackQueryHandler(review.on_review_button, pattern=pattern(Kind.REVIEW)),
        ]
    )
