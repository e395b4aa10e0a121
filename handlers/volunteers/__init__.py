"""Volunteers: registration with an invite (/start join_<code>, /join CODE) as a guided chat,
/profile with corrections (the same chat, for one answer), /leave, and /deleteme for anyone
(个人信息保护法)."""

import re
from datetime import timedelta

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services
from handlers.kit.conversation import Flow, Step
from handlers.volunteers import chat, join, leave, profile, steps
from handlers.volunteers.chat import CODE, NAME, ORG, PHONE, PLACE, TOWN, JoinButton
from handlers.volunteers.profile import VolunteerButton


def registration(idle: timedelta) -> Flow:
    return Flow(
        name=chat.FLOW,
        kind=Kind.JOIN,
        steps={
            CODE: Step(text=join.on_code),
            NAME: Step(text=steps.typed(NAME)),
            TOWN: Step(text=steps.on_town_text, buttons={JoinButton.TOWN: steps.on_town}),
            PLACE: Step(text=steps.typed(PLACE), buttons={JoinButton.PLACE: steps.on_place}),
            ORG: Step(text=steps.typed(ORG), buttons={JoinButton.SKIP: steps.on_skip}),
            PHONE: Step(
                text=steps.typed(PHONE),
                contact=steps.on_contact,
                buttons={JoinButton.SKIP: steps.on_skip},
            ),
        },
        idle=idle,
        wrong_input=chat.on_wrong_input,
        cancelled=chat.on_cancelled,
        answered=chat.answered,
        resume=chat.resume,
    )


def register(app: PufaApplication, services: Services) -> None:
    """Before residents: `/start join_<code>` opens the registration, other payloads do not."""
    services.chats.add(registration(timedelta(minutes=services.volunteering.timeout_minutes)))

    def on(action: VolunteerButton) -> re.Pattern[str]:
        return pattern(Kind.VOLUNTEER, action)

    app.add_handlers(
        [
            CommandHandler("start", join.on_join_link, filters.Regex(r"^/start join_")),
            CommandHandler("join", join.on_join),
            CommandHandler("profile", profile.on_profile),
            CommandHandler("leave", leave.on_leave),
            CommandHandler("deleteme", leave.on_deleteme),
            CallbackQueryHandler(profile.on_profile_field, pattern=on(VolunteerButton.FIELD)),
            CallbackQueryHandler(leave.on_confirmed, pattern=on(VolunteerButton.LEAVE)),
            CallbackQueryHandler(leave.on_confirmed, pattern=on(VolunteerButton.DELETE)),
        ]
    )
