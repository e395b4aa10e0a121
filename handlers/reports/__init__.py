"""/report: a guided chat that records one 普法 activity (each step checks the answer and
explains in Chinese what it expects; 提交 stores the report once, however often it is
pressed), and /myreports: a volunteer's own record, with corrections and withdrawals."""

from datetime import timedelta

from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services
from handlers.kit.conversation import Flow, OnButton, Step, cancel_button
from handlers.reports import chat, myreports, start, steps, submit
from handlers.reports.myreports import MyReportsButton
from handlers.reports.view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    INDICATORS,
    MATERIALS,
    PHOTOS,
    PLACE,
    SUMMARY,
    TOPICS,
    TYPE,
    ReportButton,
)
from storage.models import Role


def report_chat(idle: timedelta) -> Flow:
    skip: dict[str, OnButton] = {ReportButton.SKIP: steps.on_skip}
    unusual: dict[str, OnButton] = {
        ReportButton.SURE: steps.on_sure,
        ReportButton.CHANGE: steps.on_change,
    }
    return Flow(
        name=chat.FLOW,
        kind=Kind.REPORT,
        steps={
            TYPE: Step(text=steps.on_type_text, buttons={ReportButton.TYPE: steps.on_type}),
            TOPICS: Step(
                buttons={
                    ReportButton.TOPIC: steps.on_topic,
                    ReportButton.TOPICS_DONE: steps.on_topics_done,
                }
            ),
            DATE: Step(text=steps.typed(DATE), buttons={ReportButton.DATE: steps.on_date_button}),
            PLACE: Step(text=steps.typed(PLACE), location=steps.on_location),
            AUDIENCE: Step(text=steps.typed(AUDIENCE), buttons=unusual),
            HOURS: Step(text=steps.typed(HOURS), buttons=unusual),
            MATERIALS: Step(text=steps.typed(MATERIALS), buttons=skip),
            PHOTOS: Step(
                photo=steps.on_photo,
                text=steps.on_photos_text,
                buttons={**skip, ReportButton.CLEAR_PHOTOS: steps.on_clear_photos},
            ),
            SUMMARY: Step(text=steps.typed(SUMMARY), photo=steps.on_late_photo),
            CONFIRM: Step(
                photo=steps.on_late_photo,  # the rest of an album, after the limit
                buttons={
                    ReportButton.SUBMIT: submit.on_submit,
                    ReportButton.EDIT: steps.on_edit_menu,
                    ReportButton.FIELD: steps.on_field,
                    ReportButton.BACK: steps.on_back,
                    ReportButton.INDICATORS: steps.on_indicators,
                },
            ),
            INDICATORS: Step(
                buttons={
                    ReportButton.INDICATOR: steps.on_indicator,
                    ReportButton.INDICATORS_DONE: steps.on_back,
                }
            ),
        },
        idle=idle,
        wrong_input=chat.on_wrong_input,
        cancelled=chat.on_cancelled,
        anywhere={ReportButton.CANCEL: cancel_button},
        timed_out=lambda services: services.ui.volunteers.report_timed_out,
        ended=submit.on_ended,
        role=Role.VOLUNTEER,
        confirms=frozenset({ReportButton.SUBMIT}),
        summary=chat.show_card,
        answered=chat.answered,
        resume=chat.resume,
        corrects=chat.corrects,
    )


def register(app: PufaApplication, services: Services) -> None:
    services.chats.add(report_chat(timedelta(minutes=services.volunteering.timeout_minutes)))
    app.add_handlers(
        [
            CommandHandler("report", start.on_report),
            CommandHandler("myreports", myreports.on_myreports),
            CallbackQueryHandler(
                start.on_edit_report, pattern=pattern(Kind.MYREPORTS, MyReportsButton.EDIT)
            ),
            CallbackQueryHandler(
                myreports.on_withdraw, pattern=pattern(Kind.MYREPORTS, MyReportsButton.WITHDRAW)
            ),
            CallbackQueryHandler(
                myreports.on_withdraw_answer,
                pattern=pattern(Kind.MYREPORTS, MyReportsButton.WITHDRAW_ANSWER),
            ),
        ]
    )
