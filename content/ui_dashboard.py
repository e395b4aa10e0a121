"""Texts of the dashboard (the `dashboard:` block of ui.zh.yaml): the one-time login link
/dashboard sends, and what the web pages say from code (refusals, mistakes in a form); the
pages' own words are in dashboard/templates/."""

import re
from typing import Annotated

from pydantic import Field, field_validator

from content.texts import Fields, Texts

# how the keys of the audit log's labels are spelled: "dashboard.gap.ignored", "ticket-take"
ACTION_ID = re.compile(r"[a-z][a-z_]*([.-][a-z_]+)*")


class TicketPageTexts(Texts):
    """What 居民留言 (dashboard/tickets.py) says from code."""

    status_open: str
    status_taken: str  # taken by someone the bot knows no name of
    status_taken_by: Annotated[str, Fields("name")]
    status_answered: str  # answered, not ended
    # how long the resident has waited (wall-clock time)
    waited_days: Annotated[str, Fields("days", "hours")]
    waited_hours: Annotated[str, Fields("hours", "minutes")]
    waited_minutes: Annotated[str, Fields("minutes")]


class DashboardTexts(Texts):
    link: Annotated[str, Fields("minutes", "url")]  # {url} {minutes}
    open_button: str
    no_address: str  # /dashboard with no address a browser can open (PUFA_PUBLIC_URL unset)
    standby: str
    login_first: str
    no_longer_coordinator: str
    bad_form: str
    bad_link: str
    coordinators_only: str
    logged_out: str
    no_page: str  # an address that is not one of the dashboard's (/dashboard/reports/)
    # a filter's date that is not YYYY-MM-DD, or month not YYYY-MM: said, and {used} (the
    # default) taken instead
    start_not_understood: Annotated[str, Fields("typed", "used")]
    end_not_understood: Annotated[str, Fields("typed", "used")]
    month_not_understood: Annotated[str, Fields("typed", "used")]
    # a date in a year before FIRST_YEAR or after next year (9999-12-31): said, the same way
    start_out_of_range: Annotated[str, Fields("typed", "first", "last", "used")]
    end_out_of_range: Annotated[str, Fields("typed", "first", "last", "used")]
    end_before_start: Annotated[str, Fields("start", "end")]  # the two were swapped
    period_too_long: str
    unknown_town: str
    unknown_type: str
    unknown_topic: str
    unknown_review: str
    no_topic: str
    campaign_unfitting: Annotated[str, Fields("names", "days")]
    no_report: str
    reason_needed: Annotated[str, Fields("max")]  # 退回 with no reason, or too long
    review_changed: Annotated[str, Fields("id")]  # corrected after its page was opened
    # 核实 every pending report the list's filter shows, at most {max} at a time (BATCH)
    verify_all_button: Annotated[str, Fields("count")]
    verify_all_explain: Annotated[str, Fields("count", "max")]
    verify_all_confirm: Annotated[str, Fields("count")]
    verify_all_more: Annotated[str, Fields("max", "rest")]
    verify_all_done: Annotated[str, Fields("done")]  # said only when some were
    verify_all_skipped: Annotated[str, Fields("skipped")]  # likewise
    # reports corrected after the confirm page: left pending, named (links) after this
    verify_all_changed: Annotated[str, Fields("count")]
    verify_all_none: str
    export_empty: Annotated[str, Fields("period")]  # the filter matches no report: no file
    export_with_phone: str  # ends the name of the file with volunteers' phone numbers
    photo_failed: Annotated[str, Fields("error")]
    campaign_topic: Annotated[str, Fields("name")]
    no_volunteer: str
    # an invite's days not a whole number from 1 to {max}: nothing created, the form kept
    invite_days: Annotated[str, Fields("typed", "max")]
    pick_person: str
    empty: str
    no_letters: str
    pick_card: str
    pick_audience: str
    nobody: str
    past: str
    already: str
    too_long: Annotated[str, Fields("length", "limit")]
    check_input: str
    no_broadcast: str
    copied_message: str
    album_message: Annotated[str, Fields("caption", "count")]
    eta: Annotated[str, Fields("minutes", "seconds")]
    pick_question: str
    pick_keyword: str
    unknown_action: str
    gap_not_decided: str
    pick_file: str
    file_too_big: str
    this_month: str
    this_year: str
    trend_title: str
    types_title: str
    towns_title: str
    chart_empty: str
    trend_empty: str  # the weekly trend when no activity was reported this year
    # a content edit not saved: refused before the check ran (content.editing.Refusal, named
    # under this), or the check found problems (listed under this)
    edit_refused: str
    edit_check: str
    no_content_dir: str
    edits_off: str  # the gaps page without PUFA_CONTENT_DIR: how to get its edit buttons
    content_dir_gone: Annotated[str, Fields("path")]
    edit_question_empty: str
    edit_question_too_long: Annotated[str, Fields("limit")]
    edit_word_empty: str
    edit_word_too_long: Annotated[str, Fields("limit")]
    edit_word_is_keyword: Annotated[str, Fields("word")]
    edit_word_not_in_question: Annotated[str, Fields("word")]
    edit_numbers_only: str
    edit_unexpected_format: str
    edit_no_synonyms: str
    edit_file_missing: Annotated[str, Fields("path")]
    edit_check_failed: str
    # 操作记录: what each action id the code records means (tests/dashboard/test_audit.py
    # reads the actions from the code and wants exactly these); the names of the keys of
    # key=value details and of their values; true and false
    audit_actions: dict[str, str] = Field(min_length=1)
    audit_details: dict[str, str]
    audit_values: dict[str, str]
    # content edits made on the dashboard (dashboard/audit_log.EDITS)
    audit_edit_sample: Annotated[str, Fields("card", "text")]
    audit_edit_sample_withdrawn: Annotated[str, Fields("card", "text")]
    audit_edit_synonym: Annotated[str, Fields("word", "same_as")]
    audit_edit_synonym_withdrawn: Annotated[str, Fields("word", "same_as")]
    audit_edit_labelled: Annotated[str, Fields("card", "text")]
    audit_edit_label_withdrawn: Annotated[str, Fields("text")]
    audit_yes: str
    audit_no: str
    tickets: TicketPageTexts

    @field_validator("audit_actions", "audit_details", "audit_values")
    @classmethod
    def _ids(cls, value: dict[str, str]) -> dict[str, str]:
        wrong = [key for key in value if not ACTION_ID.fullmatch(key)]
        if wrong:
            raise ValueError(f"键只能用小写字母、下划线、点和连字符: {', '.join(wrong)}")
        return value
