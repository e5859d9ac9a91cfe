"""The admin's view of a sign-off's approved state: the snapshot's figures in the catalogue's
own convention, read through CatalogueFigures, rendered by a template."""

from decimal import Decimal

import pytest

from approvals.admin import render_snapshot
from approvals.models import SignOff
from proposals.models import Catalogue, CatalogueYear, ProposalYear
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db


def test_savings_positive_snapshot_shows_savings_positive():
    catalogue = make_catalogue(
        proposals=2, amount=-1100, fte="-2.8", sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE
    )
    ProposalYear.objects.filter(proposal__catalogue=catalogue, proposal__code="2", year=2025).delete()
    html = render_snapshot(catalogue_snapshot(catalogue))
    assert f"<p>{catalogue.title} · 2024-PL · 1.000 kr.</p>" in html
    assert '<th scope="col">2024</th>' in html  # a year, not "2.024"
    first_row = html.split('<th scope="row">1</th>')[1].split("</tr>")[0]
    assert first_row.count('<td class="app-num">1.100</td>') == 4
    assert "<td>2,8 / 2,8 / 2,8 / 2,8</td>" in first_row
    second_row = html.split('<th scope="row">2</th>')[1].split("</tr>")[0]
    assert '<td class="app-num"></td>' in second_row and "<td>2,8 /  / 2,8 / 2,8</td>" in second_row
    footer = html.split("<tfoot>")[1]
    assert "Måltal" in footer and footer.count('<td class="app-num">2.200</td>') == 4


def test_savings_negative_snapshot_and_a_year_without_target():
    catalogue = make_catalogue(proposals=1, amount=-500, fte=None)
    CatalogueYear.objects.filter(catalogue=catalogue, year=2024).update(target=None, stated_fte_total=Decimal(1))
    html = render_snapshot(catalogue_snapshot(catalogue))
    assert html.count('<td class="app-num">-500</td>') == 4 + 3  # the proposal, then three targets
    assert "<td> /  /  / </td>" in html


def test_no_snapshot():
    assert render_snapshot(None) == "–"


def test_sign_off_admin_page_shows_the_approved_state(admin_client):
    process = make_signed_off_catalogue(proposals=2, amount=-1100)
    signoff = SignOff.objects.get(process=process)
    response = admin_client.get(f"/admin/approvals/signoff/{signoff.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row" colspan="3">Måltal</th>' in html
    assert '<td class="app-num">2.200</td>' in html
