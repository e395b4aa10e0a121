"""Texts of the dashboard's chat side (the `dashboard:` block of ui.zh.yaml): the one-time
login link /dashboard sends."""

from typing import Annotated

from content.texts import Fields, Texts


class DashboardTexts(Texts):
    link: Annotated[str, Fields("minutes", "url")]  # {url} {minutes}
    open_button: str
