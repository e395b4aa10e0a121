"""Runtime configuration, read once from the environment (and an optional `.env`)."""

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/pufa.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PUFA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Shanghai"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    content_dir: Path | None = None
    seeds_dir: Path | None = None
    log_level: str = "INFO"
    # Questions per user per minute before the bot politely asks them to slow down.
    user_rate_per_minute: int = Field(default=20, ge=1)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def api_file_url(self) -> str:
        """PTB's `base_file_url` for the same server (…/bot -> …/file/bot)."""
        base = self.api_base_url.rstrip("/")
        return (base[: -len("/bot")] if base.endswith("/bot") else base) + "/file/bot"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None
