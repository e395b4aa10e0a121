"""The bot's HTTP client for the Bot API, on aiohttp instead of PTB's default httpx.

Why: on the per-update path the httpx stack (httpx, httpcore's pool walk, anyio, h11, the
form encoding) took about a quarter of the bot's CPU; aiohttp, already here for the web
server, does the same calls for a fraction of it (see README, Benchmarks). Requests without
files go as JSON bodies (Telegram accepts them), uploads as multipart forms as PTB sends them.

Behaviour kept from PTB's client: its default timeouts, proxies from HTTP(S)_PROXY, timeouts
raised as `TimedOut`, other transport failures as `NetworkError`, Telegram's status and body
handed back to PTB unchanged (it turns them into its errors and retries).

One change to what PTB reads: a lone surrogate (half an emoji, which a JSON escape such as
`\\ud83d` can carry though UTF-8 cannot) becomes U+FFFD, as bytes that are not UTF-8 already
do. Kept, it broke every write of that text: Telegram refuses the answer quoting it, the
database the question, and with it a whole batch of other people's questions.
"""

import json
import re
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput, UploadFileDict
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's HTTPXRequest defaults, so nothing about timing changes with the client.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
WRITE_TIMEOUT = 5.0
MEDIA_WRITE_TIMEOUT = 20.0
# The escape of a surrogate (U+D800-DFFF): where a JSON body can hold a lone one at all.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def load_json(payload: bytes) -> Any:
    """JSON from Telegram (an answer, or a webhook's update) with every lone surrogate in
    its strings replaced by U+FFFD; ValueError if it is not JSON."""
    data = json.loads(payload.decode("utf-8", "replace"))
    return _replaced(data) if _ESCAPED_SURROGATE.search(payload) else data


def _replaced(value: Any) -> Any:
    # json.loads has joined every escaped pair into one character: a surrogate left is lone.
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replaced(k): _replaced(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(item) for item in value]
    return value


class AiohttpRequest(BaseRequest):
    """A PTB request backend with at most `connections` connections open at once."""

    def __init__(self, connections: int) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return READ_TIMEOUT

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        try:
            data: JSONDict = load_json(payload)
        except ValueError as exc:  # as PTB's own: an answer that is not JSON
            raise TelegramError("Invalid server response") from exc
        return data

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            headers = {"User-Agent": self.USER_AGENT}
            self._session = aiohttp.ClientSession(
                connector=connector, headers=headers, trust_env=True
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data is not None else None
        write = _given(write_timeout, MEDIA_WRITE_TIMEOUT if files else WRITE_TIMEOUT)
        read = _given(read_timeout, READ_TIMEOUT)
        connect = _given(connect_timeout, CONNECT_TIMEOUT)
        pool = _given(pool_timeout, POOL_TIMEOUT)
        # aiohttp has no write timeout of its own: the whole call is bounded by all of them.
        timeout = aiohttp.ClientTimeout(
            total=_sum(pool, connect, write, read),
            connect=_sum(pool, connect),  # waiting for a free connection, then connecting
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, timeout=timeout, **_body(request_data, files)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are asyncio's TimeoutError
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _body(request_data: RequestData | None, files: UploadFileDict | None) -> dict[str, Any]:
    if request_data is None:
        return {}
    if not files:
        return {
            "data": json.dumps(request_data.parameters),
            "headers": {"Content-Type": "application/json"},
        }
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return {"data": form}


def _given(value: ODVInput[float], default: float) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _sum(*parts: float | None) -> float | None:
    """None (no limit) if any part is unlimited."""
    return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
