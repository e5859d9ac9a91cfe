"""Reads of catalogues, with the query planning in one place.

``catalogue_overview`` loads a whole catalogue in a fixed number of queries (whatever
the number of proposals) and pivots the yearly rows in Python. Pages, tables,
exports, the CLI, the balance check and snapshots all read through it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import BreakdownLine, Catalogue, CatalogueYear, Proposal, ProposalYear


@dataclass
class LineRow:
    line: BreakdownLine
    amounts: dict  # year -> int (internal convention)


@dataclass
class ProposalRow:
    proposal: Proposal
    net: dict  # year -> int (internal convention); missing year = no row
    fte: dict  # year -> Decimal | None
    lines: list = field(default_factory=list)

    def net_for(self, year):
        return self.net.get(year, 0)


@dataclass
class CatalogueOverview:
    catalogue: Catalogue
    years: list
    rows: list
    targets: dict  # year -> int | None (internal)
    stated_fte: dict  # year -> Decimal | None

    @property
    def totals(self):
        return {y: sum(r.net_for(y) for r in self.rows) for y in self.years}

    @property
    def fte_totals(self):
        return {y: sum((r.fte.get(y) or Decimal(0) for r in self.rows), Decimal(0)) for y in self.years}

    @property
    def differences(self):
        """Total minus target per year (internal convention); None where no target."""
        totals = self.totals
        return {y: None if self.targets.get(y) is None else totals[y] - self.targets[y] for y in self.years}


def catalogue_list():
    return Catalogue.objects.select_related("department", "agreement").order_by("department__code", "title")


def get_catalogue(slug_or_id):
    """The catalogue by slug, or by id when given digits. Raises Catalogue.DoesNotExist."""
    qs = Catalogue.objects.select_related("department", "agreement")
    text = str(slug_or_id)
    if text.isdigit():
        found = qs.filter(pk=int(text)).first()
        if found:
            return found
    return qs.get(slug=text)


def _proposal_prefetches(with_lines, with_goals):
    prefetches = [Prefetch("years", queryset=ProposalYear.objects.order_by("year"))]
    if with_lines:
        prefetches.append(
            Prefetch("lines", queryset=BreakdownLine.objects.order_by("position", "id").prefetch_related("years"))
        )
    if with_goals:
        prefetches.append("goals")
    return prefetches


def _proposal_row(proposal, with_lines):
    """Pivot a proposal's prefetched yearly rows into a ProposalRow (no queries)."""
    net, fte = {}, {}
    for py in proposal.years.all():
        net[py.year] = py.net_amount
        fte[py.year] = py.fte
    lines = []
    if with_lines:
        for line in proposal.lines.all():
            lines.append(LineRow(line=line, amounts={ly.year: ly.amount for ly in line.years.all()}))
    return ProposalRow(proposal=proposal, net=net, fte=fte, lines=lines)


def _overview(catalogue, rows, year_rows):
    year_rows = {yr.year: yr for yr in year_rows}
    return CatalogueOverview(
        catalogue=catalogue,
        years=catalogue.years,
        rows=rows,
        targets={y: getattr(year_rows.get(y), "target", None) for y in catalogue.years},
        stated_fte={y: getattr(year_rows.get(y), "stated_fte_total", None) for y in catalogue.years},
    )


def catalogue_overview(catalogue, *, with_lines=True):
    """The catalogue's economic overview in a fixed number of queries.

    ``with_lines`` also loads breakdown lines and follow-up goals (detail, snapshot)."""
    catalogue = (
        Catalogue.objects.select_related("department", "agreement").prefetch_related("year_rows").get(pk=catalogue.pk)
    )
    proposals = (
        Proposal.objects.filter(catalogue=catalogue)
        .select_related("theme")
        .prefetch_related(*_proposal_prefetches(with_lines, with_goals=with_lines))
        .order_by("position", "id")
    )
    rows = [_proposal_row(proposal, with_lines) for proposal in proposals]
    return _overview(catalogue, rows, catalogue.year_rows.all())


def catalogue_overviews(catalogues, *, with_lines=True):
    """Overviews of several already loaded catalogues in a fixed number of queries
    (list pages: one page of catalogues and their balance). Goals are not loaded.

    Returns {catalogue.pk: CatalogueOverview}; the catalogue objects are used as given."""
    catalogues = list(catalogues)
    ids = [c.pk for c in catalogues]
    if not ids:
        return {}
    proposals = (
        Proposal.objects.filter(catalogue_id__in=ids)
        .select_related("theme")
        .prefetch_related(*_proposal_prefetches(with_lines, with_goals=False))
        .order_by("catalogue_id", "position", "id")
    )
    rows_by_catalogue = defaultdict(list)
    for proposal in proposals:
        rows_by_catalogue[proposal.catalogue_id].append(_proposal_row(proposal, with_lines))
    year_rows = defaultdict(list)
    for yr in CatalogueYear.objects.filter(catalogue_id__in=ids):
        year_rows[yr.catalogue_id].append(yr)
    return {c.pk: _overview(c, rows_by_catalogue[c.pk], year_rows[c.pk]) for c in catalogues}


def catalogue_list_with_totals():
    """Catalogues for the list page, annotated with the number of proposals and the
    first year's total, internal (``first_year_total``) and in each catalogue's own
    convention (``first_year_total_display``, so the column sorts as it is shown)."""
    first_year_sum = (
        ProposalYear.objects.filter(proposal__catalogue=OuterRef("pk"), year=OuterRef("first_year"))
        .order_by()
        .values("proposal__catalogue")
        .annotate(total=Sum("net_amount"))
        .values("total")
    )
    proposal_count = (
        Proposal.objects.filter(catalogue=OuterRef("pk")).order_by().values("catalogue").annotate(n=Count("pk"))
    ).values("n")
    total = Coalesce(Subquery(first_year_sum, output_field=IntegerField()), Value(0))
    return catalogue_list().annotate(
        first_year_total=total,
        first_year_total_display=Case(
            When(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, then=-total),
            default=total,
            output_field=IntegerField(),
        ),
        proposal_count=Coalesce(Subquery(proposal_count, output_field=IntegerField()), Value(0)),
    )


def get_proposal_row(catalogue_slug, pk):
    """One proposal of a catalogue with its years, lines and goals, as a ProposalRow, in a
    fixed number of queries. Raises Proposal.DoesNotExist."""
    proposal = (
        Proposal.objects.select_related("catalogue__department", "catalogue__agreement", "theme")
        .prefetch_related(*_proposal_prefetches(with_lines=True, with_goals=True))
        .get(catalogue__slug=catalogue_slug, pk=pk)
    )
    return _proposal_row(proposal, with_lines=True)


def proposals_by_theme(overview):
    """Group overview rows by theme, keeping order: [(theme or None, [rows])]."""
    groups = defaultdict(list)
    order = []
    for row in overview.rows:
        key = row.proposal.theme
        if key not in groups:
            order.append(key)
        groups[key].append(row)
    return [(theme, groups[theme]) for theme in order]
