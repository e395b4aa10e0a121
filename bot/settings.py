"""Runtime configuration, read once from the environment (and an optional `.env`).

An empty variable means its default. A value that cannot be used is refused at load with one
line per variable that says what it should be, and so is a PUFA_ name that is no setting (a
misspelling), with the setting it is closest to (`load_settings`, `ConfigurationError`)."""

import difflib
import inspect
import io
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from annotated_types import Ge, Gt, Le
from dotenv.parser import parse_stream
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.cli_text import cli_text
from storage.db import masked_url

TELEGRAM_API = "https://api.telegram.org/bot"
ENV_FILE = ".env"  # in the folder the command runs in
PREFIX = "PUFA_"  # of every setting's variable
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/pufa.db"
DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# What Telegram accepts as a webhook's secret token.
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A PostgreSQL schema name as the bot uses it (unquoted in search_path): at most 63 bytes.
SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
# PUFA_WEB_HOST values that listen on every address (none of them is one a browser can
# open everywhere), and the address a browser on this machine reaches them at.
EVERY_ADDRESS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}


class ConfigurationError(Exception):
    """A setting the operator must fix; the message (Chinese) says which and how."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    bot_token: SecretStr | None = None
    api_base_url: str = TELEGRAM_API
    bot_username: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    database_schema: str | None = None  # PostgreSQL: this bot's schema (several districts)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Shanghai"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    webhook_drop_pending: bool = False  # drop the updates Telegram queued while the bot was down
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    metrics_token: SecretStr | None = None  # if set, /metrics wants `Authorization: Bearer …`
    # How often a standby tries to become active, and the active one checks it still is.
    lock_check_seconds: float = Field(default=1.0, gt=0, le=60)
    content_dir: Path | None = None
    # The coordinators' dashboard: the address its login links use (behind a reverse proxy,
    # e.g. https://pufa.example.org); default http://PUFA_WEB_HOST:PUFA_WEB_PORT.
    public_url: str | None = None
    dashboard_link_minutes: int = Field(default=10, ge=1, le=60)
    dashboard_session_hours: int = Field(default=8, ge=1, le=24 * 30)
    seeds_dir: Path | None = None
    # The search index built from the content, cached here (default: ~/.cache/pufa-bot).
    cache_dir: Path | None = None
    log_level: str = "INFO"
    log_format: Literal["plain", "json"] = "plain"
    # Questions per user per minute before the bot politely asks them to slow down.
    user_rate_per_minute: int = Field(default=20, ge=1)
    # Volunteers' activity reports (issue 3).
    report_edit_window_days: int = Field(default=7, ge=0)  # edit or withdraw a report this long
    report_max_age_days: int = Field(default=60, ge=1)  # oldest activity date accepted
    report_notify: Literal["each", "digest", "off"] = "each"  # coordinators' new-report alerts
    report_digest_hour: int = Field(default=18, ge=0, le=23)  # local hour of the daily digest
    report_timeout_minutes: int = Field(default=120, ge=1)  # an idle draft is discarded after
    invite_valid_days: int = Field(default=30, ge=1, le=365)
    chart_font: Path | None = None  # a CJK font file for chart labels (else found or pinyin)

    # Broadcasts and reminders (issue 4). Telegram's limits: raise the rate for paid broadcasts.
    broadcast_rate_per_second: float = Field(default=30, gt=0, le=1000)
    broadcast_private_per_second: int = Field(default=1, ge=1)
    broadcast_group_per_minute: int = Field(default=20, ge=1)
    broadcast_grace_minutes: int = Field(default=30, ge=0)  # a time missed while down: send late
    broadcast_poll_seconds: float = Field(default=30, gt=0)  # periodic due-check
    broadcast_progress_seconds: float = Field(default=3, gt=0)  # progress message updates
    # Broadcast requests on the wire at once; also the most a crash can leave "uncertain".
    broadcast_max_in_flight: int = Field(default=16, ge=1, le=1000)
    # While Telegram answers with server errors, sending pauses 2 s, 4 s, 8 s ... up to this.
    broadcast_outage_max_seconds: float = Field(default=3600, ge=1)
    # Also pace replies to one private chat at its rate (for servers that enforce it strictly).
    pace_private_replies: bool = False
    volunteer_reminder_day: int = Field(default=25, ge=0, le=31)  # 0: no month-end reminder
    volunteer_reminder_hour: int = Field(default=10, ge=0, le=23)
    weekly_case_day: int = Field(default=5, ge=0, le=7)  # ISO weekday of 一周一案; 0: none
    weekly_case_hour: int = Field(default=19, ge=0, le=23)
    # Residents' messages to duty staff (issue 14): how often unanswered ones are looked for.
    ticket_check_seconds: float = Field(default=60, gt=0)

    # The validators' ValueError says what the value should be (see `_problem`).

    @field_validator("*", mode="before")
    @classmethod
    def _choice_in_any_case(cls, value: object, info: ValidationInfo) -> object:
        """A choice is taken in any case (`Digest`, `JSON`), as PUFA_LOG_LEVEL is; the
        choices themselves are all lower case."""
        annotation = cls.model_fields[str(info.field_name)].annotation
        if isinstance(value, str) and get_origin(annotation) is Literal:
            return value.lower()
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        # "111111 222222" is two ids run together, never the one id 111111222222
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValueError(cli_text("config.admin_ids"))
        return frozenset(int(part) for part in parts)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(cli_text("config.timezone")) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(cli_text("config.log_level"))
        return value.upper()

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(cli_text("config.webhook_secret"))
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_address(cls, value: str | None) -> str | None:
        if value is not None and not _web_address(value):
            raise ValueError(cli_text("config.webhook_url"))
        return value

    @field_validator("api_base_url")
    @classmethod
    def _api_address(cls, value: str) -> str:
        # else the first request fails with aiohttp's words, the token in the address
        if not _web_address(value):
            raise ValueError(cli_text("config.api_base_url"))
        return value

    @field_validator("public_url")
    @classmethod
    def _public_address(cls, value: str | None) -> str | None:
        if value is not None and not _web_address(value):
            raise ValueError(cli_text("config.public_url"))
        return value

    @field_validator("database_schema")
    @classmethod
    def _schema_name(cls, value: str | None) -> str | None:
        if value is not None and not SCHEMA_NAME.fullmatch(value):
            raise ValueError(cli_text("config.database_schema"))
        return value

    @field_validator("content_dir")
    @classmethod
    def _content_folder(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.expanduser().is_dir():
            raise ValueError(cli_text("config.content_dir"))
        return value.expanduser()

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(cli_text("config.database_url")) from None
        if url.drivername not in DATABASE_DRIVERS:
            raise ValueError(cli_text("config.database_url"))
        if url.port is not None and not 1 <= url.port <= 65535:
            raise ValueError(cli_text("config.database_port"))
        if url.drivername.startswith("sqlite") and url.database in (None, "", ":memory:"):
            raise ValueError(cli_text("config.database_file"))
        if unknown := _unknown_arguments(url):
            names = "、".join(f"?{name}" for name in unknown)
            raise ValueError(cli_text("config.database_query", names=names))
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def api_file_url(self) -> str:
        """PTB's `base_file_url` for the same server (…/bot -> …/file/bot)."""
        base = self.api_base_url.rstrip("/")
        return (base[: -len("/bot")] if base.endswith("/bot") else base) + "/file/bot"

    def public_base(self, *, on_this_machine: bool = False) -> str | None:
        """The dashboard's address for coordinators' browsers: PUFA_PUBLIC_URL, else this
        machine's web port. When the web app listens on every address (0.0.0.0) and
        PUFA_PUBLIC_URL is not set, no address of this machine is known to reach it: None,
        unless the browsers are `on_this_machine` (the demo's), which reach it at loopback."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.web_host in EVERY_ADDRESS and not on_this_machine:
            return None
        return local_address(self.web_host, self.web_port)

    @property
    def cache_path(self) -> Path:
        """PUFA_CACHE_DIR, else $XDG_CACHE_HOME/pufa-bot, else ~/.cache/pufa-bot."""
        if self.cache_dir is not None:
            return self.cache_dir
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pufa-bot"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None


SETTING_NAMES = [name.upper() for name in Settings.model_fields]  # without PREFIX
# PUFA_ names that this repository's tests and benchmarks read, not the bot
OTHER_TOOLS_NAMES = frozenset({"PUFA_TEST_DATABASE_URL"})
KNOWN_NAMES = frozenset(PREFIX + name for name in SETTING_NAMES) | OTHER_TOOLS_NAMES


def _unknown_arguments(url: URL) -> list[str]:
    """What a PostgreSQL address takes after its ? that neither asyncpg.connect (as
    SQLAlchemy passes it) nor SQLAlchemy knows: the first connection would stop with a
    TypeError (libpq's ?sslmode=require is asyncpg's ?ssl=require). SQLite's: not checked."""
    if not url.drivername.startswith("postgresql"):
        return []
    import asyncpg  # type: ignore[import-untyped]  # only for such an address

    taken = set(inspect.signature(asyncpg.connect).parameters) - {"dsn", "loop"}
    return sorted(set(url.query) - taken - {"prepared_statement_cache_size"})


