"""A catalogue file's bytes as a dataset: one header row, then every row of the file below it,
each as wide as the headers. The file as a whole is checked here: its kind and its limits
(``limits``), which row holds the column headers and what stands above them (a header block,
``header_block``, or a title line, refused), the header cells, merged cells, a comma-separated
file whose unquoted decimal commas split cells, cells beyond the last header. The cells
themselves are checked by ``parsing``."""

import re

import tablib
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .cells import cell_problem, is_blank, text
from .columns import HEADER_SEARCH_ROWS, header_text, is_figure_column, is_header_row
from .csv_file import csv_rows
from .errors import CatalogueFileError, RowError
from .filekind import refuse_foreign_file
from .header_block import read_header_block
from .limits import ImportLimits
from .xlsx_file import xlsx_rows

FORMATS = ("csv", "xlsx")


class CatalogueDataset(tablib.Dataset):
    """A tablib.Dataset of a file's data rows, with what reading found out about the file:
    ``header_row`` (the spreadsheet row of the column headers; data row i is spreadsheet row
    ``header_row + 1 + i``), ``source`` (which sheet, or which CSV dialect), ``warnings``,
    ``notes`` and ``block`` (the header block above the headers, or None)."""

    header_row = 1
    source = ""
    block = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = []
        self.notes = []

    @property
    def first_data_row(self):
        return self.header_row + 1


def load_dataset(data, file_format, limits=None):
    """Bytes of a CSV or XLSX file -> CatalogueDataset with normalised headers.

    Raises CatalogueFileError with Danish messages. The dataset keeps empty rows so that data
    row i is spreadsheet row ``dataset.first_data_row + i``."""
    limits = limits or ImportLimits.current()
    file_format = (file_format or "").lower().lstrip(".")
    if file_format not in FORMATS:
        raise CatalogueFileError(
            _("Ukendt filformat «%(format)s». Brug CSV eller XLSX.") % {"format": file_format or "?"}
        )
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CatalogueFileError(_("Filen er tom."))
    limits.check_upload(len(data))
    sheet = xlsx_rows(data, limits) if file_format == "xlsx" else csv_rows(data, limits)
    rows = sheet.rows
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise CatalogueFileError(_("Filen er tom."))
    header_index = _header_index(rows)
    header_row = header_index + 1
    block = read_header_block(rows[:header_index], header_row) if header_index else None
    raw_headers = rows[header_index]
    for index, header in enumerate(raw_headers):
        problem = cell_problem(header)
        if problem:
            raise CatalogueFileError(str(RowError(header_row, f"(kolonne {index + 1})", problem)))
    headers = [" ".join(str(h).split()) if h is not None else "" for h in raw_headers]
    while headers and headers[-1] == "":
        headers.pop()
    if len(rows) == header_row:
        raise CatalogueFileError(_("Filen har kun overskrifter og ingen rækker med forslag."))
    if sheet.merges:
        _apply_merges(rows, sheet.merges, header_row, headers)
    width = len(headers)
    dataset = CatalogueDataset(headers=[h or f"(kolonne {i + 1})" for i, h in enumerate(headers)])
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if sheet.delimiter == "," and len(row) > len(raw_headers):
            _refuse_split_decimal(number, row, raw_headers, headers)
        extra = [v for v in row[width:] if not is_blank(v)]
        if extra:
            raise CatalogueFileError(
                _(
                    "Række %(row)s har flere udfyldte celler end der er overskrifter (kolonneoverskrifterne er læst "
                    "fra "
                    "række %(header)s, som har %(n)s). Giv hver udfyldt kolonne en overskrift, eller slet cellerne."
                )
                % {"row": number, "header": header_row, "n": width}
            )
        dataset.append((list(row) + [None] * width)[:width])
    dataset.header_row = header_row
    dataset.source = sheet.source
    dataset.warnings = list(sheet.warnings)
    dataset.notes = list(sheet.notes)
    dataset.block = block
    return dataset


