"""Texts of the chat for each role: /help per role, spreadsheet sheet names, the guided chats'
names (the `chat:` block of ui.zh.yaml)."""

from typing import Annotated

from content.texts import Fields, Texts


class ChatTexts(Texts):
    reports_sheet: str
    hours_sheet: str
    help_more_resident: str
    help_more_volunteer: str
    help_more_coordinator: str
    # each guided chat's name as people know it, by its flow's name: tests/e2e/
    # test_guided_chats.py wants exactly one for every flow
    flow_names: dict[str, str]
    # /start or 💬 问个问题 with guided chats open: they end, and this says which ("“a”、“b”")
    left_chats: Annotated[str, Fields("names")]
    help_open_chat: Annotated[str, Fields("name")]  # /help's last line while a chat is open
    # 确认 / 提交 pressed on a summary card drawn before the draft last changed (an alert;
    # the card as it is now follows)
    outdated_card: str
