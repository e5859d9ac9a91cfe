"""Catalogue pages. Thin: each view calls one selector, the balance check, and a table.

The selectors answer only with catalogues the user may see (proposals.access): another's
catalogue is a 404, as if it did not exist, on its page, its exports and its proposals."""

import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from . import history_selectors, selectors
from .balance import check_balance
from .display import header_facts, sign_convention_words
from .downloads import private
from .filters import CatalogueFilter
from .hooks import render_catalogue_panels, render_catalogue_tabs
from .models import Catalogue, Proposal
from .tables import CatalogueExport, CatalogueTable, OverviewTable, xlsx_response

EXPORT_FORMATS = (TableExport.XLSX, TableExport.CSV)


def catalogue_list(request):
    filterset = CatalogueFilter(request.GET or None, queryset=selectors.catalogue_list_with_totals(request.user))
    table = CatalogueTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    # The balance of the shown page only, in a fixed number of queries.
    page = [row.record for row in table.page.object_list] if table.page else []
    table.balance_by_pk = {pk: check_balance(overview) for pk, overview in selectors.catalogue_overviews(page).items()}
    return render(request, "proposals/catalogue_list.html", {"filter": filterset, "table": table})


def _catalogue_or_404(request, slug):
    try:
        return selectors.get_catalogue(slug, request.user)
    except Catalogue.DoesNotExist:
        raise Http404(_("Kataloget findes ikke.")) from None


def catalogue_detail(request, slug):
    export_format = request.GET.get("_export")
    exporting = export_format in EXPORT_FORMATS
    # The page shows no follow-up goals, an export no breakdown lines either: not loaded.
    overview = selectors.catalogue_overview(
        _catalogue_or_404(request, slug), with_lines=not exporting, with_goals=False
    )
    catalogue = overview.catalogue
    table = OverviewTable(overview)
    RequestConfig(request, paginate=False).configure(table)
    if exporting:
        table.export_format = export_format
        filename = f"{catalogue.slug}.{export_format}"
        if export_format == TableExport.XLSX:
            return private(xlsx_response(table, title=catalogue.slug[:31], filename=filename))
        exporter = CatalogueExport(export_format, table, dataset_kwargs={"title": catalogue.slug[:31]})
        return private(exporter.response(filename=filename))
    if table.grouped or not table.has_themes:
        table.columns.hide("theme")  # the group rows show it (exports keep the column)
    return render(
        request,
        "proposals/catalogue_detail.html",
        {
            "catalogue": catalogue,
            "overview": overview,
            "table": table,
            "report": check_balance(overview),
            "facts": header_facts(catalogue),
            "sign_convention_words": sign_convention_words(catalogue),
            "tabs": render_catalogue_tabs(request, catalogue),
            "panels": render_catalogue_panels(request, catalogue),
            **_changes_since(request, catalogue),
            "export_formats": EXPORT_FORMATS,
        },
    )


def proposal_detail(request, slug, pk):
    try:
        row = selectors.get_proposal_row(slug, pk, request.user)
    except Proposal.DoesNotExist:
        raise Http404(_("Forslaget findes ikke.")) from None
    catalogue = row.proposal.catalogue
    years = catalogue.years
    line_sums = row.line_sums(years)
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "catalogue": catalogue,
            "proposal": row.proposal,
            "row": row,
            "years": years,
            "net": [row.net.get(y) for y in years],
            "fte": [row.fte.get(y) for y in years],
            "lines": [(line, [line.amounts.get(y) for y in years]) for line in row.lines],
            "line_sums": [line_sums[y] for y in years] if line_sums else None,
            "line_differences": [line_sums[y] - row.net_for(y) for y in years] if line_sums else None,
            "goals": row.proposal.goals.all(),
            "history": history_selectors.figure_history(row.proposal, line_ids=[line.id for line in row.lines]),
            "sign_convention_words": sign_convention_words(catalogue),
        },
    )


CHANGES_SINCE_PARAM = "aendringer_siden"


def _parse_day(text):
    """ "2026-12-01" (a date field) or "1.12.2026" (as Danes write it) -> date, else None."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _changes_since(request, catalogue):
    """The catalogue page's "changes since a date" (``?aendringer_siden=YYYY-MM-DD``)."""
    text = request.GET.get(CHANGES_SINCE_PARAM, "")
    context = {"changes_param": CHANGES_SINCE_PARAM, "changes_since_text": text, "changes": None}
    if not text.strip():
        return context
    day = _parse_day(text)
    if day is None:
        context["changes_error"] = _("Skriv datoen som dd.mm.åååå, fx 1.12.2026.")
        return context
    since = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    context["changes_since"] = day
    context["changes_since_iso"] = day.isoformat()
    context["changes"] = history_selectors.catalogue_changes_since(catalogue, since)
    return context
