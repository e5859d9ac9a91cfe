"""The columns of a catalogue file: their Danish headers, the row kinds, and the words a
cell may hold for a proposal's type and kind.

Headers are Danish, one header row, then one row per proposal or line; column order is free
and header case is ignored (README, "Spreadsheet import and export")."""

import re

from ..models import Proposal

COL_KIND = "Række"
COL_CODE = "Kode"
COL_THEME = "Tema"
COL_TITLE = "Titel"
COL_TYPE = "Type"
COL_PHASE_IN = "Indfasning"
NET_PREFIX = "Netto"
FTE_PREFIX = "Årsværk"

KIND_PROPOSAL = "forslag"
KIND_LINE = "linje"
KIND_OF_WHICH = "heraf"
ROW_KINDS = (KIND_PROPOSAL, KIND_LINE, KIND_OF_WHICH)

# Text columns after the year columns: (column, Proposal attribute).
TEXT_COLUMNS = (
    ("Beskrivelse", "description"),
    ("Sektor", "sector"),
    ("Budget for området", "area_budget"),
    ("Besparelse i %", "saving_percent"),
    ("Ændring af enhedspris", "unit_price_change"),
)
FLAG_COLUMNS = (
    ("Serviceforringelse", "reduces_service"),
    ("Innovationsforslag", "from_innovation_proposal"),
)
COL_PROPOSAL_KIND = "Art"  # saving, reprioritisation or innovation proposal; empty where the document says none
PROPOSAL_KIND_WORDS = {
    Proposal.Kind.SAVING: "Besparelse",
    Proposal.Kind.REPRIORITISATION: "Omprioritering",
    Proposal.Kind.INNOVATION: "Innovationsforslag",
}
TAIL_COLUMNS = (
    ("Berørte enheder", "affected_units"),
    ("Risikovurdering", "risk_assessment"),
    ("Fodnote", "footnote"),
)

YEAR_HEADER_RE = re.compile(rf"^({NET_PREFIX}|{FTE_PREFIX})\s+(\d{{4}})$", re.IGNORECASE)

# The Proposal attributes a file sets, besides code, theme and position.
PROPOSAL_VALUE_ATTRS = (
    "title",
    "saving_type",
    "is_phase_in",
    *[a for _c, a in TEXT_COLUMNS],
    *[a for _c, a in FLAG_COLUMNS],
    "kind",
    *[a for _c, a in TAIL_COLUMNS],
)

# The header row is the first of a file's first rows with both a "Kode" and a "Titel" cell
# (case and spacing ignored); rows above it are a header block or title lines (reading).
HEADER_SEARCH_ROWS = 30
_HEADER_MARKS = {COL_CODE.lower(), COL_TITLE.lower()}


def header_text(value):
    """A header cell as compared: whitespace collapsed, case ignored."""
    return " ".join(str(value).split()).lower() if value is not None else ""


def is_header_row(cells):
    return _HEADER_MARKS <= {header_text(v) for v in cells}


def is_figure_column(name):
    """A "Netto <år>" or "Årsværk <år>" column."""
    return bool(YEAR_HEADER_RE.match(name or ""))


def net_column(year):
    return f"{NET_PREFIX} {year}"


def fte_column(year):
    return f"{FTE_PREFIX} {year}"


def columns_for(catalogue):
    """Every column of the file for this catalogue, in export order."""
    years = catalogue.years
    return [
        COL_KIND,
        COL_CODE,
        COL_THEME,
        COL_TITLE,
        COL_TYPE,
        COL_PHASE_IN,
        *[net_column(y) for y in years],
        *[fte_column(y) for y in years],
        *[c for c, _a in TEXT_COLUMNS],
        *[c for c, _a in FLAG_COLUMNS],
        COL_PROPOSAL_KIND,
        *[c for c, _a in TAIL_COLUMNS],
    ]


def max_length(model, attr):
    return model._meta.get_field(attr).max_length


def normalise_type(value):
    return value.lower().replace(" ", "").replace(".", "").replace("\u2013", "-").replace("\u2212", "-")


SAVING_TYPES = {normalise_type(v): v for v in Proposal.SavingType.values}
PROPOSAL_KINDS = {
    **{word.lower(): kind for kind, word in PROPOSAL_KIND_WORDS.items()},
    **{kind.value: kind for kind in Proposal.Kind},
    "effektivisering": Proposal.Kind.SAVING,
    "innovation": Proposal.Kind.INNOVATION,
}
