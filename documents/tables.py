"""Tables as CSV or XLSX (documents.xlsx, streamed), safe to open in any spreadsheet program.

In CSV a cell a spreadsheet program would run as a formula (text starting with = + - @, or a
tab or carriage return that hides one) gets a leading single quote. XLSX needs none: its text
cells are text, never formulas, so a phone number like +86... shows as it is. Control
characters XML cannot hold are dropped.
"""

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal, NamedTuple

from documents.xlsx import XlsxWriter

Format = Literal["xlsx", "csv"]
Cell = str | int | float | date | datetime | None
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML (so XLSX) cannot hold; the same set openpyxl refuses.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: str) -> str:
    """Text that cannot run as a formula in Excel, WPS or LibreOffice."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _safe(value: Cell, *, quote: bool) -> Cell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS.sub("", value)
        return neutralise(value) if quote else value
    return value


class Table(NamedTuple):
    """A finished export: the file, and how many records it lists (0: nothing was recorded
    then, which the chat, the CLI and the dashboard say in words instead of sending a file of
    headers only)."""

    data: bytes
    rows: int


class TableWriter:
    """One sheet, appended to in chunks, then `finish()`ed into the file's bytes; `rows`
    counts what was added under the headers."""

    def __init__(self, fmt: Format, title: str, headers: Sequence[str]) -> None:
        self.fmt = fmt
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._xlsx = XlsxWriter(title) if fmt == "xlsx" else None
        self.rows = 0
        self._write([list(headers)], bold=True)

    def add_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        self.rows += len(rows)
        self._write(rows, bold=False)

    def _write(self, rows: Sequence[Sequence[Cell]], *, bold: bool) -> None:
        quote = self._xlsx is None  # only CSV cells can turn into formulas
        safe = [[_safe(value, quote=quote) for value in row] for row in rows]
        if self._xlsx is not None:
            self._xlsx.add_rows(safe, bold=bold)
            return
        for cells in safe:
            self._csv.writerow(["" if c is None else _csv_text(c) for c in cells])

    def finish(self) -> bytes:
        if self._xlsx is not None:
            return self._xlsx.finish()
        # With a byte-order mark, Excel opens UTF-8 Chinese text correctly.
        return self._text.getvalue().encode("utf-8-sig")

    def table(self) -> Table:
        """`finish()` with the count of rows."""
        return Table(self.finish(), self.rows)


def _csv_text(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else str(value)
