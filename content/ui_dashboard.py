"""Texts of the dashboard's chat side (the `dashboard:` block of ui.zh.yaml): the one-time
login link /dashboard sends."""

from pydantic import BaseModel, ConfigDict


class DashboardTexts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    link: str  # {url} {minutes}
    open_button: str
