"""Writing tables as CSV, XLSX and JSON for people who open them in a spreadsheet.
No knowledge of ideas or projects here: `exports.py` says what goes in the tables.

- CSV is written for German Excel, which most offices open it with: UTF-8 with a BOM
  (without it Excel reads Windows-1252 and mangles umlauts), semicolons (Excel in the
  German locale splits on ";", since the comma is the decimal separator), decimal commas
  without thousands separators ("1250000,00", "3,67") and ISO dates ("2026-11-26"),
  which German Excel and LibreOffice both take as dates. A CSV holds one table only:
  the first, one row per idea or project.
- Every CSV cell that begins with = + - @, a tab or a carriage return gets a leading
  apostrophe, so a spreadsheet shows it as text and never runs it as a formula (OWASP
  "CSV injection"). XLSX writes such text as a text cell, which Excel never evaluates,
  so it keeps its exact wording there.
- XLSX (openpyxl, write-only mode: rows stream into the file): real date cells shown
  DD.MM.YYYY, numbers as numbers, money as '#,##0.00 "€"', a bold, frozen header row
  with a filter, and fixed column widths.
- JSON: ISO dates, money and other decimals as strings ("1250000.00") so no precision
  is lost, means as numbers; the detail tables are nested in their main row.
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..templating import format_number
from ..timeutil import utcnow

# Column kinds: how a value is written in each format.
TEXT, INT, DATE, MONEY, DECIMAL, MEAN, LIST, BOOL = [
    "text",
    "int",
    "date",
    "money",
    "decimal",
    "mean",
    "list",
    "bool",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767  # characters; Excel "repairs" (cuts) longer cells
PROGRESS_STEP = 500
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
NUMBER_FORMATS = {DATE: "DD.MM.YYYY", MONEY: '#,##0.00 "€"', DECIMAL: "0.00", MEAN: "0.00"}
HEADER_FONT = Font(name="Calibri", size=11, bold=True)  # the default font, bold
CENT = Decimal("0.01")

Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key
    header: str  # the spreadsheet header
    kind: str = TEXT
    width: int = 14  # XLSX column width in characters


@dataclass
class Table:
    """One sheet. A detail table (funding of projects, ...) starts with `reference`
    columns naming its main row, the main row's id first: spreadsheets repeat them on
    every row, JSON nests the row in its main row instead (under `key`)."""

    name: str
    key: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    reference: int = 0


@dataclass
class Export:
    kind: str  # "ideas" or "projects"
    tables: list[Table]  # the first has one row per idea or project; the rest are details

    @property
    def count(self) -> int:
        return len(self.tables[0].rows)


def write(export: Export, fmt: str, stream, progress: Progress = None) -> None:
    """Write the export as `fmt` ("csv", "xlsx", "json") to a binary stream;
    `progress(n)` hears of every n rows of the first table done."""
    WRITERS[fmt](export, stream, progress)


def _steps(rows: list, progress: Progress):
    """The rows, reporting to `progress` every PROGRESS_STEP rows and at the end."""
    for number, row in enumerate(rows, 1):
        yield row
        if progress and number % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    if progress and len(rows) % PROGRESS_STEP:
        progress(len(rows) % PROGRESS_STEP)


def neutralise(text: str) -> str:
    """A cell a spreadsheet would take for a formula gets a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _decimal_comma(value) -> str:
    return format_number(value, 2, grouping=False)


def _joined(values) -> str:
    return "; ".join(str(value) for value in values)


CSV_CELLS: dict[str, Callable] = {
    TEXT: str,
    INT: str,
    DATE: date.isoformat,
    MONEY: _decimal_comma,
    DECIMAL: _decimal_comma,
    MEAN: _decimal_comma,
    LIST: _joined,
    BOOL: lambda value: "ja" if value else "nein",
}


