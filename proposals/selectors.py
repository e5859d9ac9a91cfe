"""Reads of catalogues, with the query planning in one place.

``catalogue_overview`` loads a whole catalogue in a fixed number of queries (whatever
the number of proposals) and pivots the yearly rows in Python. Pages, tables,
exports, the CLI, the balance check and snapshots all read through it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from .models import BreakdownLine, Catalogue, Proposal, ProposalYear


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


def catalogue_overview(catalogue, *, with_lines=True):
    """The catalogue's economic overview in a fixed number of queries.

    ``with_lines`` also loads breakdown lines and follow-up goals (detail, snapshot)."""
    catalogue = (
        Catalogue.objects.select_related("department", "agreement").prefetch_related("year_rows").get(pk=catalogue.pk)
    )
    prefetches = [Prefetch("years", queryset=ProposalYear.objects.order_by("year"))]
    if with_lines:
        prefetches.append(
            Prefetch("lines", queryset=BreakdownLine.objects.order_by("position", "id").prefetch_related("years"))
        )
        prefetches.append("goals")
    proposals = (
        Proposal.objects.filter(catalogue=catalogue)
        .select_related("theme")
        .prefetch_related(*prefetches)
        .order_by("position", "id")
    )
    rows = []
    for proposal in proposals:
        net, fte = {}, {}
        for py in proposal.years.all():
            net[py.year] = py.net_amount
            fte[py.year] = py.fte
        lines = []
        if with_lines:
            for line in proposal.lines.all():
                lines.append(LineRow(line=line, amounts={ly.year: ly.amount for ly in line.years.all()}))
        rows.append(ProposalRow(proposal=proposal, net=net, fte=fte, lines=lines))
    year_rows = {yr.year: yr for yr in catalogue.year_rows.all()}
    return CatalogueOverview(
        catalogue=catalogue,
        years=catalogue.years,
        rows=rows,
        targets={y: getattr(year_rows.get(y), "target", None) for y in catalogue.years},
        stated_fte={y: getattr(year_rows.get(y), "stated_fte_total", None) for y in catalogue.years},
    )


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
