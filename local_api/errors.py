"""Errors the fake Bot API answers with, worded as Telegram words them.

PTB turns the HTTP status and ``description`` into its exception classes (400 ->
``BadRequest``, 403 -> ``Forbidden``, 429 + ``retry_after`` -> ``RetryAfter``), so the
wording matters only to code that inspects messages, which real bots do
("message is not modified", "bot was blocked by the user").
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters = {
            "retry_after": self.retry_after,
            "migrate_to_chat_id": self.migrate_to_chat_id,
        }
        if any(value is not None for value in parameters.values()):
            body["parameters"] = {k: v for k, v in parameters.items() if v is not None}
        return body


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403 with Telegram's ``Forbidden:`` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 as Telegram sends it when a flood limit is hit."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def chat_migrated(new_chat_id: int) -> ApiError:
    """400 for a group upgraded to a supergroup: the new id is in ``parameters``."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=new_chat_id,
    )


def parse_error(reason: str) -> ApiError:
    """400 for text whose markup (HTML, MarkdownV2, Markdown) Telegram rejects."""
    return bad_request(f"can't parse entities: {reason}")


NOT_FOUND = ApiError(404, "Not Found")
BAD_GATEWAY = ApiError(502, "Bad Gateway")
UNAUTHORIZED = ApiError(401, "Unauthorized")
CHAT_NOT_FOUND = "chat not found"