def write_csv(export: Export, stream, progress: Progress = None) -> None:
    table = export.tables[0]
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(column.header) for column in table.columns])
    cells = [CSV_CELLS[column.kind] for column in table.columns]
    for row in _steps(table.rows, progress):
        writer.writerow(
            [
                "" if value is None else neutralise(cell(value))
                for cell, value in zip(cells, row, strict=True)
            ]
        )
    text.flush()
    text.detach()  # leave the caller's stream open


def _xlsx_text(sheet, value: str):
    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]
    if value.startswith("=") or value in ERROR_CODES:
        # openpyxl would store these as a formula or an error value: keep them text
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value or None


def _xlsx_formatted(kind: str):
    number_format = NUMBER_FORMATS[kind]

    def cell(sheet, value):
        formatted = WriteOnlyCell(sheet, value)
        formatted.number_format = number_format
        return formatted

    return cell


XLSX_CELLS: dict[str, Callable] = {
    TEXT: _xlsx_text,
    INT: lambda sheet, value: value,
    DATE: _xlsx_formatted(DATE),
    MONEY: _xlsx_formatted(MONEY),
    DECIMAL: _xlsx_formatted(DECIMAL),
    MEAN: _xlsx_formatted(MEAN),
    LIST: lambda sheet, values: _xlsx_text(sheet, _joined(values)),
    BOOL: lambda sheet, value: "ja" if value else "nein",
}


def write_xlsx(export: Export, stream, progress: Progress = None) -> None:
    workbook = Workbook(write_only=True)
    for number, table in enumerate(export.tables):
        sheet = workbook.create_sheet(table.name)
        _prepare_sheet(sheet, table)
        sheet.append([_header_cell(sheet, column.header) for column in table.columns])
        cells = [XLSX_CELLS[column.kind] for column in table.columns]
        for row in _steps(table.rows, progress if number == 0 else None):
            sheet.append(
                [
                    None if value is None else cell(sheet, value)
                    for cell, value in zip(cells, row, strict=True)
                ]
            )
    workbook.save(stream)


def _prepare_sheet(sheet, table: Table) -> None:
    """Widths, the frozen header and the filter must be set before the first row."""
    for index, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"


def _header_cell(sheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, header)
    cell.font = HEADER_FONT
    return cell


def _json_decimal(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


JSON_VALUES: dict[str, Callable] = {
    TEXT: str,
    INT: int,
    DATE: date.isoformat,
    MONEY: _json_decimal,
    DECIMAL: _json_decimal,
    MEAN: float,
    LIST: list,
    BOOL: bool,
}


def _json_rows(table: Table, rows) -> list[dict]:
    values = [(column.key, JSON_VALUES[column.kind]) for column in table.columns]
    return [
        {
            key: None if value is None else convert(value)
            for (key, convert), value in zip(values, row, strict=True)
        }
        for row in rows
    ]


def documents(export: Export, progress: Progress = None) -> dict:
    """The JSON document: one object per row of the first table, each with its
    detail rows (a project's funding, milestones, updates, ideas) nested inside."""
    main, *details = export.tables
    nested: dict[str, dict[int, list]] = {}
    for table in details:
        by_main: dict[int, list] = defaultdict(list)
        for row, item in zip(table.rows, _json_rows(table, table.rows), strict=True):
            for column in table.columns[: table.reference]:
                del item[column.key]
            by_main[row[0]].append(item)
        nested[table.key] = by_main
    items = _json_rows(main, _steps(main.rows, progress))
    for item in items:
        for key, by_main in nested.items():
            item[key] = by_main.get(item["id"], [])
    exported_at = utcnow().replace(microsecond=0).isoformat() + "Z"
    return {"exported_at": exported_at, "count": len(items), main.key: items}


def write_json(export: Export, stream, progress: Progress = None) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    json.dump(documents(export, progress), text, ensure_ascii=False, indent=1)
    text.write("\n")
    text.flush()
    text.detach()


WRITERS: dict[str, Callable] = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}
