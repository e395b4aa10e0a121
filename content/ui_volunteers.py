"""Texts of the volunteer and coordinator features (the `volunteers:` block of ui.zh.yaml)."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from content.report_input import (
    MAX_AUDIENCE,
    MAX_HOURS,
    MAX_PHOTOS,
    MAX_SUMMARY_CHARS,
    MIN_HOURS,
    InputProblem,
)


def limits(max_age_days: int) -> dict[str, object]:
    """Placeholders any report prompt or explanation may use."""
    return {
        "max_days": max_age_days,
        "max_audience": MAX_AUDIENCE,
        "min_hours": f"{MIN_HOURS:g}",
        "max_hours": f"{MAX_HOURS:g}",
        "max_photos": MAX_PHOTOS,
        "max_summary": MAX_SUMMARY_CHARS,
    }


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputProblems(_Texts):
    """One explanation per content.report_input.InputProblem (checked by a test)."""

    empty: str
    too_long: str
    no_letters: str
    date_format: str
    date_invalid: str
    date_future: str
    date_too_old: str
    number_format: str
    audience_range: str
    hours_range: str
    materials_range: str
    summary_short: str
    summary_long: str
    phone_format: str
    period_format: str
    period_order: str


class InviteProblems(_Texts):
    unknown: str
    expired: str
    used_up: str


REPORT_FIELDS = (
    "type", "topics", "date", "place", "audience", "hours", "materials", "photos", "summary",
)  # fmt: skip
PROFILE_FIELDS = ("name", "town", "place", "organisation", "phone")
EXPORT_COLUMNS = (
    "id", "volunteer", "phone", "town", "activity_type", "topics", "activity_date", "place",
    "audience", "hours", "materials", "summary", "photos", "submitted_at", "organisation",
    "activities", "first_date", "last_date",
)  # fmt: skip


def _keys(name: str, given: dict[str, str], wanted: tuple[str, ...]) -> None:
    if set(given) != set(wanted):
        raise ValueError(f"{name} 需要且只需要这些键: {', '.join(wanted)}")


class VolunteerTexts(_Texts):
    # activity type id (stored in reports; letters, digits, _) -> label shown
    activity_types: dict[str, str] = Field(min_length=1)
    report_fields: dict[str, str]
    profile_fields: dict[str, str]
    export_headers: dict[str, str]
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

    join_ask_code: str
    join_welcome: str
    join_ask_name: str
    join_ask_town: str
    join_ask_place: str
    join_ask_organisation: str
    join_ask_phone: str
    join_phone_optional: str
    share_phone_button: str
    phone_not_own: str
    join_none: str
    join_cancelled: str
    already_volunteer: str
    registered: str
    profile: str
    profile_updated: str
    leave_confirm: str
    left: str
    deleteme_confirm: str
    deleted: str

    report_intro: str
    report_ask_type: str
    report_ask_topics: str
    topics_done_button: str
    report_ask_date: str
    today_button: str
    yesterday_button: str
    report_ask_place: str
    shared_location_place: str
    report_ask_audience: str
    report_ask_hours: str
    report_ask_materials: str
    report_ask_photos: str
    photo_received: str
    photos_done_button: str
    photos_full: str
    report_ask_summary: str
    report_card_title: str
    report_card_edit_title: str
    report_card: str
    submit_button: str
    edit_button: str
    cancel_button: str
    report_pick_field: str
    report_wrong_input: str
    report_in_progress: str
    report_none: str
    report_cancelled: str
    report_timed_out: str
    report_submitted: str
    report_updated: str
    report_already_submitted: str
    report_locked: str
    report_finish_first: str
    nothing_to_cancel: str

    my_reports_title: str
    this_month: str
    this_year: str
    totals_line: str
    my_report_line: str
    withdrawn_mark: str
    no_reports: str
    edit_hint: str
    edit_report_button: str
    withdraw_button: str
    withdraw_confirm: str
    withdrawn: str

    notify_report: str
    digest_title: str
    digest_line: str
    digest_more: str

    invite_usage: str
    invite_created: str
    any_town: str
    single_use: str
    multi_use: str
    person_unknown: str
    already_coordinator: str
    not_a_coordinator: str
    demote_admin: str
    promote_confirm: str
    demote_confirm: str
    promoted: str
    demoted: str
    you_are_promoted: str
    you_are_demoted: str
    period_usage: str
    stats_title: str
    stats_total: str
    stats_empty: str
    stats_by_town: str
    stats_by_type: str
    stats_top: str
    stats_line: str
    stats_more: str
    stats_volunteer: str
    chart_title: str
    chart_caption: str
    export_caption: str
    hours_caption: str
    hours_title: str
    hours_line: str

    @model_validator(mode="after")
    def _complete(self) -> "VolunteerTexts":
        _keys("report_fields", self.report_fields, REPORT_FIELDS)
        _keys("profile_fields", self.profile_fields, PROFILE_FIELDS)
        _keys("export_headers", self.export_headers, EXPORT_COLUMNS)
        for key in self.activity_types:
            if not key.replace("_", "").isalnum() or not key.isascii() or len(key) > 30:
                raise ValueError(f"activity_types: 键 '{key}' 只能用小写字母、数字和下划线")
        missing = [p.value for p in InputProblem if not hasattr(self.errors, p.value)]
        if missing:
            raise ValueError(f"errors 缺少: {', '.join(missing)}")
        return self

    def explain(self, problem: InputProblem, max_age_days: int = 0) -> str:
        """What is wrong with an answer, in words (content.report_input's problems)."""
        return str(getattr(self.errors, problem.value)).format(**limits(max_age_days))
