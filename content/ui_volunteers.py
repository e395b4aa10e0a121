"""Texts of the volunteer and coordinator features (the `volunteers:` block of ui.zh.yaml)."""

from typing import Annotated

from pydantic import Field, model_validator

from content.report_input import (
    MAX_AUDIENCE,
    MAX_HOURS,
    MAX_PHOTOS,
    MAX_SUMMARY_CHARS,
    MIN_HOURS,
    MIN_SUMMARY_CHARS,
    USUAL_AUDIENCE,
    USUAL_HOURS,
    InputProblem,
)
from content.texts import Fields, Texts, exact_keys


def limits(max_age_days: int) -> dict[str, object]:
    """Placeholders any report prompt or explanation may use."""
    return {
        "max_days": max_age_days,
        "max_audience": MAX_AUDIENCE,
        "min_hours": f"{MIN_HOURS:g}",
        "max_hours": f"{MAX_HOURS:g}",
        "max_photos": MAX_PHOTOS,
        "max_summary": MAX_SUMMARY_CHARS,
        "min_summary": MIN_SUMMARY_CHARS,
        "usual_audience": USUAL_AUDIENCE,
        "usual_hours": f"{USUAL_HOURS:g}",
    }


# A text formatted with every limit (the report prompts and the explanations of bad answers).
Limited = Annotated[str, Fields(*limits(0))]
# A line about one report (the new-report notice and the daily digest).
ReportLine = Annotated[
    str,
    Fields(
        "id", "name", "town", "type", "date", "place", "audience", "hours", "photos", "summary"
    ),
]


class InputProblems(Texts):
    """One explanation per content.report_input.InputProblem (checked by a test)."""

    empty: Limited
    too_long: Limited
    no_letters: Limited
    name_short: Limited
    name_symbols: Limited
    date_format: Limited
    date_invalid: Limited
    date_future: Limited
    date_too_old: Limited
    audience_format: Limited
    hours_format: Limited
    materials_format: Limited
    audience_range: Limited
    hours_range: Limited
    materials_range: Limited
    summary_short: Limited
    summary_long: Limited
    phone_format: Limited
    period_format: Limited
    period_order: Limited


class InviteProblems(Texts):
    unknown: str
    expired: str
    used_up: str


REPORT_FIELDS = (
    "type", "date", "topics", "place", "audience", "hours", "materials", "photos", "summary",
)  # fmt: skip
PROFILE_FIELDS = ("name", "town", "place", "organisation", "phone")
EXPORT_COLUMNS = (
    "id", "volunteer", "phone", "town", "activity_type", "topics", "activity_date", "place",
    "lat", "lon", "audience", "hours", "materials", "summary", "photos", "submitted_at", "review",
    "organisation", "activities", "first_date", "last_date",
)  # fmt: skip
# What /export and /hours make, by name: "reports", "hours" and domain.figures.FIGURES.
EXPORT_KINDS = ("reports", "hours", "satisfaction", "reach", "tickets")


