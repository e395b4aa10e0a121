"""Volunteers: registration with an invite (/start join_<code>, /join CODE), /profile with
corrections, /leave, and /deleteme for anyone (个人信息保护法).

Registration is a restart-safe guided chat like /report (flow "register", handlers.drafts).
This module wires it: volunteer_join opens it, volunteer_profile reopens it for one field,
volunteer_steps takes the answers, volunteer_chat holds what they share; /leave and
/deleteme are in volunteer_leave.
"""

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.drafts import conversation
from handlers.guided import TEXT, State
from handlers.volunteer_chat import (
    CODE,
    FLOW,
    NAME,
    ORG,
    PHONE,
    PLACE,
    TOWN,
    on_cancel,
    on_timeout,
    on_wrong_input,
)
from handlers.volunteer_join import on_code, on_join, on_join_link
from handlers.volunteer_leave import on_confirmed, on_deleteme, on_leave
from handlers.volunteer_profile import on_profile, on_profile_field
from handlers.volunteer_steps import on_choice, on_contact, on_skip, on_town_text, typed


def build(timeout: timedelta) -> ConversationHandler[PufaContext]:
    def on(
        action: str, callback: Callable[[Update, PufaContext], Coroutine[Any, Any, State]]
    ) -> CallbackQueryHandler[PufaContext, State]:
        return CallbackQueryHandler(
            callback, pattern=callbacks.pattern(callbacks.VOLUNTEER, action)
        )

    return conversation(
        name=FLOW,
        entry_points=[
            CommandHandler("start", on_join_link, filters.Regex(r"^/start join_")),
            CommandHandler("join", on_join),
            on("field", on_profile_field),
        ],
        states={
            CODE: [MessageHandler(TEXT, on_code)],
            NAME: [MessageHandler(TEXT, typed(NAME))],
            TOWN: [MessageHandler(TEXT, on_town_text)],
            PLACE: [MessageHandler(TEXT, typed(PLACE))],
            ORG: [MessageHandler(TEXT, typed(ORG))],
            PHONE: [
                MessageHandler(TEXT, typed(PHONE)),
                MessageHandler(filters.CONTACT, on_contact),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        },
        fallbacks=[
            CommandHandler("cancel", on_cancel),
            # Buttons check the draft's step themselves, so an old keyboard does no harm.
            on(TOWN, on_choice),
            on(PLACE, on_choice),
            on("skip", on_skip),
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, on_wrong_input),
        ],
        conversation_timeout=timeout,
        allow_reentry=True,  # a new code or link while registering starts over
    )


def register(app: PufaApp) -> None:
    """Before start: `/start join_<code>` opens the registration, other payloads do not."""
    timeout = timedelta(minutes=app.bot_data["services"].volunteering.timeout_minutes)

    def confirmed(action: str) -> CallbackQueryHandler[PufaContext, None]:
        return CallbackQueryHandler(
            on_confirmed, pattern=callbacks.pattern(callbacks.VOLUNTEER, action)
        )

    app.add_handlers(
        [
            build(timeout),
            CommandHandler("profile", on_profile),
            CommandHandler("leave", on_leave),
            CommandHandler("deleteme", on_deleteme),
            confirmed("leave"),
            confirmed("delete"),
        ]
    )
