"""Texts of coordinators' report review (the `review:` block of ui.zh.yaml)."""

from typing import Annotated

from pydantic import model_validator

from content.texts import Fields, Texts, exact_keys

# storage.models.ReviewState values
REVIEW_STATES = ("pending", "verified", "returned")


class ReviewTexts(Texts):
    tags_line: Annotated[str, Fields("names")]  # the indicators a notified report counts for
    verify_button: str
    return_button: str
    states: dict[str, str]
    state_line: Annotated[str, Fields("reviewer", "state")]  # under a decided notification
    withdrawn_line: str  # under a notification whose report the volunteer withdrew
    reason_line: Annotated[str, Fields("reason")]
    ask_reason: Annotated[str, Fields("id", "max")]
    reason_empty: Annotated[str, Fields("max")]
    reason_long: Annotated[str, Fields("count", "max")]
    reason_no_letters: Annotated[str, Fields("max")]
    verified_done: Annotated[str, Fields("id")]
    returned_done: Annotated[str, Fields("id")]
    already: Annotated[str, Fields("id", "reviewer", "state")]
    # a press (or a typed reason) on a copy drawn before the volunteer's last correction
    changed: Annotated[str, Fields("id")]
    no_report: str
    not_returned: str  # /cancel of the reason prompt
    timed_out: str
    told_returned: Annotated[str, Fields("date", "id", "reason")]
    told_returned_late: Annotated[str, Fields("id", "reason")]  # after the edit window
    corrected: Annotated[str, Fields("changes", "id", "name")]
    reopened: Annotated[str, Fields("state")]
    change: Annotated[str, Fields("after", "before", "field")]
    photos_replaced: Annotated[str, Fields("count")]  # a change's photos: as many, others
    change_separator: str
    web_reviewer: Annotated[str, Fields("id")]
    # under a report's notification, with PUFA_PUBLIC_URL: the link to its dashboard page
    web_link: str
    web_link_photos: Annotated[str, Fields("photos")]  # the page shows its photos
    # the daily digest's last line: every report still pending; {link}: digest_review_link
    # to the dashboard's 待审核 list, with PUFA_PUBLIC_URL
    digest_pending: Annotated[str, Fields("count")]
    digest_pending_link: Annotated[str, Fields("count", "link")]
    digest_review_link: str

    @model_validator(mode="after")
    def _complete(self) -> "ReviewTexts":
        exact_keys("states", self.states, REVIEW_STATES)
        return self
