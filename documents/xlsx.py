"""A minimal streaming XLSX writer: sheets one after another, rows written as they come.

It exists for speed and memory: openpyxl (even write-only, with lxml) makes an object per cell
and took over 10 s to export 100,000 reports; this writes each chunk of rows as one string
straight into the compressed sheet entry (about 3.5 s for the same export). Strings are inline
(no shared-strings table to keep in memory), numbers are numbers, dates and datetimes are Excel
serial numbers with a date style, None and "" leave the cell empty. Standard library only, so
the bot needs no spreadsheet library at run time.
"""

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

Value = str | int | float | date | datetime | None

MAX_ROWS = 1_048_576  # Excel's limit; a longer sheet would not open
EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0
# Characters XML 1.0 cannot hold, even escaped.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Sheet names: at most 31 characters, none of these.
SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")

# Cell styles (indexes into cellXfs, see XFS) are 2 * kind + bold: general, date, date-time.
DATE, DATETIME = 2, 4
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return f"""{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
{overrides}<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""


ROOT_RELS = f"""{HEAD}<Relationships xmlns="{PKG_REL_NS}">\
<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""


def workbook_rels(sheets: int) -> str:
    """Sheets are rId1..rIdN, the styles rId<N+1>."""
    worksheets = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    return f'{HEAD}<Relationships xmlns="{PKG_REL_NS}">{worksheets}{styles}</Relationships>'


XFS = "".join(
    f'<xf numFmtId="{fmt}" fontId="{bold}" fillId="0" borderId="0" xfId="0"'
    f' applyNumberFormat="{int(fmt > 0)}" applyFont="{bold}"/>'
    for fmt in (0, 164, 165)  # general, date, date-time: styles 0-1, 2-3, 4-5
    for bold in (0, 1)
)
STYLES = f"""{HEAD}<styleSheet {NS}>\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="6">{XFS}</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


def sheet_name(title: str) -> str:
    """A name Excel accepts: no []:*?/\\, no apostrophe at either end, 1–31 characters."""
    name = SHEET_NAME_ILLEGAL.sub("", XML_ILLEGAL.sub("", title))[:31].strip("'")
    return name or "Sheet1"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def serial(value: date) -> float:
    """Excel's serial number of a date, or of a datetime's wall-clock time (Excel has no zones)."""
    days = value.toordinal() - EPOCH
    days -= 0 < days <= 60  # before March 1900, Excel counts a 29 February that never was
    if not isinstance(value, datetime):
        return days
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return days + seconds / 86400


def text(value: str) -> str:
    """Element content: legal characters, & < > escaped, carriage returns kept."""
    value = escape(XML_ILLEGAL.sub("", value))
    return value.replace("\r", "&#13;") if "\r" in value else value


class XlsxWriter:
    """Worksheets streamed into a zip in memory, one after another (`add_sheet` starts the
    next); `finish()` returns the file's bytes."""

    def __init__(self, title: str) -> None:
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)
        self._titles: list[str] = []
        self._sheet: Any = None
        self.add_sheet(title)

    def add_sheet(self, title: str) -> None:
        """Ends the current sheet and starts the next (names made unique as Excel needs)."""
        self._end_sheet()
        name, n = sheet_name(title), 1
        while name.lower() in (t.lower() for t in self._titles):
            n += 1
            name = f"{sheet_name(title)[: 31 - len(str(n)) - 1]}~{n}"
        self._titles.append(name)
        self._sheet = self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w")
        self._sheet.write(f"{HEAD}<worksheet {NS}><sheetData>".encode())
        self._rows = 0
        self._columns: list[str] = []

    def _end_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.write(b"</sheetData></worksheet>")
            self._sheet.close()
            self._sheet = None

    def add_rows(self, rows: Iterable[Sequence[Value]], *, bold: bool = False) -> None:
        """Append rows (one compressed write per call); `bold` for a header."""
        parts: list[str] = []
        for row in rows:
            self._rows += 1
            if self._rows > MAX_ROWS:
                raise ValueError(f"an XLSX sheet holds at most {MAX_ROWS} rows")
            while len(self._columns) < len(row):
                self._columns.append(column_letter(len(self._columns)))
            parts.append(f'<row r="{self._rows}">')
            for letter, value in zip(self._columns, row, strict=False):
                if value is not None and value != "":
                    parts.append(self._cell(f"{letter}{self._rows}", value, int(bold)))
            parts.append("</row>")
        self._sheet.write("".join(parts).encode())

    @staticmethod
    def _cell(ref: str, value: Value, bold: int) -> str:
        style = f' s="{bold}"' if bold else ""
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
        if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        if isinstance(value, date):
            kind = DATETIME if isinstance(value, datetime) else DATE
            return f'<c r="{ref}" s="{kind + bold}"><v>{serial(value)}</v></c>'
        value = str(value)  # text, and inf or nan, which Excel cannot hold as numbers
        # Without xml:space="preserve", Excel trims leading and trailing spaces.
        space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
        return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text(value)}</t></is></c>'

    def finish(self) -> bytes:
        """Close the sheets and the zip; the writer cannot be used afterwards."""
        self._end_sheet()
        count = len(self._titles)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(self._titles, 1)
        )
        workbook = f'{HEAD}<workbook {NS} xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>'
        for path, xml in (
            ("[Content_Types].xml", content_types(count)),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels(count)),
            ("xl/styles.xml", STYLES),
        ):
            self._zip.writestr(path, xml)
        self._zip.close()
        return self._out.getvalue()
