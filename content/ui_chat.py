"""Texts of the chat for each role: /help per role, spreadsheet sheet names (the `chat:`
block of ui.zh.yaml)."""

from content.texts import Texts


class ChatTexts(Texts):
    reports_sheet: str
    hours_sheet: str
    help_more_resident: str
    help_more_volunteer: str
    help_more_coordinator: str
