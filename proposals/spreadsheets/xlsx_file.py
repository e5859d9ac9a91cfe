"""Reading an XLSX catalogue file (the first sheet): every row the sheet has, and for a formula
cell the result stored with it, or a FormulaCell when the file has none."""

import io

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from .cells import FormulaCell
from .errors import CatalogueFileError


def xlsx_rows(data):
    """Bytes of an XLSX file -> (rows of cells, None). Raises CatalogueFileError."""
    if not data.startswith(b"PK\x03\x04"):
        if data[:200].lstrip().lower().startswith((b"r\xc3\xa6kke", b"kode", b"\xef\xbb\xbf")) or b";" in data[:200]:
            raise CatalogueFileError(_("Filen er en CSV-fil, ikke XLSX. Vælg formatet CSV."))
        raise CatalogueFileError(_("Filen er ikke en XLSX-fil (Excel 2007 eller nyere) og kan ikke læses."))
    try:
        rows = _sheet_rows(data, data_only=False)
        # A formula cell reads as its formula here; its value is the result the program that
        # saved the file stored with it. A text cell that starts with "=" reads the same both ways.
        formulas = [
            (r, c)
            for r, values in enumerate(rows)
            for c, value in enumerate(values)
            if isinstance(value, str) and value.startswith("=") or isinstance(value, (ArrayFormula, DataTableFormula))
        ]
        if formulas:
            results = _sheet_rows(data, data_only=True)
            for r, c in formulas:
                result = results[r][c] if r < len(results) and c < len(results[r]) else None
                # No stored result: the value is unknown, never empty.
                rows[r][c] = FormulaCell(_formula_text(rows[r][c])) if result is None else result
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CatalogueFileError(_("XLSX-filen kan ikke læses (%(error)s).") % {"error": type(exc).__name__}) from exc
    return rows, None


def _sheet_rows(data, *, data_only):
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheet = workbook.worksheets[0]
        # Read every row in the sheet, whatever its <dimension> element claims: read-only mode
        # would otherwise stop at the rows and columns it names.
        sheet.reset_dimensions()
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _formula_text(value):
    text = getattr(value, "text", None) or str(value)
    return text if text.startswith("=") else f"={text}"
