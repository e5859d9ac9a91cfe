"""A catalogue file's bytes as a tablib.Dataset: one header row, then every row of the file,
each as wide as the headers. The file as a whole is checked here (format, emptiness, header
cells, cells beyond the last header); the cells themselves are checked by ``parsing``."""

import tablib
from django.utils.translation import gettext as _

from .cells import cell_problem, is_blank
from .csv_file import csv_rows
from .errors import CatalogueFileError, RowError
from .xlsx_file import xlsx_rows

FORMATS = ("csv", "xlsx")


def load_dataset(data, file_format):
    """Bytes of a CSV or XLSX file -> tablib.Dataset with normalised headers.

    Raises CatalogueFileError with a Danish message. The dataset keeps empty rows so that
    data row i is spreadsheet row i + 1; ``dataset.title`` holds a reading warning or ""."""
    file_format = (file_format or "").lower().lstrip(".")
    if file_format not in FORMATS:
        raise CatalogueFileError(
            _("Ukendt filformat «%(format)s». Brug CSV eller XLSX.") % {"format": file_format or "?"}
        )
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CatalogueFileError(_("Filen er tom."))
    rows, warning = xlsx_rows(data) if file_format == "xlsx" else csv_rows(data)
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise CatalogueFileError(_("Filen er tom."))
    for index, header in enumerate(rows[0]):
        problem = cell_problem(header)
        if problem:
            raise CatalogueFileError(str(RowError(1, f"(kolonne {index + 1})", problem)))
    headers = [" ".join(str(h).split()) if h is not None else "" for h in rows[0]]
    while headers and headers[-1] == "":
        headers.pop()
    if len(rows) == 1:
        raise CatalogueFileError(_("Filen har kun overskrifter og ingen rækker med forslag."))
    width = len(headers)
    dataset = tablib.Dataset(headers=[h or f"(kolonne {i + 1})" for i, h in enumerate(headers)])
    for number, row in enumerate(rows[1:], start=2):
        extra = [v for v in row[width:] if not is_blank(v)]
        if extra:
            raise CatalogueFileError(
                _("Række %(row)s har flere udfyldte celler end der er overskrifter.") % {"row": number}
            )
        dataset.append((list(row) + [None] * width)[:width])
    dataset.title = warning or ""
    return dataset
