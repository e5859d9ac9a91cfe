"""The catalogue spreadsheet format (CSV and XLSX) on top of django-import-export.

One file holds one catalogue's proposals; the catalogue's header facts (years, targets,
sign convention) live on the catalogue, not in the file. Amounts in the file are in the
catalogue's OWN sign convention and Danish number format; they are converted to the
internal convention (savings negative) here. The format is described in
docs/import-format.md.

How an import runs (``CatalogueResource.import_data``):
1. ``before_import`` parses and validates the WHOLE file first (``parse_rows``): headers,
   every cell, duplicate codes, line rows after their proposal, unknown themes. Errors
   name the spreadsheet row (the header is row 1) and the column.
2. django-import-export then walks the rows inside one transaction: a row with errors
   becomes an invalid row, a line row is skipped (it was attached to its proposal in
   step 1), an unchanged proposal is skipped without writing, and every other proposal
   is created or updated by its code; its years and lines are replaced to match the file.
3. ``after_import`` reports proposals missing from the file (deleted only with
   ``delete_missing``), compares the catalogue before and after, and runs the balance
   check. Any error rolls the whole transaction back: nothing is half-saved.
"""

import csv
import io
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from .balance import check_balance
from .history import create_with_history, import_reason, recording
from .models import BreakdownLine, BreakdownLineYear, Proposal, ProposalYear, Theme
from .numbers import (
    NumberFormatError,
    check_decimal_limits,
    format_amount,
    format_decimal,
    parse_amount,
    parse_decimal,
)
from .selectors import catalogue_overview
from .spreadsheet_safety import unneutralise_cell

FORMATS = ("csv", "xlsx")

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


class CatalogueFileError(Exception):
    """The file as a whole cannot be read (empty, wrong type, wrong encoding, bad headers)."""


def old_excel_message():
    return _("Filen er i det gamle Excel-format (.xls). Gem den som .xlsx eller CSV UTF-8.")


# --------------------------------------------------------------------------- reading


# Files that are not text at all, by their first bytes.
BINARY_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
)


def _looks_like_utf16(head):
    # Latin text in UTF-16 has a NUL in (nearly) every other byte, and none in between.
    def mostly_nul(part):
        return part.count(0) >= len(part) * 0.6

    def hardly_nul(part):
        return part.count(0) <= len(part) * 0.1

    odd, even = head[1::2], head[0::2]
    return len(head) >= 4 and (mostly_nul(odd) and hardly_nul(even) or mostly_nul(even) and hardly_nul(odd))


def _decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:1024]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _looks_like_utf16(head)):
        raise CatalogueFileError(
            _("CSV-filen er ikke UTF-8 (den ligner UTF-16/«Unicode-tekst»). Gem den som «CSV UTF-8» og prøv igen.")
        )
    # A binary file has many control bytes; a stray NUL in a text file is reported at its cell.
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 and byte != 27)
    if controls > 2 or controls * 100 > len(head):
        raise CatalogueFileError(
            _("Filen er ikke en CSV-fil (den indeholder binære data). Vælg en CSV- eller XLSX-fil.")
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Danish Excel saves "CSV (semikolonsepareret)" as Windows-1252; æ, ø and å are never
    # valid UTF-8 on their own, so a failed UTF-8 decode of such a file is unambiguous.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(
            _("CSV-filen er hverken UTF-8 eller Windows-1252 og kan ikke læses. Gem den som «CSV UTF-8».")
        ) from exc
    return text, _("CSV-filen var ikke UTF-8; den er læst som Windows-1252 (Excels danske CSV-format).")


