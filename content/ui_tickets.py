"""Texts of residents' messages to duty staff (`ui.zh.yaml`, section `tickets`)."""

from typing import Annotated

from pydantic import model_validator

from content.texts import Fields, Texts, exact_keys

# Why a ticket ended unanswered (storage.models.CloseReason), and `unrecorded` for one that
# ended before reasons were kept.
CLOSE_REASONS = ("phoned", "duplicate", "noreply", "erased", "unrecorded")


class TicketTexts(Texts):
    leave_button: str
    ask_title: str
    ask_category: str
    ask_town: str
    ask_text: Annotated[str, Fields("max")]
    text_cancel_hint: str
    ask_contact: Annotated[str, Fields("desk")]
    share_phone_button: str
    no_contact_button: str
    confirm: Annotated[str, Fields("category", "contact", "desk", "text", "town")]
    contact_none: str
    contact_in_text: str
    numbers_hidden: str
    noted: str
    send_button: str
    cancel_button: str
    exit_button: str  # under the field and town questions (the same as /cancel)
    wrong_input: str
    text_kept: str  # the message, typed while the field or the town was asked
    sample_desk_ahead: Annotated[str, Fields("desk")]  # before the resident writes to it
    text_empty: str
    text_too_long: Annotated[str, Fields("max")]
    text_no_letters: str
    text_too_short: Annotated[str, Fields("min")]
    text_added: str
    text_full: Annotated[str, Fields("max")]
    phone_typed_bad: str
    phone_not_own: str
    cancelled: str
    timed_out: str
    private_only: str
    private_button: str  # the link to the private chat, under private_only
    no_desk: Annotated[str, Fields("town")]
    already_sent: str
    too_many: Annotated[str, Fields("count")]
    sent_open: Annotated[str, Fields("ahead", "desk", "id")]
    sent_closed: Annotated[str, Fields("desk", "id", "when")]
    sent_footer: str
    sent_undelivered: Annotated[str, Fields("desk", "id")]
    sent_undelivered_untold: Annotated[str, Fields("desk", "id")]
    sample_desk: Annotated[str, Fields("desk", "id")]
    sample_footer: str  # under sample_desk: how to add to the message, as sent_footer
    when: Annotated[str, Fields("date", "time", "weekday")]  # date: 12月4日, weekday: 周五
    desk_ticket: Annotated[
        str,
        Fields("category", "contact", "footer", "history", "id", "moved", "text", "town", "when"),
    ]
    desk_ticket_footer: Annotated[str, Fields("desk")]
    desk_ticket_ended: Annotated[str, Fields("desk", "why")]
    moved_from: Annotated[str, Fields("desk")]
    history_title: str
    history_answer: Annotated[str, Fields("desk", "text", "when")]
    history_follow_up: Annotated[str, Fields("text", "when")]
    history_some_desk: str
    history_left_out: Annotated[str, Fields("count")]
    taken_by_button: Annotated[str, Fields("name")]
    moved_copy: Annotated[str, Fields("desk", "id")]
    moved_away: Annotated[str, Fields("desk")]
    desk_has_it: Annotated[str, Fields("desk")]
    moved_taker: Annotated[str, Fields("desk", "id")]
    desk_no_contact: str
    desk_contact_withheld: Annotated[str, Fields("desk")]
    contact_desk_gone: str
    take_button: str
    reply_button: str
    transfer_button: str
    close_button: str
    more_button: str
    taken: Annotated[str, Fields("id")]
    taken_already: str
    reply_prompt: Annotated[str, Fields("desk", "id")]
    replied: Annotated[str, Fields("id")]
    resident_gone: Annotated[str, Fields("id")]
    to_resident: Annotated[str, Fields("desk", "id", "text")]
    to_resident_footer: str
    more_prompt: Annotated[str, Fields("id")]
    more_prompt_closed: Annotated[str, Fields("id")]
    more_sent: Annotated[str, Fields("desk", "id")]
    more_kept: Annotated[str, Fields("id")]
    more_undelivered: Annotated[str, Fields("desk", "id")]
    more_sample: Annotated[str, Fields("desk", "id")]  # added to a sample desk's message
    more_closed: Annotated[str, Fields("id")]
    more_closed_draft_open: str
    more_closed_offer: str
    send_as_new_button: str
    desk_follow_up: Annotated[str, Fields("id", "text")]
    desk_follow_up_reopened: Annotated[str, Fields("id", "text")]
    transfer_pick: Annotated[str, Fields("id")]
    transfer_none: str
    transfer_cancel_button: str
    transfer_cancelled: Annotated[str, Fields("id")]
    transfer_unknown_desk: str
    transferred_desk: Annotated[str, Fields("desk", "id")]
    transferred_resident: Annotated[str, Fields("desk", "id")]
    # 转办 to a desk Telegram refused the ticket in every chat of (as sent_undelivered)
    transferred_desk_undelivered: Annotated[str, Fields("desk", "id")]
    transferred_desk_undelivered_untold: Annotated[str, Fields("desk", "id")]
    transferred_resident_undelivered: Annotated[str, Fields("desk", "id")]
    transferred_resident_undelivered_untold: Annotated[str, Fields("desk", "id")]
    transferred_contact_kept: Annotated[str, Fields("desk")]
    transferred_contact_ask: Annotated[str, Fields("desk", "new")]
    phone_agree_button: Annotated[str, Fields("desk")]
    phone_decline_button: str
    phone_agreed: Annotated[str, Fields("desk", "id")]
    phone_declined: Annotated[str, Fields("id")]
    phone_agreed_already: Annotated[str, Fields("desk")]
    phone_consent_ended: Annotated[str, Fields("id")]
    phone_consent_moved: Annotated[str, Fields("id")]
    phone_decline_outdated: Annotated[str, Fields("id")]
    phone_agreed_desk: Annotated[str, Fields("id")]
    phone_ask_button: str
    phone_ask_resident: Annotated[str, Fields("desk", "id")]
    phone_asked_desk: Annotated[str, Fields("id")]
    phone_ask_unconfirmed_desk: Annotated[str, Fields("id")]
    phone_ask_already: Annotated[str, Fields("when")]
    phone_ask_on_move: Annotated[str, Fields("when")]
    phone_ask_has_it: str
    phone_ask_unreachable: str
    closed_desk: Annotated[str, Fields("id")]
    closed_desk_unanswered: Annotated[str, Fields("id", "reason")]
    close_reasons: dict[str, str]
    ended_for_staff: Annotated[str, Fields("id", "why")]
    ended_answered: str
    ended_unanswered: Annotated[str, Fields("reason")]
    closed_resident: Annotated[str, Fields("id")]
    close_confirm: Annotated[str, Fields("id")]
    close_phoned_button: str
    close_duplicate_button: str
    close_no_reply_button: str
    close_keep_button: str
    close_kept: str
    close_phoned_no_phone: str
    closed_resident_phoned: Annotated[str, Fields("id")]
    closed_resident_duplicate: Annotated[str, Fields("id")]
    closed_resident_no_reply: Annotated[str, Fields("id")]
    rate_3: str
    rate_2: str
    rate_1: str
    rated: str
    rated_so_so: str  # 😐 一般: above 留言给工作人员
    rated_unsatisfied: str  # 🙁 不满意: above 留言给工作人员
    rated_already: str
    cancel_after_sent: str
    ticket_closed: str
    not_staff: str
    # a desk's button in a group that is no desk's chat (a forwarded copy): nothing is done
    desk_chat_only: str
    erased_by_resident: str
    reminder: Annotated[str, Fields("hours", "id")]
    escalation: Annotated[str, Fields("category", "desk", "hours", "id", "town")]
    escalation_desk_gone: Annotated[str, Fields("category", "desk", "hours", "id", "town")]
    transfer_gone_button: str
    desk_unreachable: Annotated[str, Fields("category", "desk", "id", "town")]
    # A desk's staff group became a supergroup (its new id) or removed the bot: said to the
    # new group and the coordinators (`desks`: the desks' names)
    desk_group_migrated: Annotated[str, Fields("desks", "new", "old")]
    desk_group_left: Annotated[str, Fields("chat", "desks")]
    tickets_where: Annotated[str, Fields("desks")]
    tickets_nowhere: str
    tickets_staff_only: str  # /tickets in a group, from someone who is no desk's staff there
    tickets_join_desk: str
    tickets_desks_title: str
    tickets_desk_group: Annotated[str, Fields("count", "desk")]
    tickets_desk_group_anyone: Annotated[str, Fields("desk")]
    tickets_desk_private: Annotated[str, Fields("count", "desk")]
    tickets_desk_sample: Annotated[str, Fields("desk")]
    queue_title: Annotated[str, Fields("count", "desk")]
    queue_line: Annotated[str, Fields("category", "id", "status", "town", "when")]
    queue_empty: Annotated[str, Fields("desk")]
    status_open: str
    status_taken: str
    show_button: Annotated[str, Fields("id")]
    export_caption: Annotated[str, Fields("period")]
    export_headers: dict[str, str]
    export_sheet: str

    @model_validator(mode="after")
    def _every_reason(self) -> "TicketTexts":
        exact_keys("close_reasons", self.close_reasons, CLOSE_REASONS)
        return self
