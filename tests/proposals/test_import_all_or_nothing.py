"""A file with one bad row changes nothing (run on SQLite and, with DATABASE_URL, PostgreSQL)."""

import pytest

from proposals.models import BreakdownLine, Proposal, ProposalYear, Theme
from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from proposals.spreadsheets import importer
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return (
        Proposal.objects.count(),
        ProposalYear.objects.count(),
        BreakdownLine.objects.count(),
        Theme.objects.count(),
    )


@pytest.mark.parametrize("make_file,fmt", [(csv_bytes, "csv"), (xlsx_bytes, "xlsx")])
def test_one_bad_row_changes_nothing(make_file, fmt):
    catalogue = make_catalogue(proposals=3, lines=True)
    before, before_counts = catalogue_snapshot(catalogue), counts()
    rows = [
        row(code="1", theme="Tema 1", title="Ændret", net=["-5.000"] * 4),  # an update
        row(kind="linje", code="1", title="Ny linje", net=["-5.000"] * 4),
        row(code="NY", theme="Nyt tema", title="Nyt forslag", net=["-1"] * 4),  # a create, with a new theme
        row(code="2", theme="Tema 1", net=["-1.000", "-1.000", "x", "-1.000"]),  # the one bad cell
    ]
    outcome = import_catalogue_rows(
        catalogue, make_file(rows), fmt, dry_run=False, create_themes=True, delete_missing=True
    )
    assert [str(e) for e in outcome.errors] == ["Række 5, kolonne «Netto 2026»: «x» er ikke et tal"]
    assert catalogue_snapshot(catalogue) == before
    assert counts() == before_counts
    assert not Theme.objects.filter(title="Nyt tema").exists()


def test_database_error_midway_rolls_back_everything(monkeypatch):
    """An unexpected failure while saving (after the rows were written in bulk) undoes them too,
    and is reported as the import's error."""
    catalogue = make_catalogue(proposals=1)
    before, before_counts = catalogue_snapshot(catalogue), counts()
    rows = [
        row(code="A", theme="Tema 1", net=["-1"] * 4),
        row(code="B", theme="Tema 1", title="x" * 10, net=["-1"] * 4),
    ]
    original = importer.write_proposals

    def failing(catalogue, proposals, theme_for, **kwargs):
        saved = original(catalogue, proposals, theme_for, **kwargs)
        written = {p.code: p for p, _created in saved}
        assert Proposal.objects.filter(code__in=["A", "B"]).count() == 2  # written before the failure
        # A real constraint violation in the database, not a Python stand-in.
        ProposalYear.objects.create(proposal=written["B"], year=2024, net_amount=0)
        return saved

    monkeypatch.setattr(importer, "write_proposals", failing)
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False)
    assert not outcome.ok and outcome.error_messages()
    assert not outcome.created and outcome.balance is None
    assert catalogue_snapshot(catalogue) == before and counts() == before_counts