def _csv_rows(data):
    if data.startswith(b"PK\x03\x04"):
        raise CatalogueFileError(_("Filen er en Excel-fil (XLSX), ikke CSV. Vælg formatet XLSX."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CatalogueFileError(old_excel_message())
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise CatalogueFileError(
                _("Filen er en %(kind)s-fil, ikke en CSV-fil. Vælg en CSV- eller XLSX-fil.") % {"kind": kind}
            )
    text, warning = _decode_csv(data)
    first_line, _newline, rest = text.partition("\n")
    # Excel's "sep=;" hint line names the delimiter; Excel itself does not show it as a row.
    hint = re.fullmatch(r"sep=(.)\r?", first_line.lstrip("\ufeff"))
    if hint:
        delimiter, text = hint.group(1), rest
    else:
        # Danish Excel separates with semicolons (the comma is the decimal mark).
        delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
        if "\t" in first_line and delimiter not in first_line:
            delimiter = "\t"
    rows = _csv_records(text, delimiter)
    # An export marks a text that starts like a formula with an apostrophe; remove it again.
    rows = [[unneutralise_cell(v) for v in r] for r in rows]
    return rows, warning


CSV_FIELD_LIMIT = csv.field_size_limit()  # the csv module's limit per cell (131.072 characters)


def _csv_records(text, delimiter):
    """The records of a CSV text, read strictly: a quote that is never closed, or that takes
    the following rows into one cell, is an error naming the row where the quote opened
    (a lenient reader would read the rest of the file as one title and lose every figure)."""
    consumed = []  # the physical lines of the record being read

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    rows = []
    while True:
        consumed.clear()
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CatalogueFileError(_csv_record_error(rows, "".join(consumed), delimiter, exc)) from exc
        if rows:
            for index, value in enumerate(record):
                if _swallows_rows(value, delimiter, rows):
                    raise CatalogueFileError(
                        str(RowError(len(rows) + 1, _csv_column(rows, index), _quote_spans_rows_message()))
                    )
        rows.append(record)
    return rows


def _csv_column(rows, index):
    header = rows[0][index] if rows and index < len(rows[0]) else ""
    return " ".join(header.split()) or f"(kolonne {index + 1})"


def _swallows_rows(value, delimiter, rows):
    """A quoted cell whose later lines look like rows of the file: a quote that opened in one
    row and closed only some rows further down."""
    if "\n" not in value and "\r" not in value:
        return False
    header_width = len(rows[0]) if rows else 0
    threshold = max(2, (header_width - 1) // 2)
    return any(line.count(delimiter) >= threshold for line in value.splitlines()[1:])


def _quote_spans_rows_message():
    return _(
        'Cellen begynder med et citationstegn ("), som først lukkes i en senere række, så rækkerne '
        "imellem ville blive læst som én celle. Luk citationstegnet i samme række, eller fjern det."
    )


def _scan_csv_record(raw, delimiter):
    """The cells of one raw CSV record as (text, quoted, problem), problem being None,
    "unclosed" (a quote never closed) or "after_quote" (text after a closing quote); the
    scan stops at the first problem. Only used to explain why the csv reader refused it."""
    cells = []
    i, n = 0, len(raw)
    while True:
        if raw.startswith('"', i):
            j = i + 1
            while True:
                k = raw.find('"', j)
                if k == -1:
                    cells.append((raw[i + 1 :], True, "unclosed"))
                    return cells
                if raw.startswith('"', k + 1):
                    j = k + 2  # "" is a quote inside the cell
                    continue
                break
            if raw[k + 1 : k + 2] not in (delimiter, "\r", "\n", ""):
                cells.append((raw[i + 1 : k], True, "after_quote"))
                return cells
            cells.append((raw[i + 1 : k], True, None))
            i = k + 1
        else:
            ends = [e for e in (raw.find(delimiter, i), raw.find("\r", i), raw.find("\n", i)) if e != -1]
            end = min(ends) if ends else n
            cells.append((raw[i:end], False, None))
            i = end
        if i >= n or raw[i] in "\r\n":
            return cells
        i += 1  # past the delimiter


def _csv_record_error(rows, raw, delimiter, exc):
    """The Danish message, with row and column, for a record the csv reader refused."""
    row = len(rows) + 1  # spreadsheet row: the header is row 1
    cells = _scan_csv_record(raw, delimiter)
    if "field larger than field limit" in str(exc):
        index = next(
            (i for i, (text, _q, problem) in enumerate(cells) if problem or len(text) > CSV_FIELD_LIMIT),
            len(cells) - 1,
        )
        text, quoted, _problem = cells[index]
        if quoted and _swallows_rows(text, delimiter, rows):
            message = _unclosed_quote_message()
        else:
            message = _("Cellen er for lang: en celle i en CSV-fil må højst have %(limit)s tegn.") % {
                "limit": format_amount(CSV_FIELD_LIMIT)
            }
        return str(RowError(row, _csv_column(rows, index), message))
    index = len(cells) - 1
    text, _quoted, problem = cells[index]
    if problem == "unclosed":
        message = _unclosed_quote_message()
    elif problem == "after_quote" and ("\n" in text or "\r" in text):
        message = _quote_spans_rows_message()
    elif problem == "after_quote":
        message = _(
            'Der står tekst efter det citationstegn ("), som lukker cellen. Sæt citationstegn om hele '
            'cellen, og skriv et citationstegn i teksten som to ("").'
        )
    else:
        return str(RowError(row, "", _("CSV-filen kan ikke læses: %(error)s") % {"error": exc}))
    return str(RowError(row, _csv_column(rows, index), message))


def _unclosed_quote_message():
    return _(
        'Cellen begynder med et citationstegn ("), som aldrig lukkes, så resten af filen ville blive '
        "læst som én celle. Luk citationstegnet, eller fjern det."
    )


def _xlsx_rows(data):
    if not data.startswith(b"PK\x03\x04"):
        if data[:200].lstrip().lower().startswith((b"r\xc3\xa6kke", b"kode", b"\xef\xbb\xbf")) or b";" in data[:200]:
            raise CatalogueFileError(_("Filen er en CSV-fil, ikke XLSX. Vælg formatet CSV."))
        raise CatalogueFileError(_("Filen er ikke en XLSX-fil (Excel 2007 eller nyere) og kan ikke læses."))
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    try:
        rows = _xlsx_sheet_rows(data, data_only=False)
        # A formula cell reads as its formula here; its value is the result the program that
        # saved the file stored with it. A text cell that starts with "=" reads the same both ways.
        formulas = [
            (r, c)
            for r, values in enumerate(rows)
            for c, value in enumerate(values)
            if isinstance(value, str) and value.startswith("=") or isinstance(value, (ArrayFormula, DataTableFormula))
        ]
        if formulas:
            results = _xlsx_sheet_rows(data, data_only=True)
            for r, c in formulas:
                result = results[r][c] if r < len(results) and c < len(results[r]) else None
                # No stored result: the value is unknown, never empty.
                rows[r][c] = FormulaCell(_formula_text(rows[r][c])) if result is None else result
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise CatalogueFileError(_("XLSX-filen kan ikke læses (%(error)s).") % {"error": type(exc).__name__}) from exc
    return rows, None


def _xlsx_sheet_rows(data, *, data_only):
    from openpyxl import load_workbook

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


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


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
    rows, warning = _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data)
    while rows and all(_is_blank(v) for v in rows[-1]):
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
        extra = [v for v in row[width:] if not _is_blank(v)]
        if extra:
            raise CatalogueFileError(
                _("Række %(row)s har flere udfyldte celler end der er overskrifter.") % {"row": number}
            )
        dataset.append((list(row) + [None] * width)[:width])
    dataset.title = warning or ""
    return dataset


# --------------------------------------------------------------------------- parsing


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


@dataclass
class ParsedLine:
    row: int
    text: str
    counts_toward_net: bool
    amounts: dict  # year -> int (internal)


@dataclass
class ParsedProposal:
    row: int
    position: int
    code: str
    theme_title: str
    values: dict  # Proposal attribute -> value
    net: dict  # year -> int (internal)
    fte: dict  # year -> Decimal | None (internal)
    lines: list = field(default_factory=list)

    def state(self):
        """Comparable with ``existing_states``: what the file says about this proposal."""
        return _state(
            self.position,
            self.theme_title,
            self.values,
            {y: (self.net[y], self.fte.get(y)) for y in self.net},
            [(ln.text, ln.counts_toward_net, ln.amounts) for ln in self.lines],
        )


@dataclass
class ParsedFile:
    headers: list
    errors: list  # RowError
    proposals: "OrderedDict[str, ParsedProposal]"
    row_kinds: dict  # row number -> kind or "" for an empty row
    new_themes: list

    def errors_by_row(self):
        grouped = {}
        for error in self.errors:
            if error.row is not None:
                grouped.setdefault(error.row, []).append(error)
        return grouped

    @property
    def file_errors(self):
        return [e for e in self.errors if e.row is None]


def _state(position, theme_title, values, years, lines):
    def fte(v):
        return None if v is None else Decimal(v).normalize()

    return (
        position,
        theme_title,
        tuple(sorted((k, v) for k, v in values.items())),
        tuple(sorted((y, n, fte(f)) for y, (n, f) in years.items())),
        tuple((t, c, tuple(sorted(a.items()))) for t, c, a in lines),
    )


def existing_states(catalogue):
    """code -> state of every proposal in the catalogue now (fixed number of queries)."""
    overview = catalogue_overview(catalogue)
    states = {}
    for row in overview.rows:
        p = row.proposal
        values = {attr: getattr(p, attr) for attr in PROPOSAL_VALUE_ATTRS}
        states[p.code] = _state(
            p.position,
            p.theme.title if p.theme else "",
            values,
            {y: (row.net[y], row.fte.get(y)) for y in row.net},
            [(ln.line.text, ln.line.counts_toward_net, ln.amounts) for ln in row.lines],
        )
    return states


PROPOSAL_VALUE_ATTRS = (
    "title",
    "saving_type",
    "is_phase_in",
    *[a for _c, a in TEXT_COLUMNS],
    *[a for _c, a in FLAG_COLUMNS],
    "kind",
    *[a for _c, a in TAIL_COLUMNS],
)


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


FTE_FIELD = ProposalYear._meta.get_field("fte")  # DecimalField(max_digits=8, decimal_places=2)


def _max_length(model, attr):
    return model._meta.get_field(attr).max_length


def _normalise_type(value):
    return value.lower().replace(" ", "").replace(".", "").replace("\u2013", "-").replace("\u2212", "-")


SAVING_TYPES = {_normalise_type(v): v for v in Proposal.SavingType.values}
PROPOSAL_KINDS = {
    **{word.lower(): kind for kind, word in PROPOSAL_KIND_WORDS.items()},
    **{kind.value: kind for kind in Proposal.Kind},
    "effektivisering": Proposal.Kind.SAVING,
    "innovation": Proposal.Kind.INNOVATION,
}


def _parse_yes_no(value, *, default):
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text == "":
        return default
    if text in ("ja", "j", "yes"):
        return True
    if text in ("nej", "n", "no"):
        return False
    raise ValueError(_("«%(value)s» er hverken «ja» eller «nej».") % {"value": _text(value)})


def parse_rows(dataset, catalogue, *, create_themes=False):
    """Parse and validate the whole dataset. Nothing is written."""
    years = catalogue.years
    errors = []
    canonical = {c.lower(): c for c in columns_for(catalogue)}
    headers = []
    seen = set()
    for header in dataset.headers:
        name = canonical.get(header.lower(), header)
        match = YEAR_HEADER_RE.match(header)
        if name not in canonical.values():
            if match and int(match.group(2)) not in years:
                errors.append(
                    RowError(
                        None,
                        header,
                        _("Kolonnen «%(column)s» ligger uden for katalogets år %(first)s–%(last)s.")
                        % {"column": header, "first": catalogue.first_year, "last": catalogue.last_year},
                    )
                )
            else:
                errors.append(
                    RowError(
                        None,
                        header,
                        _("Ukendt kolonne «%(column)s». Tilladte kolonner: %(columns)s.")
                        % {"column": header, "columns": ", ".join(columns_for(catalogue))},
                    )
                )
        if name in seen:
            errors.append(RowError(None, name, _("Kolonnen «%(column)s» står flere gange.") % {"column": name}))
        seen.add(name)
        headers.append(name)
    required = [COL_CODE, COL_TITLE, *[net_column(y) for y in years]]
    missing = [c for c in required if c not in seen]
    if missing and any(YEAR_HEADER_RE.match(c) for c in missing):
        errors.append(
            RowError(
                None,
                "",
                _(
                    "Kolonner mangler: %(columns)s. Kataloget dækker %(first)s–%(last)s, så filen skal have en "
                    "kolonne «Netto <år>» for hvert år."
                )
                % {"columns": ", ".join(missing), "first": catalogue.first_year, "last": catalogue.last_year},
            )
        )
    elif missing:
        errors.append(RowError(None, "", _("Kolonner mangler: %(columns)s.") % {"columns": ", ".join(missing)}))
    parsed = ParsedFile(headers=headers, errors=errors, proposals=OrderedDict(), row_kinds={}, new_themes=[])
    if errors:
        return parsed

    themes = {t.title: t for t in catalogue.themes.all()}
    may_create_themes = create_themes or not themes
    # A column left out of the file keeps what an existing proposal has: re-importing a
    # partial sheet must not blank descriptions or staffing figures.
    present = set(headers)
    existing = {p.code: p for p in catalogue.proposals.select_related("theme")}
    existing_fte = {
        (code, year): fte
        for code, year, fte in ProposalYear.objects.filter(proposal__catalogue=catalogue).values_list(
            "proposal__code", "year", "fte"
        )
    }
    code_rows = {}
    for index, raw in enumerate(dataset, start=2):
        row = dict(zip(headers, raw, strict=True))
        if all(_is_blank(v) for v in row.values()):
            parsed.row_kinds[index] = ""
            continue

        # A cell that can never be imported (a formula without a result, a NUL byte) is
        # reported once; its column gets no follow-on errors ("Titlen mangler").
        bad_columns = set()
        for column, value in row.items():
            problem = cell_problem(value)
            if problem:
                errors.append(RowError(index, column, problem))
                bad_columns.add(column)
        for column in bad_columns:
            row[column] = None

        def error(column, message, _row=index, _bad=frozenset(bad_columns)):
            if column not in _bad:
                errors.append(RowError(_row, column, message))

        kind = _text(row.get(COL_KIND)).lower() or KIND_PROPOSAL
        if kind not in ROW_KINDS:
            error(
                COL_KIND,
                _("Ukendt rækketype «%(value)s». Brug %(kinds)s.")
                % {"value": _text(row.get(COL_KIND)), "kinds": ", ".join(f"«{k}»" for k in ROW_KINDS)},
            )
            parsed.row_kinds[index] = "?"
            continue
        parsed.row_kinds[index] = kind
        code = _text(row.get(COL_CODE))
        title = _text(row.get(COL_TITLE))
        if not code:
            error(COL_CODE, _("Koden mangler."))
        elif len(code) > _max_length(Proposal, "code"):
            error(COL_CODE, _("Koden er for lang (højst %(n)s tegn).") % {"n": _max_length(Proposal, "code")})
        if not title:
            error(COL_TITLE, _("Titlen mangler.") if kind == KIND_PROPOSAL else _("Linjens tekst mangler."))
        elif len(title) > _max_length(Proposal, "title"):
            error(COL_TITLE, _("Teksten er for lang (højst %(n)s tegn).") % {"n": _max_length(Proposal, "title")})

        net = {}
        unreadable_net = set()  # reported once; no follow-on "net is empty" errors
        for year in years:
            column = net_column(year)
            if column in bad_columns:
                unreadable_net.add(year)
                continue
            try:
                amount = parse_amount(row.get(column))
            except NumberFormatError as exc:
                error(column, str(exc))
                unreadable_net.add(year)
                continue
            if amount is not None:
                if abs(amount) >= 10**9:
                    error(column, _("«%(value)s» er urimeligt stort.") % {"value": _text(row.get(column))})
                    unreadable_net.add(year)
                    continue
                net[year] = catalogue.from_display(amount)

        if kind in (KIND_LINE, KIND_OF_WHICH):
            for year in years:
                if not _is_blank(row.get(fte_column(year))):
                    error(fte_column(year), _("En linje har ingen årsværk; skriv dem på forslagets række."))
            if code and code not in parsed.proposals:
                if code in code_rows:
                    continue  # the proposal row itself has errors, already reported
                error(
                    COL_CODE,
                    _("Linjen hører til forslag «%(code)s», men det forslag står ikke før linjen i filen.")
                    % {"code": code},
                )
                continue
            if code:
                parsed.proposals[code].lines.append(
                    ParsedLine(index, title, counts_toward_net=kind == KIND_LINE, amounts=net)
                )
            continue

        # A proposal row.
        if code in code_rows:
            error(
                COL_CODE,
                _("Koden «%(code)s» står allerede i række %(row)s. Hver kode må kun stå én gang.")
                % {"code": code, "row": code_rows[code]},
            )
            continue
        if code:
            code_rows[code] = index
        before = len(errors)
        values = {"title": title}
        fte = {}
        for year in years:
            column = fte_column(year)
            if column not in present:
                if existing_fte.get((code, year)) is not None and year in net:
                    fte[year] = existing_fte[(code, year)]
                continue
            try:
                value = parse_decimal(row.get(column))
            except NumberFormatError as exc:
                error(column, str(exc))
                continue
            if value is None:
                continue
            try:
                check_decimal_limits(value, max_digits=FTE_FIELD.max_digits, decimal_places=FTE_FIELD.decimal_places)
            except NumberFormatError as exc:
                error(column, str(exc))
                continue
            if year in unreadable_net:
                continue
            if year not in net:
                error(
                    column,
                    _("Årsværk for %(year)s er udfyldt, men «%(net)s» er tom.")
                    % {"year": year, "net": net_column(year)},
                )
                continue
            fte[year] = catalogue.from_display(value)

        old = existing.get(code)
        if COL_THEME in present:
            theme_title = _text(row.get(COL_THEME))
        else:
            theme_title = old.theme.title if old and old.theme else ""
        if theme_title and theme_title not in themes and theme_title not in parsed.new_themes:
            if len(theme_title) > _max_length(Theme, "title"):
                error(COL_THEME, _("Temaets titel er for lang."))
            elif may_create_themes:
                parsed.new_themes.append(theme_title)
            else:
                error(
                    COL_THEME,
                    _(
                        "Ukendt tema «%(theme)s». Katalogets temaer er: %(themes)s. Ret stavningen, opret temaet "
                        "i kataloget, eller tillad at importen opretter nye temaer."
                    )
                    % {"theme": theme_title, "themes": ", ".join(f"«{t}»" for t in themes)},
                )

        type_text = _text(row.get(COL_TYPE))
        saving_type = SAVING_TYPES.get(_normalise_type(type_text), None) if type_text else ""
        if saving_type is None:
            error(
                COL_TYPE,
                _("Ukendt type «%(value)s». Brug en af: %(types)s.")
                % {"value": type_text, "types": ", ".join(Proposal.SavingType.values)},
            )
        values["saving_type"] = saving_type or ""
        if COL_TYPE not in present:
            values["saving_type"] = old.saving_type if old else ""
        try:
            values["is_phase_in"] = _parse_yes_no(row.get(COL_PHASE_IN), default=False)
        except ValueError as exc:
            error(COL_PHASE_IN, str(exc))
        if COL_PHASE_IN not in present:
            values["is_phase_in"] = old.is_phase_in if old else False
        for column, attr in FLAG_COLUMNS:
            if column not in present:
                values[attr] = getattr(old, attr) if old else None
                continue
            try:
                values[attr] = _parse_yes_no(row.get(column), default=None)
            except ValueError as exc:
                error(column, str(exc))
        kind_text = _text(row.get(COL_PROPOSAL_KIND))
        if COL_PROPOSAL_KIND not in present:
            values["kind"] = old.kind if old else ""
        elif kind_text and kind_text.lower() not in PROPOSAL_KINDS:
            error(
                COL_PROPOSAL_KIND,
                _("Ukendt art «%(value)s». Brug en af: %(kinds)s, eller lad feltet stå tomt.")
                % {"value": kind_text, "kinds": ", ".join(PROPOSAL_KIND_WORDS.values())},
            )
        else:
            values["kind"] = PROPOSAL_KINDS.get(kind_text.lower(), "")
        for column, attr in (*TEXT_COLUMNS, *TAIL_COLUMNS):
            if column not in present:
                values[attr] = getattr(old, attr) if old else ""
                continue
            text = _text(row.get(column))
            limit = _max_length(Proposal, attr)
            if limit and len(text) > limit:
                error(column, _("Teksten er for lang (højst %(n)s tegn).") % {"n": limit})
            values[attr] = text
        if len(errors) == before and code:
            parsed.proposals[code] = ParsedProposal(
                row=index,
                position=len(parsed.proposals),
                code=code,
                theme_title=theme_title,
                values=values,
                net=net,
                fte=fte,
            )
    if not parsed.proposals and not errors:
        errors.append(RowError(None, "", _("Filen indeholder ingen forslag.")))
    return parsed


# --------------------------------------------------------------------------- outcome


@dataclass
class ImportOutcome:
    """What an import did, or in a dry run would do. Codes are proposal codes."""

    catalogue: object
    dry_run: bool
    errors: list = field(default_factory=list)  # RowError
    warnings: list = field(default_factory=list)
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # in the catalogue, not in the file
    deleted: list = field(default_factory=list)
    new_themes: list = field(default_factory=list)
    balance: object = None  # BalanceReport after the import (also in a dry run)
    proposals: list = field(default_factory=list)  # ParsedProposal in file order, each with its lines

    @property
    def ok(self):
        return not self.errors

    @property
    def committed(self):
        return self.ok and not self.dry_run

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted or self.new_themes)

    def error_messages(self):
        return [str(e) for e in self.errors]

    @property
    def lines_written(self):
        """Breakdown lines saved (in a dry run: to be saved): those of the new and changed proposals."""
        written = {*self.created, *self.updated}
        return sum(len(p.lines) for p in self.proposals if p.code in written)

    def summary_lines(self):
        """Danish lines for the CLI and the admin preview."""
        lines = []
        if self.errors:
            lines.append(_("Importen blev afvist; intet er gemt. Fejl:"))
            lines.extend(f"  - {e}" for e in self.errors)
            return lines
        lines.append(_("Prøvekørsel: intet er gemt.") if self.dry_run else _("Importen er gemt."))
        lines.extend(self.warnings)

        def codes(values):
            return ", ".join(values) if values else "–"

        lines.append(_("Nye forslag (%(n)s): %(codes)s") % {"n": len(self.created), "codes": codes(self.created)})
        lines.append(_("Ændrede forslag (%(n)s): %(codes)s") % {"n": len(self.updated), "codes": codes(self.updated)})
        lines.append(_("Uændrede forslag: %(n)s") % {"n": len(self.unchanged)})
        if self.new_themes:
            lines.append(_("Nye temaer: %(themes)s") % {"themes": ", ".join(self.new_themes)})
        if self.deleted:
            lines.append(_("Slettede forslag (ikke i filen): %(codes)s") % {"codes": codes(self.deleted)})
        elif self.missing:
            lines.append(
                _("Forslag i kataloget, som ikke står i filen, og som bevares: %(codes)s")
                % {"codes": codes(self.missing)}
            )
        if self.balance is not None:
            lines.append(_("Balancetjek: %(verdict)s") % {"verdict": self.balance.verdict()})
            lines.extend(f"  - {m}" for m in self.balance.messages())
        return lines


# --------------------------------------------------------------------------- resource


class _ProposalYearField(Field):
    """A year column in the preview diff, read from the database in the catalogue's convention."""

    def __init__(self, resource, year, fte, **kwargs):
        self.resource, self.year, self.is_fte = resource, year, fte
        super().__init__(column_name=(fte_column if fte else net_column)(year), readonly=True, **kwargs)

    def __deepcopy__(self, memo):
        return self  # holds the resource; fields are copied per resource instance

    def export(self, instance, **kwargs):
        if instance is None or instance.pk is None:
            return ""
        cache = instance.__dict__.setdefault("_year_cache", {})
        if "years" not in cache:
            cache["years"] = {py.year: py for py in ProposalYear.objects.filter(proposal_id=instance.pk)}
        py = cache["years"].get(self.year)
        if py is None:
            return ""
        catalogue = self.resource.catalogue
        if self.is_fte:
            return format_decimal(catalogue.to_display(py.fte)) if py.fte is not None else ""
        return format_amount(catalogue.to_display(py.net_amount))


class _ThemeField(Field):
    def export(self, instance, **kwargs):
        theme = getattr(instance, "theme", None) if instance is not None else None
        return theme.title if theme else ""


def _save_if_changed(obj, values):
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save(update_fields=changed)


def _sync_years(model, parent, existing, wanted):
    """Make ``existing`` year rows say ``wanted`` ({year: {field: value}}): update the rows
    that differ, create the missing ones, delete the rest. Every write has its history row."""
    by_year = {row.year: row for row in existing}
    new = []
    for year, values in sorted(wanted.items()):
        row = by_year.pop(year, None)
        if row is None:
            new.append(model(**parent, year=year, **values))
        else:
            _save_if_changed(row, values)
    for row in by_year.values():
        row.delete()
    create_with_history(model, new)


class CatalogueResource(resources.ModelResource):
    """Import and export of one catalogue's proposals.

    ``catalogue`` is required for import and export; ``create_themes`` lets the import
    create themes the catalogue does not have (a catalogue without themes always may);
    ``delete_missing`` deletes proposals that are not in the file (otherwise they are kept
    and reported)."""

    code = Field(attribute="code", column_name=COL_CODE)
    theme = _ThemeField(attribute="theme", column_name=COL_THEME, readonly=True)
    title = Field(attribute="title", column_name=COL_TITLE)
    saving_type = Field(attribute="saving_type", column_name=COL_TYPE)

    class Meta:
        model = Proposal
        name = "Katalogets forslag (CSV/XLSX)"
        import_id_fields = ("code",)
        fields = ("code", "theme", "title", "saving_type")
        use_transactions = True
        skip_unchanged = False
        report_skipped = False
        clean_model_instances = False

    def __init__(self, catalogue=None, create_themes=False, delete_missing=False, **kwargs):
        super().__init__(**kwargs)
        self.catalogue = catalogue
        self.create_themes = create_themes
        self.delete_missing = delete_missing
        self.parsed = None
        self.outcome = None
        self._before = {}
        self._themes = {}
        self._skipped_unchanged = []
        if catalogue is not None:
            for year in catalogue.years:
                self.fields[f"net_{year}"] = _ProposalYearField(self, year, fte=False)
            for year in catalogue.years:
                self.fields[f"fte_{year}"] = _ProposalYearField(self, year, fte=True)

    def get_import_order(self):
        names = ["code", "theme", "title", "saving_type"]
        if self.catalogue is not None:
            names += [f"net_{y}" for y in self.catalogue.years] + [f"fte_{y}" for y in self.catalogue.years]
        return names

    def get_user_visible_fields(self):
        # The admin's import page lists the columns a file may have.
        if self.catalogue is None:
            return [Field(column_name=c) for c in (COL_KIND, COL_CODE, COL_THEME, COL_TITLE, COL_TYPE, COL_PHASE_IN)]
        return [Field(column_name=c) for c in columns_for(self.catalogue)]

    def get_queryset(self):
        return Proposal.objects.filter(catalogue=self.catalogue).select_related("theme")

    # -- import

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        if self.catalogue is None:
            raise ValueError("CatalogueResource needs a catalogue to import into")
        # All or nothing: any invalid row rolls the whole file back.
        kwargs["rollback_on_validation_errors"] = True
        # Every row written is in the figure history under the importing user and the file.
        with recording(user=kwargs.get("user"), reason=import_reason(kwargs.get("file_name"))):
            result = super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
            )
        for invalid in result.invalid_rows:
            invalid.number += 1  # spreadsheet row: the header is row 1
        for error_row in result.error_rows:
            error_row.number += 1
        outcome = self.outcome or ImportOutcome(catalogue=self.catalogue, dry_run=dry_run)
        known = {str(e) for e in outcome.errors}
        for base in result.base_errors:
            # File errors are already in the outcome; anything unexpected must show too.
            for message in str(base.error).split("\n"):
                if message and message not in known:
                    outcome.errors.append(RowError(None, "", message))
        for error_row in result.error_rows:
            for error in error_row.errors:
                outcome.errors.append(RowError(error_row.number, "", str(error.error)))
        if outcome.errors:
            # Rolled back: nothing was created, changed or deleted.
            outcome.created, outcome.updated, outcome.unchanged, outcome.deleted = [], [], [], []
            outcome.balance = None
        result.outcome = self.outcome = outcome
        return result

    def before_import(self, dataset, **kwargs):
        self._before = existing_states(self.catalogue)
        self.parsed = parse_rows(dataset, self.catalogue, create_themes=self.create_themes)
        if len(self.parsed.headers) == len(dataset.headers):
            dataset.headers = self.parsed.headers  # canonical spelling for the id-field check
        self._themes = {t.title: t for t in self.catalogue.themes.all()}
        if self.parsed.file_errors:
            raise CatalogueFileError("\n".join(str(e) for e in self.parsed.file_errors))

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"] + 1
        if self.parsed is None or self.parsed.file_errors:
            return self._skip_result()
        row_errors = self.parsed.errors_by_row().get(number)
        if row_errors:
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            messages = {}
            for e in row_errors:
                messages.setdefault(e.column or "__all__", []).append(e.message)
            result.validation_error = ValidationError(messages)
            return result
        kind = self.parsed.row_kinds.get(number)
        if kind != KIND_PROPOSAL:
            return self._skip_result()  # empty rows; lines are saved with their proposal
        parsed = self._parsed_for_row(number)
        if self._before.get(parsed.code) == parsed.state():
            self._skipped_unchanged.append(parsed.code)
            return self._skip_result()
        kwargs["parsed_proposal"] = parsed
        self._current = parsed
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        # By the parsed code: a numeric XLSX cell (1.0) must still find proposal "1".
        return self.get_queryset().filter(code=self._current.code).first()

    def _skip_result(self):
        result = self.get_row_result_class()()
        result.import_type = RowResult.IMPORT_TYPE_SKIP
        return result

    def _parsed_for_row(self, number):
        for parsed in self.parsed.proposals.values():
            if parsed.row == number:
                return parsed
        raise LookupError(number)

    def _theme(self, title):
        if not title:
            return None
        if title not in self._themes:
            position = max((t.position for t in self._themes.values()), default=0) + 1
            self._themes[title] = Theme.objects.create(catalogue=self.catalogue, title=title, position=position)
        return self._themes[title]

    def import_instance(self, instance, row, **kwargs):
        parsed = kwargs["parsed_proposal"]
        instance.catalogue = self.catalogue
        instance.code = parsed.code
        instance.position = parsed.position
        instance.theme = self._theme(parsed.theme_title)
        for attr, value in parsed.values.items():
            setattr(instance, attr, value)

    def after_save_instance(self, instance, row, **kwargs):
        parsed = kwargs["parsed_proposal"]
        # The file is the truth for this proposal's figures. Rows are updated in place (a line
        # by its position), so the figure history shows each figure's before and after.
        _sync_years(
            ProposalYear,
            {"proposal": instance},
            list(instance.years.all()),
            {y: {"net_amount": amount, "fte": parsed.fte.get(y)} for y, amount in parsed.net.items()},
        )
        existing_lines = list(instance.lines.prefetch_related("years"))
        for position, line in enumerate(parsed.lines, start=1):
            values = {"position": position, "text": line.text, "counts_toward_net": line.counts_toward_net}
            saved = existing_lines.pop(0) if existing_lines else None
            if saved is None:
                saved = BreakdownLine.objects.create(proposal=instance, **values)
                old_years = []
            else:
                _save_if_changed(saved, values)
                old_years = list(saved.years.all())
            _sync_years(
                BreakdownLineYear, {"line": saved}, old_years, {y: {"amount": a} for y, a in line.amounts.items()}
            )
        for extra in existing_lines:
            extra.delete()
        instance.__dict__.pop("_year_cache", None)

    def after_import(self, dataset, result, **kwargs):
        outcome = ImportOutcome(catalogue=self.catalogue, dry_run=bool(kwargs.get("dry_run")))
        self.outcome = outcome
        if dataset.title:
            outcome.warnings.append(dataset.title)
        if self.parsed is not None:
            outcome.errors = list(self.parsed.errors)
        if outcome.errors or result.has_errors():
            return
        in_file = set(self.parsed.proposals)
        outcome.missing = [code for code in self._before if code not in in_file]
        if self.delete_missing and outcome.missing:
            try:
                Proposal.objects.filter(catalogue=self.catalogue, code__in=outcome.missing).delete()
            except ProtectedError as exc:
                raise CatalogueFileError(
                    _("Forslagene %(codes)s kan ikke slettes, fordi andre data henviser til dem.")
                    % {"codes": ", ".join(outcome.missing)}
                ) from exc
            outcome.deleted = list(outcome.missing)
        after = existing_states(self.catalogue)
        for code in self.parsed.proposals:
            if code not in self._before:
                outcome.created.append(code)
            elif self._before[code] != after.get(code):
                outcome.updated.append(code)
            else:
                outcome.unchanged.append(code)
        outcome.new_themes = list(self.parsed.new_themes)
        outcome.proposals = list(self.parsed.proposals.values())
        outcome.balance = check_balance(catalogue_overview(self.catalogue))

    # -- export

    def export(self, queryset=None, **kwargs):
        """The catalogue as a dataset in the import format (one query plan, any size)."""
        return export_dataset(self.catalogue)


