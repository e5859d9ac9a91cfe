"""Single cell values as the reader hands them over: blank, text, yes/no, and the cells that
can never be imported as they are (a formula without a stored result, a control character)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..user_errors import UserError


class CellValueError(UserError, ValueError):
    """A cell whose text is not one of the words its column takes."""


@dataclass(frozen=True)
class FormulaCell:
    """An XLSX formula cell saved without its result (as some tools write files): its value
    is unknown, so the cell is refused, naming the formula; it is never read as empty."""

    formula: str

    def __str__(self):
        return self.formula


def formula_message(formula):
    return _(
        "Cellen indeholder formlen «%(formula)s» uden et gemt resultat, så dens værdi kendes ikke. "
        "Åbn og gem filen i Excel eller LibreOffice, eller skriv værdien i stedet for formlen."
    ) % {"formula": formula}


# Control characters a cell may not hold: a NUL cannot be stored in the database, and none of
# them can be written to an XLSX file (tab, line feed and carriage return are allowed).
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_problem(value):
    """The Danish message for a cell that can never be imported as it is, or None."""
    if isinstance(value, FormulaCell):
        return formula_message(value.formula)
    if isinstance(value, str):
        match = CONTROL_CHARACTERS_RE.search(value)
        if match:
            return _(
                "Cellen indeholder et ugyldigt kontroltegn (tegnkode %(code)s, fx en NUL-byte), som ikke kan "
                "gemmes. Fjern tegnet, og prøv igen."
            ) % {"code": ord(match.group())}
    return None


def may_have_cell_problems(values):
    """False when none of a row's cells can have a ``cell_problem`` (one search per row)."""
    texts = []
    for value in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, FormulaCell):
            return True
    return CONTROL_CHARACTERS_RE.search("".join(texts)) is not None


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value):
    """The cell as stripped text; an XLSX number such as 1.0 reads as "1"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_yes_no(value, *, default):
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word == "":
        return default
    if word in ("ja", "j", "yes"):
        return True
    if word in ("nej", "n", "no"):
        return False
    raise CellValueError(_("«%(value)s» er hverken «ja» eller «nej».") % {"value": text(value)})
