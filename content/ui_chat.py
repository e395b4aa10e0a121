"""Texts of the chat for each role: /help per role, spreadsheet sheet names, the guided chats'
names (the `chat:` block of ui.zh.yaml)."""

from typing import Annotated

from pydantic import field_validator, model_validator

from content.report_input import letters
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
    # /start, 💬 问个问题, a link or another chat's start with a chat holding `count` answers
    # the person gave: asked first, with 继续填写 (its question again) and a button that ends
    # it and does what was asked: `drop_for` names the chat asked for, `drop_button` is for
    # anything else (/start, a menu, a link)
    unfinished: Annotated[str, Fields("name", "count")]
    # the same of a chat correcting something already stored (`what`: its name, 报告 #3):
    # given up, only the changes are lost
    unfinished_correction: Annotated[str, Fields("what")]
    # such a chat ended for lack of replies (any other: the flow's own words, chat_timed_out)
    correction_timed_out: Annotated[str, Fields("what")]
    keep_button: str
    drop_button: str
    drop_for: Annotated[str, Fields("name")]
    # 确认 / 提交 pressed on a summary card drawn before the draft last changed (an alert;
    # the card as it is now follows)
    outdated_card: str
    # Typed alone in any guided chat (its letters, as content.report_input.letters reads
    # them): a cancel word ends it as /cancel does; a back word is not taken as an answer and
    # gets `not_an_answer`. (UiTexts checks that none is a skip button's word.)
    cancel_words: list[str]
    back_words: list[str]
    not_an_answer: Annotated[str, Fields("word")]
    # A message edited after it was sent, in a private chat: not taken again; with a guided
    # chat open (`name`: its name, as in flow_names) its answer stays as first sent
    edit_not_taken: Annotated[str, Fields("name")]
    edit_not_read: str

    @field_validator("cancel_words", "back_words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not word or letters(word) != word:
                raise ValueError(f"{word!r}: a word of letters only, as it is matched")
        return words

    @model_validator(mode="after")
    def _apart(self) -> "ChatTexts":
        if both := set(self.cancel_words) & set(self.back_words):
            raise ValueError(f"both a cancel and a back word: {sorted(both)}")
        return self