def _yes_no(value):
    if value is None:
        return ""
    return "ja" if value else "nej"


def export_dataset(catalogue, *, numeric=False):
    """The catalogue as a tablib.Dataset in the import format.

    ``numeric`` writes amounts and FTE as numbers (for XLSX cells) instead of Danish text."""
    overview = catalogue_overview(catalogue)
    years = overview.years

    def amount(value):
        if value is None:
            return None if numeric else ""
        shown = catalogue.to_display(value)
        return shown if numeric else format_amount(shown)

    def fte(value):
        if value is None:
            return None if numeric else ""
        shown = catalogue.to_display(Decimal(value)).normalize()
        return shown if numeric else format_decimal(shown)

    dataset = tablib.Dataset(headers=columns_for(catalogue))
    dataset.title = catalogue.slug[:31]
    blank_tail = [""] * (len(TEXT_COLUMNS) + len(FLAG_COLUMNS) + 1 + len(TAIL_COLUMNS))
    for row in overview.rows:
        p = row.proposal
        dataset.append(
            [
                KIND_PROPOSAL,
                p.code,
                p.theme.title if p.theme else "",
                p.title,
                p.saving_type,
                "ja" if p.is_phase_in else "nej",
                *[amount(row.net.get(y)) for y in years],
                *[fte(row.fte.get(y)) for y in years],
                *[getattr(p, a) for _c, a in TEXT_COLUMNS],
                *[_yes_no(getattr(p, a)) for _c, a in FLAG_COLUMNS],
                PROPOSAL_KIND_WORDS.get(p.kind, ""),
                *[getattr(p, a) for _c, a in TAIL_COLUMNS],
            ]
        )
        for line in row.lines:
            dataset.append(
                [
                    KIND_LINE if line.line.counts_toward_net else KIND_OF_WHICH,
                    p.code,
                    "",
                    line.line.text,
                    "",
                    "",
                    *[amount(line.amounts.get(y)) for y in years],
                    *[None if numeric else "" for _y in years],
                    *blank_tail,
                ]
            )
    return dataset
