"""Reads of catalogues, with the query planning in one place.

``catalogue_overview`` loads a whole catalogue in a fixed number of queries (whatever
the number of proposals) and pivots the yearly rows in Python into a
``state.CatalogueFigures``. Pages, tables, exports, the CLI, the balance check and
snapshots all read through it."""

from collections import defaultdict

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from . import access
from .figures import CatalogueFigures, LineRow, ProposalRow
from .models import BreakdownLine, Catalogue, CatalogueChange, CatalogueYear, Proposal, ProposalYear


def catalogue_list(user):
    """The catalogues ``user`` may see (``access.TRUSTED``, the command line: all)."""
    catalogues = access.instances_user_has_permission_for(user, "catalogue.view", Catalogue.objects.all())
    return catalogues.select_related("department", "agreement").order_by("department__code", "title")


def get_catalogue(slug_or_id, user):
    """The catalogue by slug, or by id when given digits, if ``user`` may see it (``access.TRUSTED``:
    any). Raises Catalogue.DoesNotExist otherwise, as if it did not exist."""
    qs = Catalogue.objects.select_related("department", "agreement")
    found = _get_catalogue(qs, slug_or_id)
    if not access.user_has_permission(user, "catalogue.view", found):
        raise Catalogue.DoesNotExist(f"No catalogue {slug_or_id!r} for this user")
    return found


def _get_catalogue(qs, slug_or_id):
    text = str(slug_or_id)
    if text.isdigit():
        found = qs.filter(pk=int(text)).first()
        if found:
            return found
    return qs.get(slug=text)


def _proposal_rows(proposals, scope, *, with_lines, with_goals):
    """ProposalRows for ``proposals`` (a Proposal queryset) in a fixed number of queries.

    ``scope`` filters the yearly rows the same way, as lookups from Proposal (e.g.
    ``{"catalogue": catalogue}``). Yearly figures are read as plain values and pivoted
    here: prefetch_related would build a queryset per proposal, which dominated the time
    of large catalogues."""
    scoped = {f"proposal__{key}": value for key, value in scope.items()}
    proposals = proposals.select_related("theme")
    if with_goals:
        proposals = proposals.prefetch_related("goals")
    proposals = list(proposals)
    years = defaultdict(list)
    for proposal_id, year, net_amount, fte in (
        ProposalYear.objects.filter(**scoped).order_by("year").values_list("proposal_id", "year", "net_amount", "fte")
    ):
        years[proposal_id].append((year, net_amount, fte))
    lines = defaultdict(list)
    if with_lines:
        # Each line with its years in one query (a LEFT JOIN: a line without years is kept).
        line = None
        for proposal_id, line_id, text, counts_toward_net, year, amount in (
            BreakdownLine.objects.filter(**scoped)
            .order_by("position", "id", "years__year")
            .values_list("proposal_id", "id", "text", "counts_toward_net", "years__year", "years__amount")
        ):
            if line is None or line.id != line_id:
                line = LineRow(text=text, counts_toward_net=counts_toward_net, amounts={}, id=line_id)
                lines[proposal_id].append(line)
            if year is not None:
                line.amounts[year] = amount
    rows = []
    for proposal in proposals:
        net, fte = {}, {}
        for year, net_amount, fte_value in years[proposal.pk]:
            net[year] = net_amount
            fte[year] = fte_value
        rows.append(
            ProposalRow(
                code=proposal.code,
                title=proposal.title,
                net=net,
                fte=fte,
                lines=lines[proposal.pk],
                saving_type=proposal.saving_type,
                proposal=proposal,
            )
        )
    return rows


def _overview(catalogue, rows, year_rows):
    year_rows = {yr.year: yr for yr in year_rows}
    return CatalogueFigures(
        years=catalogue.years,
        rows=rows,
        targets={y: getattr(year_rows.get(y), "target", None) for y in catalogue.years},
        stated_fte={y: getattr(year_rows.get(y), "stated_fte_total", None) for y in catalogue.years},
        convention=catalogue.convention,
        catalogue=catalogue,
    )


def catalogue_overview(catalogue, *, with_lines=True, with_goals=None, proposal_ids=None):
    """The catalogue's figures (a ``CatalogueFigures``) in a fixed number of queries.

    ``with_lines`` also loads breakdown lines and follow-up goals (detail, snapshot);
    ``with_goals=False`` leaves the goals out (an import compares figures and texts only);
    ``proposal_ids``: only these proposals' rows (one proposal's figures and lines out of a
    large catalogue; the totals are then of these rows only)."""
    catalogue = (
        Catalogue.objects.select_related("department", "agreement").prefetch_related("year_rows").get(pk=catalogue.pk)
    )
    scope = {"catalogue": catalogue}
    if proposal_ids is not None:
        scope["pk__in"] = list(proposal_ids)
    rows = _proposal_rows(
        Proposal.objects.filter(**scope).order_by("position", "id"),
        scope,
        with_lines=with_lines,
        with_goals=with_lines if with_goals is None else with_goals,
    )
    return _overview(catalogue, rows, catalogue.year_rows.all())


def catalogue_overviews(catalogues, *, with_lines=True):
    """Overviews of several already loaded catalogues in a fixed number of queries
    (list pages: one page of catalogues and their balance). Goals are not loaded.

    Returns {catalogue.pk: CatalogueFigures}; the catalogue objects are used as given."""
    catalogues = list(catalogues)
    ids = [c.pk for c in catalogues]
    if not ids:
        return {}
    rows_by_catalogue = defaultdict(list)
    for row in _proposal_rows(
        Proposal.objects.filter(catalogue_id__in=ids).order_by("catalogue_id", "position", "id"),
        {"catalogue_id__in": ids},
        with_lines=with_lines,
        with_goals=False,
    ):
        rows_by_catalogue[row.proposal.catalogue_id].append(row)
    year_rows = defaultdict(list)
    for yr in CatalogueYear.objects.filter(catalogue_id__in=ids):
        year_rows[yr.catalogue_id].append(yr)
    return {c.pk: _overview(c, rows_by_catalogue[c.pk], year_rows[c.pk]) for c in catalogues}


def catalogue_list_with_totals(user):
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
    return catalogue_list(user).annotate(
        first_year_total=total,
        first_year_total_display=Case(
            When(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, then=-total),
            default=total,
            output_field=IntegerField(),
        ),
        proposal_count=Coalesce(Subquery(proposal_count, output_field=IntegerField()), Value(0)),
    )


def get_proposal_row(catalogue_slug, pk, user):
    """One proposal of a catalogue with its years, lines and goals, as a ProposalRow, in a
    fixed number of queries. Raises Proposal.DoesNotExist, also when ``user`` may not see
    the catalogue (``access.TRUSTED``: any)."""
    proposals = Proposal.objects.select_related("catalogue__department", "catalogue__agreement").filter(
        catalogue__slug=catalogue_slug, pk=pk
    )
    # The yearly rows by the proposal's id alone (no join to its catalogue): they are used
    # only when the query above found the proposal in that catalogue.
    rows = _proposal_rows(proposals, {"pk": pk}, with_lines=True, with_goals=True)
    if not rows or not access.user_has_permission(user, "catalogue.view", rows[0].proposal.catalogue):
        raise Proposal.DoesNotExist(f"No proposal {pk} in catalogue {catalogue_slug!r}")
    return rows[0]


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


def changed_catalogues():
    """A queryset of the ids of the catalogues with a "changed since" mark
    (models.CatalogueChange), for a subquery."""
    return CatalogueChange.objects.values("catalogue_id")
