"""Parsing and checking a whole dataset, row by row, before anything is written.

``parse_rows`` checks the headers (``headers``), then reads each row: the cells every row
kind has (kind, code, title, net amounts) here, a line or "heraf" row here too, a proposal
row's other columns in ``proposal_row``. Every problem is a RowError naming the spreadsheet
row (the header is row 1) and the column; a cell that can never be imported is reported
once, and its column gets no follow-on errors."""

from collections import OrderedDict

from django.utils.translation import gettext as _

from ..models import Proposal
from ..numbers import AMOUNT, NumberFormatError
from ..selectors import catalogue_overview
from ..user_errors import user_message
from .cells import cell_problem, is_blank, may_have_cell_problems, text
from .columns import (
    COL_CODE,
    COL_KIND,
    COL_PROPOSAL_KIND,
    COL_TITLE,
    KIND_LINE,
    KIND_PROPOSAL,
    ROW_KINDS,
    fte_column,
    max_length,
    net_column,
)
from .errors import RowError
from .headers import parse_headers
from .plan import ParsedFile, ParsedLine
from .proposal_row import ProposalRows
from .totals import TotalsWatch, is_total_text, total_word_message


class RowCells:
    """One data row: its cells by canonical column, and the errors it adds to the file's."""

    def __init__(self, number, cells, errors):
        self.number = number
        self.cells = cells
        self.errors = errors
        # A cell that can never be imported (a formula without a result, a NUL byte) is
        # reported once; its column gets no follow-on errors ("Titlen mangler").
        self.bad_columns = set()
        if may_have_cell_problems(cells.values()):
            for column, value in cells.items():
                problem = cell_problem(value)
                if problem:
                    errors.append(RowError(number, column, problem))
                    self.bad_columns.add(column)
        for column in self.bad_columns:
            cells[column] = None

    def get(self, column):
        return self.cells.get(column)

    def text(self, column):
        return text(self.cells.get(column))

    def error(self, column, message):
        if column not in self.bad_columns:
            self.errors.append(RowError(self.number, column, message))


PROGRESS_EVERY = 500  # rows between two ``progress`` calls


def parse_rows(dataset, catalogue, *, create_themes=False, stored=None, progress=None):
    """Parse and validate the whole dataset against ``stored``, the catalogue's
    ``CatalogueFigures`` (read here when not given). Nothing is written. ``progress(rows)``
    is told every ``PROGRESS_EVERY`` data rows read."""
    headers, errors = parse_headers(dataset.headers, catalogue)
    parsed = ParsedFile(headers=headers, errors=errors, proposals=OrderedDict(), new_themes=[])
    if errors:
        return parsed
    if stored is None:
        stored = catalogue_overview(catalogue, with_goals=False)
    proposal_rows = ProposalRows(catalogue, parsed, create_themes=create_themes, stored=stored)
    totals = TotalsWatch(catalogue)
    first = getattr(dataset, "first_data_row", 2)
    for number, raw in enumerate(dataset, start=first):
        if progress is not None and (number - first) % PROGRESS_EVERY == 0 and number > first:
            progress(number - 1)
        cells = dict(zip(headers, raw, strict=True))
        if all(is_blank(v) for v in cells.values()):
            continue
        row = RowCells(number, cells, errors)
        kind = _row_kind(row)
        if kind is None:
            continue
        net, unreadable_net = _net_amounts(row, catalogue)
        if kind == KIND_PROPOSAL:
            # A total is named as one, not as a proposal without a code.
            found, is_total = totals.check(row, row.text(COL_CODE), row.text(COL_TITLE), net)
            _report_totals(found, errors)
            if is_total:
                continue
        code, title = _code_and_title(row, kind)
        if kind == KIND_PROPOSAL:
            before = len(errors)
            proposal_rows.parse(row, code, title, net, unreadable_net)
            if len(errors) == before and not unreadable_net:
                totals.add(row, net)
        elif is_total_text(title):
            row.error(COL_TITLE, total_word_message(title))
        else:
            _parse_line(row, kind, code, title, net, parsed, proposal_rows.code_rows, catalogue.years)
    _report_totals(totals.finish(), errors)
    if not parsed.proposals and not errors:
        errors.append(RowError(None, "", _("Filen indeholder ingen forslag.")))
    if COL_PROPOSAL_KIND not in headers:
        parsed.notes.append(
            _(
                "Filen har ingen kolonne «%(column)s»: nye forslag får ingen art, og eksisterende forslag beholder "
                "deres."
            )
            % {"column": COL_PROPOSAL_KIND}
        )
    return parsed


def _report_totals(found, errors):
    for number, column, message in found:
        errors.append(RowError(number, column, message))
    if found:
        errors.sort(key=lambda e: (e.row is not None, e.row or 0))  # in row order, file errors first


def _row_kind(row):
    kind = row.text(COL_KIND).lower() or KIND_PROPOSAL
    if kind in ROW_KINDS:
        return kind
    row.error(
        COL_KIND,
        _("Ukendt rækketype «%(value)s». Brug %(kinds)s.")
        % {"value": row.text(COL_KIND), "kinds": ", ".join(f"«{k}»" for k in ROW_KINDS)},
    )
    return None


def _code_and_title(row, kind):
    code = row.text(COL_CODE)
    title = row.text(COL_TITLE)
    if not code:
        row.error(COL_CODE, _("Koden mangler."))
    elif len(code) > max_length(Proposal, "code"):
        row.error(COL_CODE, _("Koden er for lang (højst %(n)s tegn).") % {"n": max_length(Proposal, "code")})
    if not title:
        row.error(COL_TITLE, _("Titlen mangler.") if kind == KIND_PROPOSAL else _("Linjens tekst mangler."))
    elif len(title) > max_length(Proposal, "title"):
        row.error(COL_TITLE, _("Teksten er for lang (højst %(n)s tegn).") % {"n": max_length(Proposal, "title")})
    return code, title


def _net_amounts(row, catalogue):
    """-> ({year: internal amount}, years whose cell could not be read). An unreadable cell
    is reported once; it gets no follow-on "net is empty" errors."""
    net = {}
    unreadable = set()
    for year in catalogue.years:
        column = net_column(year)
        if column in row.bad_columns:
            unreadable.add(year)
            continue
        try:
            # In the file's (the catalogue's own) convention; the range is the admin's too.
            amount = AMOUNT.parse(row.get(column))
        except NumberFormatError as exc:
            row.error(column, user_message(exc))
            unreadable.add(year)
            continue
        if amount is not None:
            net[year] = catalogue.from_display(amount)
    return net, unreadable


def _parse_line(row, kind, code, title, amounts, parsed, code_rows, years):
    """A "linje" or "heraf" row: attached to its proposal, which must stand before it."""
    for year in years:
        if not is_blank(row.get(fte_column(year))):
            row.error(fte_column(year), _("En linje har ingen årsværk; skriv dem på forslagets række."))
    if not code:
        return
    if code not in parsed.proposals:
        if code not in code_rows:  # otherwise the proposal row itself has errors, already reported
            row.error(
                COL_CODE,
                _("Linjen hører til forslag «%(code)s», men det forslag står ikke før linjen i filen.")
                % {"code": code},
            )
        return
    parsed.proposals[code].lines.append(
        ParsedLine(row.number, title, counts_toward_net=kind == KIND_LINE, amounts=amounts)
    )
