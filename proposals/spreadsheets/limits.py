"""The limits of a catalogue file, one set for every way in (the admin's upload, the command
line, the background import): the file's size, its unpacked size (an XLSX file is a zip
archive; read from the archive's central directory before anything is unpacked), its rows and
its cells. Each is a setting (README, environment variables) and each refusal says the limit
and the file's own figure, in Danish.

The defaults hold a catalogue of 50.000 rows of 40 columns with room to spare (README,
"Limits"); a file over them is refused before it is parsed, so a small file that unpacks to
hundreds of megabytes (a "zip bomb") is refused in milliseconds with bounded memory."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ..numbers import format_amount, format_decimal
from .errors import CatalogueFileError

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    upload_bytes: int
    unpacked_bytes: int
    rows: int
    cells: int

    @classmethod
    def current(cls):
        return cls(
            upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            cells=settings.IMPORT_MAX_CELLS,
        )

    def check_upload(self, size):
        if size > self.upload_bytes:
            raise CatalogueFileError(upload_too_large_message(size, self.upload_bytes))

    def check_unpacked(self, size):
        if size > self.unpacked_bytes:
            raise CatalogueFileError(
                _(
                    "Filen fylder %(size)s udpakket (en XLSX-fil er et komprimeret arkiv); højst %(limit)s kan "
                    "importeres. Fjern billeder og ark, der ikke skal importeres, eller del filen op."
                )
                % {"size": megabytes(size), "limit": megabytes(self.unpacked_bytes)}
            )

    def check_rows(self, rows, *, at_least=False):
        if rows > self.rows:
            message = (
                _("Filen har over %(rows)s rækker; højst %(limit)s kan importeres. Del filen op.")
                if at_least
                else _("Filen har %(rows)s rækker; højst %(limit)s kan importeres. Del filen op.")
            )
            raise CatalogueFileError(message % {"rows": format_amount(rows), "limit": format_amount(self.rows)})

    def check_cells(self, cells, *, at_row=None):
        if cells > self.cells:
            if at_row is None:
                message = _("Filen har %(cells)s celler; højst %(limit)s kan importeres. Del filen op.") % {
                    "cells": format_amount(cells),
                    "limit": format_amount(self.cells),
                }
            else:
                # Counted row by row up to each row's last cell: a row with a cell far to the right
                # counts all the cells before it (they are read too).
                message = _(
                    "Filen har over %(limit)s celler (grænsen nås i række %(row)s, regnet til hver rækkes sidste "
                    "celle); højst %(limit)s kan importeres. Slet indhold langt til højre for tabellen, eller del "
                    "filen op."
                ) % {"limit": format_amount(self.cells), "row": format_amount(at_row)}
            raise CatalogueFileError(message)


def megabytes(size):
    """4_404_019 -> "4,2 MB" (Danish decimal comma; 1 MB = 1.048.576 bytes)."""
    return _("%(n)s MB") % {"n": format_decimal(round(size / MEGABYTE, 1))}


def upload_too_large_message(size, limit):
    return _("Filen fylder %(size)s; højst %(limit)s kan importeres. Del filen op.") % {
        "size": megabytes(size),
        "limit": megabytes(limit),
    }
