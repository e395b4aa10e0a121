"""Texts of reach and results (the `engagement:` block of ui.zh.yaml): satisfaction votes,
case cards and the weekly case, QR codes of events, the evidence pack, star levels and
certificates. A missing key fails at start-up."""

from typing import Annotated

from content.texts import Fields, Texts


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
    satisfaction_headers: dict[str, str]
    satisfaction_dimensions: dict[str, str]
    satisfaction_caption: Annotated[str, Fields("period")]