def scan_file(data, file_format, limits=None):
    """The number of rows of a file, counted before it is parsed (what decides whether the admin
    imports it in the request or in the background): a CSV file's lines, an XLSX sheet's rows
    from its XML (the sheet the import would read). The file's kind and limits are checked as
    ``load_dataset`` checks them; raises CatalogueFileError."""
    limits = limits or ImportLimits.current()
    file_format = (file_format or "").lower().lstrip(".")
    if file_format not in FORMATS or not data:
        return 0  # load_dataset says what is wrong
    limits.check_upload(len(data))
    if file_format == "xlsx":
        return xlsx_rows(data, limits, scan_only=True).rows
    refuse_foreign_file(data, "csv")
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _header_index(rows):
    """The index of the header row: the first of the first rows with a "Kode" and a "Titel"
    cell. Without one, row 1 is the header (and its errors say what is missing), unless row 1
    is plainly a title: one filled cell above more rows."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header_row(row):
            return index
    filled = [v for v in rows[0] if not is_blank(v)]
    if len(filled) == 1 and len(rows) > 1 and header_text(filled[0]) not in ("kode", "titel"):
        raise CatalogueFileError(
            str(
                RowError(
                    1,
                    "",
                    _(
                        "Rækken er læst som kolonneoverskrifter, men har kun én udfyldt celle («%(value)s»), og ingen "
                        "af "
                        "filens første %(n)s rækker har kolonnerne «Kode» og «Titel». Kolonneoverskrifterne skal stå i "
                        "første række (en titel over dem skal slettes)."
                    )
                    % {"value": text(filled[0]), "n": HEADER_SEARCH_ROWS},
                )
            )
        )
    return 0


# --------------------------------------------------------------------------- merged cells (XLSX)


def _cell_ref(col, row):
    return f"{get_column_letter(col)}{row}"


def _apply_merges(rows, merges, header_row, headers):
    """Give every cell of a merged range its top-left value where that is unambiguous: a range
    in one text column over several rows (a theme, a code over a proposal and its lines). A
    merged figure (a net amount over the years or over rows), a range across columns, one in
    the header row, or one whose covered cells hold values of their own is refused, naming the
    range; never half read."""
    errors = []
    fills = []
    for min_col, min_row, max_col, max_row in sorted(merges, key=lambda m: (m[1], m[0])):
        if (min_col, min_row) == (max_col, max_row) or max_row < header_row or min_col > len(headers):
            continue  # one cell; above the headers (a header block keeps its value top left); beyond the table
        ref = f"{_cell_ref(min_col, min_row)}:{_cell_ref(max_col, max_row)}"
        columns = [headers[i - 1] if i <= len(headers) else f"(kolonne {i})" for i in range(min_col, max_col + 1)]
        column = columns[0] or f"(kolonne {min_col})"
        values = {"range": ref, "first": columns[0], "last": columns[-1], "top": min_row, "bottom": max_row}
        if min_row <= header_row:
            message = _(
                "Cellerne %(range)s er flettet ind i kolonneoverskrifterne. Ophæv fletningen, så hver kolonne har sin "
                "egen overskrift i én række."
            )
        elif any(is_figure_column(c) for c in columns) and max_col > min_col:
            message = _(
                "Cellerne %(range)s er flettet hen over kolonnerne «%(first)s» til «%(last)s». Et flettet tal står kun "
                "i "
                "den første celle, så de andre kolonner (fx de andre år) ville stå tomme. Ophæv fletningen, og skriv "
                "tallet i hver celle."
            )
        elif any(is_figure_column(c) for c in columns):
            message = _(
                "Cellerne %(range)s er flettet over række %(top)s til %(bottom)s. Et tal hører til én række, så de "
                "andre rækker ville stå uden tal. Ophæv fletningen, og skriv tallet i hver række."
            )
        elif max_col > min_col:
            message = _(
                "Cellerne %(range)s er flettet hen over kolonnerne «%(first)s» til «%(last)s». En værdi hører til én "
                "kolonne; ophæv fletningen, og skriv hver værdi i sin egen kolonne."
            )
        elif any(not is_blank(_cell(rows, r, min_col)) for r in range(min_row + 1, max_row + 1)):
            message = _(
                "Cellerne %(range)s er flettet, men de skjulte celler under den første har deres egne værdier. Ophæv "
                "fletningen, og skriv den rigtige værdi i hver række."
            )
        else:
            fills.append((min_col, min_row, max_row))
            continue
        errors.append((min_row, min_col, str(RowError(min_row, column, message % values))))
    if errors:
        raise CatalogueFileError(*[message for _r, _c, message in sorted(errors)])
    for col, top, bottom in fills:
        value = _cell(rows, top, col)
        for number in range(top + 1, min(bottom, len(rows)) + 1):
            row = rows[number - 1]
            if len(row) < col:
                row.extend([None] * (col - len(row)))
            row[col - 1] = value


def _cell(rows, number, col):
    row = rows[number - 1] if number <= len(rows) else []
    return row[col - 1] if col <= len(row) else None


# --------------------------------------------------------------------------- comma-separated files

# An unquoted "-1,5" in a comma-separated file: a whole number (maybe with thousands points)
# followed by a cell of digits only.
_WHOLE_PART = re.compile(r"^[+\-\u2212\u2013]?(\d{1,3}(\.\d{3})+|\d+)$")
_DECIMAL_PART = re.compile(r"^\d+$")


def _refuse_split_decimal(number, row, raw_headers, headers):
    """A comma-separated row with more cells than the header row whose cells show a number with
    a decimal comma split in two: every cell after it has moved a column (an FTE of -1,5 would
    be read as -1 and 5). Refused, naming the row and the column where the split begins."""
    for index in range(len(row) - 1):
        whole, decimals = str(row[index] or "").strip(), str(row[index + 1] or "").strip()
        if _WHOLE_PART.match(whole) and _DECIMAL_PART.match(decimals):
            column = headers[index] if index < len(headers) and headers[index] else f"(kolonne {index + 1})"
            raise CatalogueFileError(
                str(
                    RowError(
                        number,
                        column,
                        _(
                            "Rækken har %(cells)s celler, men der er %(headers)s kolonneoverskrifter. Filen er "
                            "kommasepareret, og tallet «%(whole)s,%(decimals)s» med decimalkomma står uden "
                            "citationstegn, så det er delt i to celler, og cellerne efter det er rykket en kolonne. "
                            "Gem "
                            "filen med semikolon som skilletegn (Excels «CSV (semikolonsepareret)»), eller sæt "
                            "citationstegn om tal med komma."
                        )
                        % {
                            "cells": len(row),
                            "headers": len(raw_headers),
                            "whole": whole,
                            "decimals": decimals,
                        },
                    )
                )
            )
