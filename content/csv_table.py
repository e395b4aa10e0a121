"""A coordinator's CSV (the service-point directory, the village advisers): the file's text
(UTF-8, Excel's GBK, or UTF-16 as Excel's "Unicode 文本"), its header in Chinese or English,
and its rows by the line numbers Excel shows. What is no CSV at all (a picture, an Excel
workbook, a Word file) is said to be none, with the header the file should have."""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from content.check_text import check_text, listed
from content.problems import Problem

# Bytes no text file of a spreadsheet holds (multi-byte characters in UTF-8 and GBK never use
# them): a picture, a workbook or a document.
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Layout:
    """A kind of CSV (content/csv_headers.yaml): each field's accepted headers, its Chinese
    name first (compared after `header_key`), the fields a file must have, and the headers of
    columns left out (as `header_key` gives them)."""

    headers: Mapping[str, Sequence[str]]
    required: Sequence[str]
    ignored: frozenset[str]

    def expected(self) -> str:
        """The header line to write, in Chinese, the required columns first."""
        optional = [f for f in self.headers if f not in self.required]
        names = [self.headers[f][0] for f in (*self.required, *optional)]
        return check_text("csv.expected", required=",".join(names[: len(self.required)]),
                          optional=",".join(names[len(self.required) :]))  # fmt: skip


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it
    where: str  # "<file>:<number>", as problems name the row
    values: dict[str, str]  # each field's non-empty cell
    extra_cells: Problem | None  # cells past the header: the row cannot be read


def read_table(raw: bytes | str, name: str, layout: Layout) -> tuple[list[Row], list[Problem]]:
    """The file's rows (blank lines skipped), or no rows and the file's problems: not a CSV,
    unreadable, empty, a header naming columns it does not know, twice, or missing. A file
    with a header and no row has no problem here."""
    text = _decode(raw)
    if not isinstance(text, str):
        told = check_text("csv.not_csv", expected=layout.expected()) if text else ""
        return [], [Problem(name, "", told or check_text("csv.encoding"))]
    lines = list(csv.reader(io.StringIO(text)))
    start = next((i for i, line in enumerate(lines) if any(cell.strip() for cell in line)), None)
    if start is None:
        return [], [Problem(name, "", check_text("csv.empty"))]
    columns, problems = _columns(lines[start], name, layout)
    if problems:
        return [], problems
    rows: list[Row] = []
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if not any(cell.strip() for cell in line):
            continue
        where = f"{name}:{number}"
        extra = any(cell.strip() for cell in line[len(columns) :])
        cells = zip(columns, line, strict=False)
        values = {f: cell.strip() for f, cell in cells if f and cell.strip()}
        problem = Problem(where, "", check_text("csv.extra_cells")) if extra else None
        rows.append(Row(number, where, values, problem))
    return rows, []


def _decode(raw: bytes | str) -> str | bool:
    """The text; else True for a file that is no text at all (a picture, a workbook), False
    for text in an encoding it cannot read."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if raw.startswith(_UTF16_BOMS):
        encodings: tuple[str, ...] = ("utf-16",)
    elif _BINARY.search(raw):
        return True
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return False


def header_key(text: str) -> str:
    """A header as compared: full-width to ASCII, lower case, brackets, slashes and spaces
    removed (村（社区） -> 村社区)."""
    plain = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s()\[\]/\\、_-]+", "", plain)


def _columns(
    header: list[str], name: str, layout: Layout
) -> tuple[list[str | None], list[Problem]]:
    """The field of each column (None: ignored), or the header's problems."""
    lookup = {header_key(a): field for field, aliases in layout.headers.items() for a in aliases}
    columns: list[str | None] = []
    problems: list[Problem] = []
    for cell in header:
        key = header_key(cell)
        if not key or key in layout.ignored:
            columns.append(None)
            continue
        field = lookup.get(key)
        if field is None:
            unknown = check_text("csv.unknown_column", column=cell.strip())
            problems.append(Problem(name, "header", unknown))
        elif field in columns:
            repeated = check_text("csv.repeated_column", column=cell.strip())
            problems.append(Problem(name, "header", repeated))
        columns.append(field)
    missing = [f"{layout.headers[f][0]}({f})" for f in layout.required if f not in columns]
    if missing:
        text = check_text(
            "csv.missing_columns", columns=listed(missing), expected=layout.expected()
        )
        problems.append(Problem(name, "header", text))
    return columns, problems
