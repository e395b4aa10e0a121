"""Texts of the dashboard (the `dashboard:` block of ui.zh.yaml): the one-time login link
/dashboard sends, and what the web pages say from code (refusals, mistakes in a form); the
pages' own words are in dashboard/templates/."""

from typing import Annotated

from content.texts import Fields, Texts


class DashboardTexts(Texts):
    link: Annotated[str, Fields("minutes", "url")]  # {url} {minutes}
    open_button: str
    standby: str
    login_first: str
    no_longer_coordinator: str
    bad_form: str
    bad_link: str
    coordinators_only: str
    logged_out: str
    end_before_start: str
    period_too_long: str
    unknown_town: str
    unknown_type: str
    unknown_topic: str
    no_report: str
    photo_failed: Annotated[str, Fields("error")]
    campaign_topic: Annotated[str, Fields("name")]
    no_volunteer: str
    pick_person: str
    empty: str
    pick_card: str
    pick_audience: str
    nobody: str
    past: str
    already: str
    too_long: Annotated[str, Fields("length")]
    check_input: str
    no_broadcast: str
    copied_message: str
    eta: Annotated[str, Fields("minutes", "seconds")]
    pick_question: str
    pick_keyword: str
    unknown_action: str
    pick_file: str
    file_too_big: str
    this_month: str
    this_year: str
    trend_title: str
    types_title: str
    towns_title: str
    no_town: str
    no_content_dir: str
