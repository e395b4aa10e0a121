"""Texts of subscriptions, coordinators' broadcasts and the campaign calendar (`ui.zh.yaml`,
sections `subscriptions`, `broadcasts`, `campaigns`): a missing key fails at start-up."""

from datetime import tzinfo
from typing import Annotated

from content.texts import Fields, Texts


class SubscriptionTexts(Texts):
    title: str
    group_title: str
    checked: Annotated[str, Fields("name")]
    unchecked: Annotated[str, Fields("name")]
    town_button: Annotated[str, Fields("town")]
    pick_town_button: str
    towns_title: str
    no_town_button: str
    back_button: str
    campaigns_on: str
    campaigns_off: str
    done_button: str
    group_admins_only: str
    summary_title: str
    summary_topics: Annotated[str, Fields("topics")]
    summary_town: Annotated[str, Fields("town")]
    summary_campaigns: str
    summary_volunteer_calls: str
    summary_no_calls: str
    summary_monthly: str
    summary_no_monthly: str
    summary_footer: str
    summary_empty: str
    unsubscribe_title: str
    remove: Annotated[str, Fields("name")]
    remove_all_button: str
    nothing_to_remove: str
    removed: str
    campaigns_name: str
    volunteer_calls_name: str
    monthly_name: str
    all_name: str
    unsubscribe_category: Annotated[str, Fields("name")]
    unsubscribe_town: Annotated[str, Fields("town")]
    unsubscribe_campaigns: str
    unsubscribe_volunteer_calls: str
    unsubscribe_monthly: str
    unsubscribe_all: str
    unsubscribed: Annotated[str, Fields("what")]
    campaigns_stopped_too: str
    preview_button: str


