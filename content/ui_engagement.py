"""Texts of reach and results (the `engagement:` block of ui.zh.yaml): satisfaction votes,
case cards and the weekly case, QR codes of events, the evidence pack, star levels and
certificates. A missing key fails at start-up."""

from typing import Annotated

from content.texts import Fields, SaidOnce, Texts


class EngagementTexts(Texts):
    # 满意度测评
    vote_up_button: str
    vote_down_button: str
    fallback_up_button: str
    fallback_down_button: str
    vote_thanks: str
    vote_changed: str
    vote_same: str
    stats_satisfaction: Annotated[str, Fields("share", "votes")]
    stats_satisfaction_empty: str
    stats_satisfaction_town: str
    stats_satisfaction_month: str
    stats_most_down: str
    satisfaction_line: Annotated[str, Fields("name", "share", "votes")]
    down_line: Annotated[str, Fields("down", "name", "votes")]
    satisfaction_sheet: str
    satisfaction_headers: dict[str, str]
    satisfaction_dimensions: dict[str, str]
    satisfaction_caption: Annotated[str, Fields("period")]
    # 以案释法 and 一周一案
    case_button: str
    case_found_button: Annotated[str, Fields("title")]
    case_law: Annotated[str, Fields("law")]
    case_source: Annotated[str, Fields("source")]
    case_footer: Annotated[str, SaidOnce()]  # left out where the case gives 12348
    case_card_button: Annotated[str, Fields("title")]
    case_next_button: str
    case_subscribe_button: str
    case_unsubscribe_button: str
    case_subscribed: str
    case_unsubscribed: str
    case_weekly_title: str
    cases_intro: str
    case_groups_private: str
    unsubscribe_cases: str
    audience_cases: str
    # QR attribution and event ratings
    qr_usage: str
    qr_title_bad: str
    # a first word that is a date, but not one a code can have: none such, or out of range
    qr_date_invalid: Annotated[str, Fields("date")]  # the day as typed
    qr_date_range: Annotated[str, Fields("ahead", "date", "past")]
    qr_title_missing: Annotated[str, Fields("date")]  # the day as typed and a space, or ""
    # a title the poster would print nothing of (numbers it leaves off, emoji): as missing
    qr_title_off_poster: Annotated[str, Fields("date")]
    qr_numbers_hidden: str
    qr_poster_dropped: Annotated[str, Fields("chars")]  # what the poster's font cannot draw
    qr_place_empty: Annotated[str, Fields("command")]
    qr_place_unprintable: Annotated[str, Fields("command")]
    qr_place_too_long: Annotated[str, Fields("command", "most")]
    qr_poster_place: Annotated[str, Fields("place")]  # the caption's line; html-escaped
    qr_created: Annotated[str, Fields("title", "when")]
    qr_event_when: Annotated[str, Fields("date")]
    qr_welcome: Annotated[str, Fields("title")]
    qr_welcome_untitled: str  # the code's title was erased with its volunteer's data
    qr_report_button: str
    qr_report_list_button: Annotated[str, Fields("id")]
    qr_report_title: Annotated[str, Fields("day", "month", "place", "type")]
    qr_report_unknown: str
    qr_report_withdrawn: Annotated[str, Fields("id")]
    qr_mine_title: Annotated[str, Fields("page", "pages")]
    qr_mine_line: Annotated[str, Fields("n", "residents", "title", "when")]
    qr_mine_when: Annotated[str, Fields("date")]  # an event's day, after its title
    qr_mine_poster: str  # after a poster's title
    qr_mine_hint: str
    qr_mine_none: str
    qr_again_button: Annotated[str, Fields("n")]  # the number of its line
    qr_sent_again: Annotated[str, Fields("title", "when")]  # the caption's first line
    qr_topics_button: str
    qr_link_unknown: str  # /start ev_<code> of no code, with the topics button
    qr_poster_caption: str
    # the printable poster (documents/poster.py): no personal name or phone number on it
    poster_invitation: str
    poster_when: Annotated[str, Fields("day", "month", "year")]
    poster_hotline: Annotated[str, Fields("name", "number")]  # the number from hotlines.yaml
    poster_organiser: Annotated[str, Fields("town")]
    poster_organiser_default: str
    event_rating_prompt: Annotated[str, Fields("title")]
    event_up_button: str
    event_down_button: str
    audience_event: str
    reach_title: str
    reach_line: Annotated[
        str, Fields("kind", "questions", "quiz", "residents", "subscriptions", "title")
    ]
    reach_none: str
    reach_kinds: dict[str, str]
    stats_reach: Annotated[str, Fields("codes", "questions", "quiz", "residents", "subscriptions")]
    stats_reach_empty: str
    reach_sheet: str
    reach_headers: dict[str, str]
    reach_caption: Annotated[str, Fields("period")]
    # the 考核 evidence pack
    evidence: dict[str, str]
    evidence_title: Annotated[str, Fields("day", "year")]
    evidence_photo_ref: Annotated[str, Fields("id", "n")]
    evidence_caption: Annotated[str, Fields("year")]
    evidence_usage: str
    evidence_empty: Annotated[str, Fields("other", "year")]
    # volunteer recognition
    stars_line: Annotated[str, Fields("hours", "label")]
    stars_next: Annotated[str, Fields("label", "left")]
    stars_top: str
    stars_none: Annotated[str, Fields("first", "hours", "label")]
    certificate_usage: str
    certificate_none: Annotated[str, Fields("period")]
    certificate_caption: Annotated[str, Fields("code", "period")]
    certificate_title: str
    certificate_body: Annotated[str, Fields("activities", "end", "hours", "name", "start")]
    certificate_footer: str
    certificate_code: Annotated[str, Fields("code")]
    verify_found: Annotated[str, Fields("activities", "end", "hours", "issued", "name", "start")]
    verify_erased_name: str
    verify_records_same: str
    verify_records_changed: Annotated[str, Fields("activities", "hours")]
    verify_records_erased: str
    verify_missing: str
    verify_empty: str
    verify_malformed: str
    verify_usage: str
    tag_usage: Annotated[str, Fields("names")]
    tag_added: Annotated[str, Fields("id", "name")]
    tag_removed: Annotated[str, Fields("id", "name")]
    tag_no_report: Annotated[str, Fields("id")]
