"""Texts of residents' messages to duty staff (`ui.zh.yaml`, section `tickets`)."""

from pydantic import BaseModel, ConfigDict


class TicketTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    leave_button: str
    ask_category: str
    ask_town: str
    ask_text: str
    ask_contact: str
    share_phone_button: str
    no_contact_button: str
    confirm: str
    contact_none: str
    noted: str
    send_button: str
    cancel_button: str
    wrong_input: str
    text_empty: str
    text_too_long: str
    text_no_letters: str
    phone_not_own: str
    cancelled: str
    timed_out: str
    private_only: str
    no_desk: str
    already_sent: str
    too_many: str
    sent_open: str
    sent_closed: str
    sent_footer: str
    sample_desk: str
    when: str
    desk_ticket: str
    desk_no_contact: str
    take_button: str
    reply_button: str
    transfer_button: str
    close_button: str
    more_button: str
    taken: str
    taken_already: str
    reply_prompt: str
    replied: str
    resident_gone: str
    to_resident: str
    to_resident_footer: str
    more_prompt: str
    more_sent: str
    desk_follow_up: str
    transfer_pick: str
    transfer_none: str
    transferred_desk: str
    transferred_resident: str
    closed_desk: str
    closed_resident: str
    rate_3: str
    rate_2: str
    rate_1: str
    rated: str
    ticket_closed: str
    not_staff: str
    reminder: str
    escalation: str
    queue_title: str
    queue_line: str
    queue_empty: str
    status_open: str
    status_taken: str
    show_button: str
    export_caption: str
    export_headers: dict[str, str]