class VolunteerTexts(Texts):
    # activity type id (stored in reports; letters, digits, _) -> label shown
    activity_types: dict[str, str] = Field(min_length=1)
    report_fields: dict[str, str]
    profile_fields: dict[str, str]
    export_headers: dict[str, str]
    export_kinds: dict[str, str]  # EXPORT_KINDS -> what it lists, as export_empty names it
    errors: InputProblems
    invite_problems: InviteProblems

    private_only: str
    not_volunteer: str
    none_value: str
    anonymous: str
    skip_button: str
    back_button: str
    confirm_yes: str
    confirm_no: str
    kept: str
    confirm_answered: str  # a question's button pressed after it was answered or lapsed

    join_ask_code: str
    join_welcome: str
    join_ask_name: str
    join_ask_town: str
    join_town_unknown: Annotated[str, Fields("typed")]
    join_town_several: Annotated[str, Fields("typed")]
    join_ask_place: str
    join_ask_organisation: str
    join_ask_phone: str
    join_phone_optional: str
    share_phone_button: str
    phone_not_own: str
    join_none: str
    join_cancelled: str
    already_volunteer: str
    registered: Annotated[str, Fields("name", "town")]
    profile: Annotated[str, Fields("joined", "name", "organisation", "phone", "place", "town")]
    profile_updated: str
    leave_confirm: str
    left: str
    deleteme_confirm: Annotated[str, Fields("items")]
    deleteme_questions: Annotated[str, Fields("count")]
    deleteme_tickets: Annotated[str, Fields("count")]
    deleteme_profile: str
    deleteme_reports: Annotated[str, Fields("count")]
    deleteme_rest: str
    deleteme_waiting: Annotated[str, Fields("count")]
    deleted: Annotated[str, Fields("items")]
    deleted_questions: Annotated[str, Fields("count")]
    deleted_tickets: Annotated[str, Fields("count")]
    deleted_rest: str
    deleted_volunteer: str
    deleted_reports: Annotated[str, Fields("count")]

    report_intro: str
    report_ask_type: str
    report_ask_topics: str
    report_campaign_unfitting: Annotated[str, Fields("names", "date", "days")]
    report_campaign_fits: Annotated[str, Fields("names", "date")]
    topics_done_button: str
    topic_needed: str
    report_topic_needed: str
    report_ask_date: Limited
    today_button: str
    yesterday_button: str
    report_ask_place: str
    shared_location_place: Annotated[str, Fields("lat", "lon")]
    shared_location_near: Annotated[str, Fields("point")]
    report_numbers_hidden: str
    report_ask_audience: Limited
    report_ask_hours: Limited
    report_ask_materials: str
    report_ask_photos: Limited
    photo_received: Annotated[str, Fields("count", "max_photos")]
    photos_album_received: Annotated[str, Fields("album", "count", "max_photos")]
    photos_done_button: str
    photos_clear_button: str
    photos_cleared: str
    photos_full: Annotated[str, Fields("max_photos")]
    photos_limit_reached: Annotated[str, Fields("max_photos")]
    photo_over_limit: Annotated[str, Fields("max_photos")]
    photo_caption_not_kept: str
    report_ask_summary: Limited
    report_card_title: Annotated[str, Fields("id")]
    report_card_edit_title: Annotated[str, Fields("id")]
    report_card_returned: Annotated[str, Fields("reason")]
    report_card: Annotated[
        str,
        Fields(
            "audience",
            "date",
            "hours",
            "indicators",
            "materials",
            "photos",
            "place",
            "summary",
            "topics",
            "type",
        ),
    ]
    report_card_campaign_unfitting: Annotated[str, Fields("names", "days")]
    report_card_ask: str
    report_card_submitted: Annotated[str, Fields("id")]
    materials_value: Annotated[str, Fields("count")]
    submit_button: str
    indicators_button: str
    report_ask_indicators: str
    indicator_default_label: Annotated[str, Fields("name")]
    indicator_by_default: Annotated[str, Fields("name")]
    indicators_full: str
    edit_button: str
    cancel_button: str
    report_pick_field: str
    report_wrong_input: str
    report_photo_as_file: str
    report_unusual_audience: Annotated[str, Fields("value", *limits(0))]
    report_unusual_hours: Annotated[str, Fields("value", *limits(0))]
    unusual_sure_button: str
    unusual_change_button: str
    report_in_progress: str
    report_none: str
    report_cancelled: str
    report_edit_cancelled: Annotated[str, Fields("id")]  # a correction from /myreports
    report_named: Annotated[str, Fields("id")]  # the report a correction changes
    report_timed_out: str
    report_submitted: Annotated[str, Fields("id")]
    report_updated: Annotated[str, Fields("id")]
    report_unchanged: str
    report_already_submitted: Annotated[str, Fields("id")]
    report_submitted_change: Annotated[str, Fields("id")]
    report_locked: Annotated[str, Fields("id")]
    report_finish_first: str
    nothing_to_cancel: str

    my_reports_title: str
    this_month: str
    this_year: str
    totals_line: Annotated[str, Fields("activities", "audience", "hours", "label")]
    totals_returned: Annotated[str, Fields("count")]
    my_report_line: Annotated[str, Fields("audience", "date", "hours", "id", "place", "type")]
    my_report_state: Annotated[str, Fields("state")]
    my_report_reason: Annotated[str, Fields("reason")]
    withdrawn_mark: str
    no_reports: str
    edit_hint: Annotated[str, Fields("days")]
    left_record: str
    edit_report_button: Annotated[str, Fields("id")]
    withdraw_button: Annotated[str, Fields("id")]
    withdraw_confirm: Annotated[str, Fields("id")]
    withdrawn: Annotated[str, Fields("id")]

    notify_report: ReportLine
    report_erased: str
    digest_title: Annotated[str, Fields("count")]
    digest_line: ReportLine
    # a digest's line once the report's volunteer erased themselves (/deleteme)
    digest_line_erased: Annotated[str, Fields("id")]
    digest_more: Annotated[str, Fields("more")]

    invite_usage: Annotated[str, Fields("towns")]
    # /invite with days out of range (0天, 400天): nothing is created
    invite_days: Annotated[str, Fields("max", "typed")]
    invite_organisation: Annotated[str, Fields("max", "typed")]
    invite_created: Annotated[
        str, Fields("code", "expires", "link", "organisation", "town", "uses")
    ]
    any_town: str
    single_use: str
    multi_use: str
    person_unknown: str
    already_coordinator: str
    not_a_coordinator: str
    demote_admin: str
    promote_confirm: Annotated[str, Fields("id", "name")]
    demote_confirm: Annotated[str, Fields("id", "name")]
    promoted: Annotated[str, Fields("id", "name")]
    demoted: Annotated[str, Fields("id", "name")]
    promote_usage: str
    demote_usage: str
    you_are_promoted: str
    you_are_demoted: str
    period_usage: str
    format_usage: str
    stats_title: Annotated[str, Fields("period")]
    stats_total: Annotated[str, Fields("activities", "audience", "hours", "volunteers")]
    stats_empty: str
    stats_by_town: str
    stats_by_type: str
    stats_top: str
    stats_line: Annotated[str, Fields("activities", "audience", "hours", "name")]
    stats_more: Annotated[str, Fields("more")]
    stats_volunteer: Annotated[str, Fields("activities", "hours", "name", "rank", "town")]
    stats_questions: Annotated[str, Fields("answered", "asked", "fell_back", "unsolved")]
    chart_title: Annotated[str, Fields("period")]
    chart_caption: str
    export_caption: Annotated[str, Fields("period")]
    hours_caption: Annotated[str, Fields("period")]
    export_empty: Annotated[str, Fields("command", "kind", "period")]
    hours_title: Annotated[str, Fields("period")]
    hours_line: Annotated[str, Fields("activities", "hours", "name", "rank", "town")]

    @model_validator(mode="after")
    def _complete(self) -> "VolunteerTexts":
        exact_keys("report_fields", self.report_fields, REPORT_FIELDS)
        exact_keys("profile_fields", self.profile_fields, PROFILE_FIELDS)
        exact_keys("export_headers", self.export_headers, EXPORT_COLUMNS)
        exact_keys("export_kinds", self.export_kinds, EXPORT_KINDS)
        for key in self.activity_types:
            if not key.replace("_", "").isalnum() or not key.isascii() or len(key) > 30:
                raise ValueError(f"activity_types: 键 '{key}' 只能用小写字母、数字和下划线")
        missing = [p.value for p in InputProblem if not hasattr(self.errors, p.value)]
        if missing:
            raise ValueError(f"errors 缺少: {', '.join(missing)}")
        return self

    def explain(self, problem: InputProblem, max_age_days: int = 0) -> str:
        """What is wrong with an answer, in words (content.report_input's problems)."""
        text: str = getattr(self.errors, problem.value)
        return text.format(**limits(max_age_days))