class BroadcastTexts(Texts):
    start: str
    pick_card_button: str
    cancel_button: str
    back_button: str
    copy_label: str
    album_label: Annotated[str, Fields("count")]
    album_note: Annotated[str, Fields("count")]
    album_footer: str
    card_categories_prompt: str
    cards_prompt: str
    empty: str
    no_letters: str
    too_long: Annotated[str, Fields("length")]
    audience_prompt: str
    audience_all_button: str
    audience_category_button: str
    audience_town_button: str
    audience_volunteers_button: str
    audience_groups_button: str
    categories_prompt: str
    towns_prompt: str
    volunteers_prompt: str
    all_volunteers_button: str
    audience_all: str
    audience_category: Annotated[str, Fields("name")]
    audience_town: Annotated[str, Fields("town")]
    audience_groups: str
    audience_volunteers: str
    audience_volunteers_town: Annotated[str, Fields("town")]
    audience_unreported: str
    nobody: Annotated[str, Fields("audience")]
    nobody_now: str
    past_now: str
    when_prompt: Annotated[str, Fields("audience", "count", "tz", "day", "iso")]
    when_help: Annotated[str, Fields("tz", "day", "iso")]
    # What people call PUFA_TIMEZONE (Asia/Shanghai: 北京时间); other zones by their name.
    zone_names: dict[str, str]
    when_examples: Annotated[str, Fields("day", "iso")]
    now_button: str
    when_unrecognised: str
    when_no_time: str
    when_bad_date: str
    when_bad_time: str
    when_ambiguous: str
    when_dotted: str
    when_past: str
    when_too_far: str
    when_now: str
    when_guessed: Annotated[str, Fields("when")]
    when_evening: Annotated[str, Fields("when")]
    when_weekly: Annotated[str, Fields("slot")]
    preview_failed: str
    confirm: Annotated[str, Fields("audience", "count", "when")]
    confirm_button: str
    change_time_button: str
    confirmed_now: Annotated[str, Fields("id")]
    confirmed_later: Annotated[str, Fields("id", "when")]
    already_confirmed: str
    stale_draft: str
    cancelled_draft: str
    use_buttons: str
    resend_button: Annotated[str, Fields("count")]
    resend_nothing: Annotated[str, Fields("id")]
    resending: Annotated[str, Fields("count", "id", "of")]
    edit_cancelled: str
    progress: Annotated[str, Fields("done", "eta", "failed", "id", "total")]
    progress_done: Annotated[str, Fields("id")]
    stop_button: Annotated[str, Fields("id")]  # the button formats its broadcast id
    eta_unknown: str
    eta_seconds: Annotated[str, Fields("n")]
    eta_minutes: Annotated[str, Fields("n")]
    finished: Annotated[
        str, Fields("audience", "blocked", "failed", "id", "sent", "total", "uncertain")
    ]
    cancelled_summary: Annotated[str, Fields("cancelled", "failed", "id", "sent")]
    reasons: Annotated[str, Fields("reasons")]
    reason_line: Annotated[str, Fields("count", "reason")]
    missed: Annotated[str, Fields("grace", "id", "when")]
    # several missed together (the bot was down a while): one message, a line each
    missed_many: Annotated[str, Fields("count", "grace", "lines")]
    missed_line: Annotated[str, Fields("id", "when")]
    missed_more: Annotated[str, Fields("count")]
    monthly_reminder: str
    scheduled_title: str
    scheduled_empty: str
    scheduled_line: Annotated[str, Fields("audience", "excerpt", "id", "when")]
    status_scheduled: str
    status_sending: str
    status_done: str
    status_cancelled: str
    status_missed: str
    status_muted: str
    preview_item: Annotated[str, Fields("id")]
    edit_time_item: Annotated[str, Fields("id")]
    edit_text_item: Annotated[str, Fields("id")]
    cancel_item: Annotated[str, Fields("id")]
    stop_item: Annotated[str, Fields("id")]
    cancelled_ok: Annotated[str, Fields("id")]
    stopped_ok: Annotated[str, Fields("id")]
    cancel_too_late: Annotated[str, Fields("id", "status")]
    edit_failed: Annotated[str, Fields("id")]
    edit_cancelled_broadcast: Annotated[str, Fields("id")]  # the same, of a cancelled one
    edit_time_prompt: Annotated[str, Fields("id")]
    edit_text_prompt: Annotated[str, Fields("id")]
    edit_text_only: str
    edit_time_once_only: str
    edited_time: Annotated[str, Fields("when")]
    send_now_item: Annotated[str, Fields("id")]
    sending_now: Annotated[str, Fields("id")]
    edited_text: str

    def zone_name(self, tz: tzinfo) -> str:
        return self.zone_names.get(str(tz), str(tz))


class CampaignTexts(Texts):
    title: str
    empty: str
    line: Annotated[str, Fields("name", "next", "period")]
    detail_title: Annotated[str, Fields("name", "period", "year")]
    reminder_line: Annotated[str, Fields("lead", "n", "role", "status", "when")]
    lead_day: str
    lead_days: Annotated[str, Fields("days")]
    role_public: str
    role_volunteers: str
    status_scheduled: str
    status_muted: str
    status_sending: str
    status_done: str
    status_missed: str
    status_cancelled: str
    preview_button: Annotated[str, Fields("n")]
    mute_button: Annotated[str, Fields("n")]
    unmute_button: Annotated[str, Fields("n")]
    reschedule_button: Annotated[str, Fields("n")]
    dates_button: Annotated[str, Fields("year")]
    back_button: str
    not_open: str
    muted: str
    unmuted: str
    reschedule_prompt: str
    send_now_button: str
    sending_now: str
    send_now_muted: str
    confirm_for: Annotated[str, Fields("n", "name", "period", "year")]
    confirm_early: Annotated[str, Fields("days", "year")]
    confirm_late: Annotated[str, Fields("year")]
    confirm_now_button: str
    confirm_time_button: str
    rescheduled: Annotated[str, Fields("when")]
    dates_prompt: Annotated[str, Fields("example", "name", "year")]
    dates_bad: Annotated[str, Fields("example", "year")]
    dates_set: Annotated[str, Fields("moved", "name", "period", "year")]
    dates_kept: Annotated[str, Fields("kept")]
    dates_late: Annotated[str, Fields("end", "n", "when")]
