"""/report: a guided chat that records one 普法 activity, restart-safe (see handlers.drafts).

Each step checks the answer (content.report_input) and explains in Chinese what it expects;
the draft row is rewritten on every step; 提交 stores the report in one transaction, at most
once per draft (its submission key is UNIQUE), even if pressed twice.

This module wires the chat: which handler answers what in which step (report_start opens it,
report_steps asks and checks, report_submit stores, report_chat holds what they share).
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
from handlers.report_chat import (
    FLOW,
    on_cancel,
    on_nothing_to_cancel,
    on_stale_button,
    on_timeout,
    on_wrong_input,
)
from handlers.report_start import on_edit_report, on_report, on_resume
from handlers.report_steps import (
    on_back,
    on_date_button,
    on_edit_menu,
    on_field,
    on_location,
    on_photo,
    on_skip,
    on_topic,
    on_topics_done,
    on_type,
    typed,
)
from handlers.report_submit import on_submit, on_submit_again
from handlers.report_view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    MATERIALS,
    PHOTOS,
    PLACE,
    SUMMARY,
    TOPICS,
    TYPE,
)


def _button(
    callback: Callable[[Update, PufaContext], Coroutine[Any, Any, State]], action: str
) -> CallbackQueryHandler[PufaContext, State]:
    return CallbackQueryHandler(callback, pattern=callbacks.pattern(callbacks.REPORT, action))


def build(timeout: timedelta) -> ConversationHandler[PufaContext]:
    private = filters.ChatType.PRIVATE
    return conversation(
        name=FLOW,
        entry_points=[
            CommandHandler("report", on_report),
            CallbackQueryHandler(
                on_edit_report, pattern=callbacks.pattern(callbacks.MYREPORTS, "edit")
            ),
        ],
        states={
            TYPE: [_button(on_type, "type")],
            TOPICS: [_button(on_topic, "topic"), _button(on_topics_done, "topics")],
            DATE: [_button(on_date_button, "date"), MessageHandler(TEXT, typed(DATE))],
            PLACE: [
                MessageHandler(TEXT, typed(PLACE)),
                MessageHandler(filters.LOCATION & private, on_location),
            ],
            AUDIENCE: [MessageHandler(TEXT, typed(AUDIENCE))],
            HOURS: [MessageHandler(TEXT, typed(HOURS))],
            MATERIALS: [MessageHandler(TEXT, typed(MATERIALS)), _button(on_skip, "skip")],
            PHOTOS: [MessageHandler(filters.PHOTO, on_photo), _button(on_skip, "skip")],
            SUMMARY: [MessageHandler(TEXT, typed(SUMMARY))],
            CONFIRM: [
                _button(on_submit, "submit"),
                _button(on_edit_menu, "edit"),
                _button(on_field, "field"),
                _button(on_back, "back"),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        },
        fallbacks=[
            CommandHandler("cancel", on_cancel),
            _button(on_cancel, "cancel"),
            CommandHandler("report", on_resume),
            CallbackQueryHandler(on_stale_button, pattern=callbacks.pattern(callbacks.REPORT)),
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, on_wrong_input),
        ],
        conversation_timeout=timeout,
    )


def register(app: PufaApp) -> None:
    """Before start/legal_aid/questions: while a report is open, its steps take the
    messages (a shared location is the report's place, not a legal-aid search)."""
    timeout = timedelta(minutes=app.bot_data["services"].volunteering.timeout_minutes)
    app.add_handlers(
        [
            build(timeout),
            _button(on_submit_again, "submit"),
            CommandHandler("cancel", on_nothing_to_cancel),
        ]
    )
