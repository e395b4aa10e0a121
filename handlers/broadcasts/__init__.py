"""Broadcasts for coordinators: /broadcast (content: text, a card or a forwarded message ->
audience -> time -> an exact preview -> confirm, a guided chat), /scheduled (preview, a new
time or text, cancel, stop a running one) and /campaigns (the calendar's reminders). The
delivery engine's Telegram side (render, progress) lives here too; bot/ wires it."""

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers.broadcasts import audience, campaigns, confirm, content, draft, scheduled
from handlers.broadcasts.draft import AUDIENCE, CONFIRM, CONTENT, WHEN, BroadcastButton
from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.conversation import Conversation, Flow, OnButton, OnMessage, Step
from handlers.kit.replies import reply_html
from storage.models import Role

IDLE = timedelta(hours=1)  # an untouched draft or edit is dropped after this


async def _edit_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.broadcasts.edit_cancelled)


def broadcast_chat() -> Flow:
    timing: dict[str, OnButton] = {
        BroadcastButton.NOW: confirm.on_now,
        BroadcastButton.TIME: confirm.on_change_time,
    }
    later = content.LaterMessages()  # the rest of an album sent as the content
    return Flow(
        name=draft.FLOW,
        kind=Kind.BROADCAST,
        steps={
            CONTENT: Step(
                other=content.on_content,
                buttons={
                    BroadcastButton.CARDS: content.on_cards,
                    BroadcastButton.CARD_CATEGORY: content.on_card_category,
                    BroadcastButton.CARD: content.on_card,
                    BroadcastButton.BACK: content.on_back_to_start,
                },
            ),
            AUDIENCE: Step(
                other=later,
                buttons={
                    BroadcastButton.AUDIENCE: audience.on_audience,
                    BroadcastButton.LIST_CATEGORIES: audience.list_opener(
                        BroadcastButton.LIST_CATEGORIES
                    ),
                    BroadcastButton.LIST_TOWNS: audience.list_opener(BroadcastButton.LIST_TOWNS),
                    BroadcastButton.LIST_VOLUNTEERS: audience.list_opener(
                        BroadcastButton.LIST_VOLUNTEERS
                    ),
                    BroadcastButton.BACK: audience.on_back,
                },
            ),
            WHEN: Step(
                text=confirm.on_when,
                other=later,
                buttons={**timing, BroadcastButton.BACK: audience.on_back},
            ),
            CONFIRM: Step(
                other=later,
                buttons={BroadcastButton.CONFIRM: confirm.on_confirm, **timing},
            ),
        },
        idle=IDLE,
        wrong_input=draft.on_wrong_input,
        cancelled=draft.on_cancelled,
        anywhere={BroadcastButton.CANCEL: confirm.on_cancel},
        ended=draft.on_ended,
        role=Role.COORDINATOR,
        confirms=frozenset({BroadcastButton.CONFIRM}),
        summary=confirm.redraw,
        answered=draft.answered,
        resume=content.resume,
    )


def _edit_chat(
    name: str, kind: Kind | None, steps: dict[str, Step], wrong_input: OnMessage, **more: Any
) -> Flow:
    """A one-question edit of /scheduled or /campaigns."""
    return Flow(
        name=name,
        kind=kind,
        steps=steps,
        idle=IDLE,
        wrong_input=wrong_input,
        cancelled=_edit_cancelled,
        role=Role.COORDINATOR,
        transient=True,
        **more,
    )


def register(app: PufaApplication, services: Services) -> None:
    services.chats.add(broadcast_chat())
    services.chats.add(
        _edit_chat(
            scheduled.EDIT_FLOW,
            None,
            {
                scheduled.NEW_TIME: Step(text=scheduled.on_new_time),
                scheduled.NEW_TEXT: Step(text=scheduled.on_new_text),
            },
            scheduled.on_edit_wrong_input,
        )
    )
    now: dict[str, OnButton] = {campaigns.EditButton.NOW: campaigns.on_now}
    services.chats.add(
        _edit_chat(
            campaigns.EDIT_FLOW,
            Kind.CAMPAIGN_EDIT,
            {
                campaigns.NEW_TIME: Step(text=campaigns.on_new_time, buttons=now),
                campaigns.CONFIRM: Step(
                    buttons={
                        campaigns.EditButton.CONFIRM: campaigns.on_confirm,
                        campaigns.EditButton.TIME: campaigns.on_change_time,
                        **now,
                    }
                ),
                campaigns.NEW_DATES: Step(text=campaigns.on_new_dates),
            },
            campaigns.on_edit_wrong_input,
            anywhere={campaigns.EditButton.CANCEL: campaigns.on_cancel},
            ended=campaigns.on_ended,
            confirms=frozenset({campaigns.EditButton.CONFIRM}),
            summary=campaigns.redraw,
            answered=campaigns.answered,
            resume=campaigns.resume,
        )
    )
    app.add_handlers(
        [
            CommandHandler("broadcast", content.on_broadcast),
            CommandHandler("scheduled", scheduled.on_scheduled),
            CallbackQueryHandler(scheduled.on_button, pattern=pattern(Kind.SCHEDULED)),
            CommandHandler("campaigns", campaigns.on_campaigns),
            CallbackQueryHandler(campaigns.on_button, pattern=pattern(Kind.CAMPAIGNS)),
        ]
    )
