"""Logging: one line per record, plain text by default or one JSON object per line
(PUFA_LOG_FORMAT=json), with httpx's per-request chatter turned down.

What residents write never reaches a log at INFO or above: handlers log only ids and kinds
(handlers.kit.errors.describe), SQL parameters are hidden from database errors
(storage.db), and as a last guard every line has phone- and ID-number-like digit runs masked."""

import json
import logging
from datetime import UTC, datetime
from typing import Literal

from content.privacy import mask_personal_numbers


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_numbers(super().format(record))


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message"[, "error"]} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_numbers(record.getMessage()),
        }
        if record.exc_info:
            entry["error"] = mask_personal_numbers(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class AsDetail(logging.Filter):
    """A logger's INFO records passed down to DEBUG: shown only where DEBUG is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


_AS_DETAIL = AsDetail()


def setup_logging(level: str = "INFO", style: Literal["plain", "json"] = "plain") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if style == "json" else PlainFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin
    # a line per migration with its docstring: storage.db logs one summary line at INFO
    logging.getLogger("alembic.runtime.migration").addFilter(_AS_DETAIL)