def local_address(host: str, port: int) -> str:
    """The web address of HOST:PORT for a browser on this machine: a host that listens on
    every address is reached at the loopback address of its family (127.0.0.1, [::1])."""
    return f"http://{EVERY_ADDRESS.get(host, host)}:{port}"


def _web_address(value: str) -> bool:
    """Whether `value` is an http(s) address with a host (and a port, if any, a number)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def load_settings() -> Settings:
    """The settings; ConfigurationError names every variable that cannot be used, every
    PUFA_ name that is no setting (a misspelling would leave the one meant at its default,
    unnoticed), or the line of `.env` that cannot be read (python-dotenv would skip it with a
    warning in English, leaving its variable at the default, and fail on a file that is not
    UTF-8)."""
    path = Path(ENV_FILE)
    names, problem = _env_file_names(path)
    if problem:
        raise ConfigurationError(problem)
    problems = _unknown_names(os.environ, names, path)
    try:
        settings = Settings()
    except ValidationError as error:
        problems += [_problem(e) for e in error.errors()]
    if problems:
        raise ConfigurationError("\n".join(problems))
    return settings


def _env_file_names(path: Path) -> tuple[dict[str, int], str | None]:
    """The names the `.env` file the settings read sets, each with its line; or what is
    wrong with the file."""
    try:
        raw = path.read_bytes()
    except OSError:  # none there (a file that cannot be read is refused by pydantic-settings)
        return {}, None
    where = path.absolute()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:  # Notepad's "ANSI" on a Chinese Windows: GBK
        line = raw[: error.start].count(b"\n") + 1
        return {}, cli_text("config.env_not_utf8", path=where, line=line)
    bindings = list(parse_stream(io.StringIO(text)))
    if bad := next((b for b in bindings if b.error), None):
        # the line's number only: it may hold a token or a password
        return {}, cli_text("config.env_line", path=where, line=bad.original.line)
    return {b.key: b.original.line for b in bindings if b.key}, None


def _unknown_names(
    environment: Iterable[str], env_file: Mapping[str, int], path: Path
) -> list[str]:
    """A line for each PUFA_ name of the environment or the `.env` file that is no setting
    (names are read in any case, as pydantic-settings reads them), with the setting it is
    closest to; never its value, which may be a secret."""
    lines = [
        _unknown(name, cli_text("config.in_environment"))
        for name in environment
        if _is_unknown(name)
    ]
    return lines + [
        _unknown(name, cli_text("config.in_env_file", path=path.absolute(), line=line))
        for name, line in env_file.items()
        if _is_unknown(name)
    ]


def _is_unknown(name: str) -> bool:
    return name.upper().startswith(PREFIX) and name.upper() not in KNOWN_NAMES


def _unknown(name: str, where: str) -> str:
    close = difflib.get_close_matches(name.upper().removeprefix(PREFIX), SETTING_NAMES, n=1)
    if not close:
        return cli_text("config.unknown_far", variable=name, where=where)
    meant = PREFIX + close[0]
    return cli_text("config.unknown", variable=name, where=where, meant=meant)


def _problem(error: ErrorDetails) -> str:
    name = str(error["loc"][0])  # every check is of one field
    field = Settings.model_fields[name]
    ctx = error.get("ctx", {})
    if error["type"] == "value_error" and "error" in ctx:  # our validators say it themselves
        expected = str(ctx["error"])
    else:
        expected = _expected(field.annotation, field.metadata)
    shown = _shown(name, field.annotation, error["input"])
    return cli_text(
        "config.problem", variable=f"PUFA_{name.upper()}", expected=expected, shown=shown
    )


def _expected(annotation: Any, metadata: list[Any]) -> str:
    """What a field's type and bounds accept, in words."""
    if get_origin(annotation) is Literal:
        return cli_text("config.one_of", choices="、".join(str(c) for c in get_args(annotation)))
    if annotation is bool:
        return cli_text("config.boolean")
    noun = cli_text("config.integer" if annotation is int else "config.number")
    low = next((m for m in metadata if isinstance(m, Ge | Gt)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if isinstance(low, Ge) and high is not None:
        return cli_text("config.between", low=low.ge, high=high, noun=noun)
    words = [cli_text("config.at_least", bound=low.ge)] if isinstance(low, Ge) else []
    words += [cli_text("config.above", bound=low.gt)] if isinstance(low, Gt) else []
    words += [cli_text("config.at_most", bound=high)] if high is not None else []
    return cli_text("config.bounded", bounds="、".join(words), noun=noun) if words else noun


def _shown(name: str, annotation: Any, value: object) -> str:
    """The value as it was given, for the message; never a secret, never a password."""
    if SecretStr in (annotation, *get_args(annotation)):
        return ""
    text = str(value)
    if name == "database_url" and "@" in text:  # as written when it can hold no password
        text = masked_url(text)
    return cli_text("config.shown", value=text)
