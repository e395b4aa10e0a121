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
