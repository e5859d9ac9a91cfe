"""What goes wrong with a catalogue file: the file as a whole, or one cell of one row."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..user_errors import UserError


class CatalogueFileError(UserError):
    """The file as a whole cannot be read (empty, wrong type, wrong encoding, bad headers, over
    a limit); its arguments are one or more Danish messages, each naming row and column where
    there is one."""


def old_excel_message():
    return _("Filen er i det gamle Excel-format (.xls). Gem den som .xlsx eller CSV UTF-8.")


@dataclass
class RowError:
    """One problem: ``row`` is the spreadsheet row number (header = 1) or None for the file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Række %(row)s, kolonne «%(column)s»: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Række %(row)s: %(message)s") % {"row": self.row, "message": self.message}
