"""Texts of reach and results (the `engagement:` block of ui.zh.yaml): satisfaction votes,
case cards and the weekly case, QR codes of events, the evidence pack, star levels and
certificates. A missing key fails at start-up."""

from pydantic import BaseModel, ConfigDict


class EngagementTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # 满意度测评
    vote_up_button: str
    vote_down_button: str
    fallback_up_button: str
    fallback_down_button: str
    vote_thanks: str
    vote_changed: str
    vote_same: str
    stats_satisfaction: str
    stats_satisfaction_empty: str
    stats_satisfaction_town: str
    stats_satisfaction_month: str
    stats_most_down: str
    satisfaction_line: str
    down_line: str
    satisfaction_headers: dict[str, str]
    satisfaction_dimensions: dict[str, str]
    satisfaction_caption: str
    # 以案释法 and 一周一案
    case_button: str
    case_found_button: str
    case_law: str
    case_source: str
    case_footer: str
    case_card_button: str
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
    qr_created: str
    qr_event_when: str
    qr_welcome: str
    qr_topics_button: str
    event_rating_prompt: str
    event_up_button: str
    event_down_button: str
    audience_event: str
    reach_title: str
    reach_line: str
    reach_none: str
    reach_kinds: dict[str, str]
    stats_reach: str
    stats_reach_empty: str
    reach_headers: dict[str, str]
    reach_caption: str
    # the 考核 evidence pack
    evidence: dict[str, str]
    evidence_caption: str
    evidence_usage: str
