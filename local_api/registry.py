"""How Bot API methods are declared: typed access to parameters and a table per module."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from local_api.errors import bad_request
from local_api.state import BotState


class Params:
    """Decoded request parameters with Telegram-style errors for missing or wrong ones."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)  # a string field that happened to look like a number
        raise bad_request(f"field {name!r} must be of type String")

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f"field {name!r} must be an Integer")
        try:
            return int(value)
        except ValueError as exc:
            raise bad_request(f"field {name!r} must be an Integer") from exc

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad_request(f"field {name!r} must be a Float number")
        return float(value)

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or value in ("true", "True", "1", 1)

    def obj(self, name: str) -> Any:
        """A JSON object or array parameter (already decoded, or a JSON string)."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise bad_request(f"can't parse {name} JSON object") from exc
        if value is not None and not isinstance(value, dict | list):
            raise bad_request(f"can't parse {name} JSON object")
        return value


Method = Callable[[BotState, Params], Awaitable[Any]]


class MethodTable:
    """Methods of one module, keyed case-insensitively as Telegram matches them."""

    def __init__(self) -> None:
        self._methods: dict[str, Method] = {}
        self.sending: set[str] = set()

    def register(self, name: str, *, sends: bool = False) -> Callable[[Method], Method]:
        """Declares ``name``; ``sends`` puts it under the flood limits (needs ``chat_id``)."""

        def decorate(impl: Method) -> Method:
            self._methods[name.lower()] = impl
            if sends:
                self.sending.add(name.lower())
            return impl

        return decorate

    def merge(self, *others: MethodTable) -> MethodTable:
        merged = MethodTable()
        for table in (self, *others):
            merged._methods.update(table._methods)
            merged.sending |= table.sending
        return merged

    def lookup(self, name: str) -> Method | None:
        return self._methods.get(name.lower())

    def __iter__(self) -> Iterator[str]:
        return iter(self._methods)
