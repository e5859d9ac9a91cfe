"""A re-import of a sheet with fewer columns keeps what the left-out columns held."""

from decimal import Decimal

import pytest

from proposals.models import Proposal, ProposalYear
from proposals.services import import_catalogue_rows
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def test_left_out_columns_keep_existing_values():
    catalogue = make_catalogue(proposals=1, amount=-1000, fte="1.5")
    Proposal.objects.filter(catalogue=catalogue).update(sector="1.20 Drift", reduces_service=True)
    sheet = "Kode;Titel;Netto 2024;Netto 2025;Netto 2026;Netto 2027\r\n1;Ny titel;-1.200;-1.000;-1.000;-1.000\r\n"
    outcome = import_catalogue_rows(catalogue, sheet.encode(), "csv", dry_run=False)
    assert outcome.ok, outcome.errors
    proposal = Proposal.objects.get(catalogue=catalogue, code="1")
    assert proposal.title == "Ny titel"
    assert proposal.description == "Beskrivelse af forslag 1"
    assert (proposal.sector, proposal.reduces_service, proposal.saving_type) == ("1.20 Drift", True, "Eff")
    assert proposal.theme.title == "Tema 1"
    years = {y.year: (y.net_amount, y.fte) for y in ProposalYear.objects.filter(proposal=proposal)}
    assert years[2024] == (-1200, Decimal("1.5"))
    assert years[2027] == (-1000, Decimal("1.5"))
