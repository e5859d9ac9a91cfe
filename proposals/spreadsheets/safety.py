"""Spreadsheet cells that never become formulas (CSV and formula injection).

Every export goes through here:

- CSV (the overview page, the admin, ``export_catalogue``, ``catalogue_report --format csv``),
  all written by ``csv_text``: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return gets a leading apostrophe, as OWASP recommends against CSV injection
  (``neutralise_cell``), and every cell that holds a ";", a quote, a line feed or a carriage
  return is quoted (the csv module, lines ending in CR LF), so no text can start a row of its own.
  Numbers stay numbers: a Danish figure such as ``-1.960`` or ``+100`` is never marked.
  The importer removes the mark again (``unneutralise_cell``), so re-importing an export
  gives the identical catalogue.
- XLSX (the overview page, the admin, ``export_catalogue``): every text is written as a text
  cell, never a formula, and a text that starts like a formula carries Excel's own
  "quote prefix" flag (the hidden apostrophe Excel sets when one types ``'=...``), so editing
  the cell in Excel does not turn it into a formula either (``xlsx_bytes``).
"""

import datetime
import io
import re
from decimal import Decimal

import tablib
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..numbers import NumberFormatError, parse_decimal

FORMULA_TRIGGERS = "=+-@\t\r"
_FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)
NEUTRALISING_MARK = "'"

# A text that a spreadsheet program could read as a formula. Leading apostrophes are part of
# the pattern so that a text that itself starts with "'=" keeps its apostrophe through an
# export and re-import (it is exported as "''=", and one apostrophe is removed on import).
_STARTS_LIKE_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def _is_number_text(text):
    try:
        return parse_decimal(text) is not None
    except NumberFormatError:
        return False


def neutralise_cell(value):
    """The CSV cell to write for ``value``: a text that starts like a formula gets a leading
    apostrophe; numbers, Danish number texts ("-1.960", "+100") and other texts are unchanged."""
    if isinstance(value, str) and _STARTS_LIKE_FORMULA.match(value) and not _is_number_text(value):
        return NEUTRALISING_MARK + value
    return value


def unneutralise_cell(value):
    """The inverse of ``neutralise_cell`` for a CSV cell read by the importer: only a leading
    apostrophe followed by = + - @ tab or CR (or by more apostrophes and then one of them)
    is removed, so an honest "'Tis" stays as it is."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def neutralise_dataset(dataset):
    """A copy of a tablib.Dataset with every cell (headers too) passed through ``neutralise_cell``."""
    safe = tablib.Dataset(headers=[neutralise_cell(h) for h in dataset.headers] if dataset.headers else None)
    safe.title = dataset.title
    for row in dataset:
        safe.append([neutralise_cell(v) for v in row])
    return safe


def csv_text(dataset):
    """The CSV text of a tablib.Dataset (headers first): ";"-separated, every cell neutralised,
    quoted where it needs it (tablib writes with the csv module, CR LF between rows, so a cell
    with a carriage return or a line feed is quoted: "Tema\r=1+1" stays one cell)."""
    return neutralise_dataset(dataset).export("csv", delimiter=";")


def csv_rows_text(rows):
    """``csv_text`` of plain rows, the first of them the header row."""
    rows = iter(rows)
    headers = next(rows, None)
    dataset = tablib.Dataset(headers=list(headers) if headers is not None else None)
    for row in rows:
        dataset.append(list(row))
    return csv_text(dataset)


def _text_cell(sheet, value, font=None):
    """A cell that stays text: openpyxl makes "=..." a formula otherwise."""
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    if value[:1] in _FORMULA_STARTS:
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(dataset, *, title):
    """One sheet, header row bold and frozen. Numbers are number cells; every text is a text
    cell (a title that starts with "=" stays that text instead of becoming a formula), and a
    text that starts like a formula is quote-prefixed.

    Written in openpyxl's write-only mode (rows streamed to the file, not kept as cell
    objects): only a text that starts like a formula needs a cell of its own."""
    return xlsx_rows_bytes(list(dataset.headers or []), dataset, title=title)


def xlsx_rows_bytes(headers, rows, *, title):
    """``xlsx_bytes`` of a header row and an iterable of value rows, without a tablib
    dataset in between (the overview page's export streams its rows straight here)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title or "Katalog")
    if headers:
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(60, len(str(header)) + 2))
        bold = Font(bold=True)
        sheet.append([None if h is None else _text_cell(sheet, str(h), bold) for h in headers])
    plain = (int, float, Decimal, datetime.date, datetime.time)  # bool is an int
    for values in rows:
        row = []
        for value in values:
            if value is not None and not isinstance(value, plain):
                value = str(value)  # lazy translations, SafeString and the like
                if not value:
                    value = None  # an empty cell, as a spreadsheet program saves it
                elif value[0] in _FORMULA_STARTS:
                    value = _text_cell(sheet, value)
            row.append(value)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
