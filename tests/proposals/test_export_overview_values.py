"""The overview export's cells (``OverviewTable.as_values``, written without django-tables2's
per-cell path for speed) are exactly the cells django-tables2's own ``as_values`` gives, in
every format, order and catalogue shape (kinds, themes, missing years)."""

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from proposals.models import Proposal, ProposalYear
from proposals.selectors import catalogue_overview
from proposals.tables import OverviewTable
from tests.factories import make_catalogue
from tests.overview_examples import make_msb_like, make_mso_000

pytestmark = pytest.mark.django_db


def with_gaps():
    catalogue = make_catalogue(proposals=4)
    Proposal.objects.filter(catalogue=catalogue, code="2").update(kind=Proposal.Kind.INNOVATION, saving_type="")
    ProposalYear.objects.filter(proposal__catalogue=catalogue, proposal__code="3", year=2025).delete()
    return catalogue


@pytest.mark.parametrize("build", [make_mso_000, make_msb_like, with_gaps])
@pytest.mark.parametrize("export_format", [TableExport.XLSX, TableExport.CSV])
@pytest.mark.parametrize("sort", ["", "-y2025", "title"])
def test_export_cells_are_django_tables2s(build, export_format, sort):
    catalogue = build()
    table = OverviewTable(catalogue_overview(catalogue, with_goals=False))
    RequestConfig(RequestFactory().get("/", {"sort": sort} if sort else {}), paginate=False).configure(table)
    table.export_format = export_format
    ours = list(table.as_values())
    body = list(tables.Table.as_values(table))  # django-tables2's own, cell by cell
    assert ours[: len(body)] == body
    assert len(ours) == len(body) + len(table.summary)
