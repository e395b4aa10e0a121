"""The one declared place of each text's placeholders, shared by the code and the check.

A text model field is declared `Annotated[str, Fields("name", ...)]` with the names the code
passes to `.format()`; a plain `str` field takes none. Loading the YAML checks each text
against its declaration (`content.templates.template_problem`: placeholders and Telegram
HTML), and every loaded text is a `Text` whose `.format()` refuses keyword names other than
the declared ones, so a test that reaches the call fails if code and declaration drift.
"""

from collections.abc import Iterable, Iterator
from typing import Any, get_origin

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from content.check_text import check_text, listed
from content.mentions import stubborn
from content.templates import placeholders, template_problem


class Fields:
    """Annotation marker: the keyword names the code passes when it formats this text."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)


class SaidOnce:
    """Annotation marker: a text that follows others which may give its hotline number (a
    footer, a last line): each mention of a number in it must be one content.mentions can
    leave out, or the message says the number twice."""


class AllFields:
    """Annotation marker: a text that must use every one of its declared fields (a date
    pattern without its {day} would name no day)."""


class TextFieldsError(TypeError):
    """Code formatted a text with other fields than the ones declared for it."""


class Text(str):
    """A text of ui.zh.yaml that knows its key and its declared fields."""

    key: str
    fields: frozenset[str]

    def __new__(cls, value: str, key: str, fields: frozenset[str]) -> "Text":
        text = super().__new__(cls, value)
        text.key = key
        text.fields = fields
        return text

    def __getnewargs__(self) -> tuple[str, str, frozenset[str]]:  # type: ignore[override]
        """Copies and pickles keep the key and the declared fields."""
        return str(self), self.key, self.fields

    def format(self, *args: object, **kwargs: object) -> str:
        given = frozenset(kwargs)
        if args or given != self.fields:
            raise TextFieldsError(
                f"text {self.key!r} is declared with fields {sorted(self.fields)} "
                f"but formatted with {sorted(given)}{' and positional arguments' if args else ''}"
            )
        return str.format(self, **kwargs)


class Texts(BaseModel):
    """Base of the text models: every str (or dict of str) field is checked and wrapped."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _templates(cls, value: Any, info: ValidationInfo) -> Any:
        key = info.field_name or ""
        fields = declared(cls, key)
        if isinstance(value, str):
            if _marked(cls, key, SaidOnce) and (kept := stubborn(value)):
                number = kept[0]
                raise ValueError(check_text("templates.said_once", number=number))
            text = _text(value, key, fields)
            if _marked(cls, key, AllFields) and (missing := fields - set(placeholders(text))):
                shown = listed(f"{{{name}}}" for name in sorted(missing))
                raise ValueError(check_text("templates.missing_placeholder", shown=shown))
            return text
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return {k: _text(v, f"{key}.{k}", fields) for k, v in value.items()}
        return value


def _text(value: str, key: str, fields: frozenset[str]) -> Text:
    problem = template_problem(value, fields)
    if problem:
        raise ValueError(problem)
    return Text(value, key, fields)


def declared(model: type[BaseModel], key: str) -> frozenset[str]:
    """The fields declared for `model.key` (empty for a plain text)."""
    info = model.model_fields.get(key)
    markers = [m for m in info.metadata if isinstance(m, Fields)] if info else []
    return markers[0].names if markers else frozenset()


def _marked(model: type[BaseModel], key: str, marker: type) -> bool:
    info = model.model_fields.get(key)
    return info is not None and any(isinstance(m, marker) for m in info.metadata)


def declarations(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, frozenset[str]]]:
    """(dotted key, declared fields) of every text of `model` and its nested text models."""
    for key, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from declarations(annotation, f"{prefix}{key}.")
        elif annotation is str or get_origin(annotation) is dict:
            yield f"{prefix}{key}", declared(model, key)


def exact_keys(name: str, given: Iterable[str], wanted: Iterable[str]) -> None:
    """A text table keyed by the code's own ids (states, reasons, groups ...) has each of them
    and no other: raises the content check's message otherwise."""
    wanted = tuple(wanted)
    if set(given) != set(wanted):
        raise ValueError(check_text("templates.exact_keys", name=name, keys=", ".join(wanted)))
