"""The import's SQL queries do not grow with the file: the same number at 5 and at 40
proposals (each with a line), for a new catalogue, a re-import that changes nothing, a dry
run, and an import that changes every proposal (figures, texts, a line more, a line less,
a year row less)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.models import BreakdownLine, BreakdownLineYear, Proposal, ProposalYear
from proposals.services import import_catalogue_rows
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row

pytestmark = pytest.mark.django_db

# Both within one statement of every kind: SQLite takes 999 parameters a statement, so
# Django's bulk_create writes 55 proposals (18 columns) or 199 year rows (5) at a time.
SIZES = (5, 40)


def file_rows(size, *, amount="-1.000", title="Forslag", line_texts=("Linje",), years=4):
    rows = []
    for i in range(1, size + 1):
        net = [amount] * years
        rows.append(row(code=str(i), theme="Tema 1", title=f"{title} {i}", net=net, fte=["1,5"] * years))
        for text in line_texts:
            rows.append(row(kind="linje", code=str(i), title=text, net=net))
    return csv_bytes(rows)


def queries(catalogue, data, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        outcome = import_catalogue_rows(catalogue, data, "csv", file_name="k.csv", **kwargs)
    assert outcome.ok, outcome.error_messages()
    return len(captured), outcome


def counts(size):
    catalogue = make_catalogue(proposals=0, target=None)
    dry, outcome = queries(catalogue, file_rows(size), dry_run=True)
    assert len(outcome.created) == size and not catalogue.proposals.exists()
    new, outcome = queries(catalogue, file_rows(size), dry_run=False)
    assert len(outcome.created) == size and BreakdownLine.objects.filter(proposal__catalogue=catalogue).count() == size
    same, outcome = queries(catalogue, file_rows(size), dry_run=False)
    assert len(outcome.unchanged) == size and not outcome.changed
    changed_file = file_rows(size, amount="-2.000", title="Nyt navn", line_texts=("Ny linje", "Heraf"), years=3)
    changed, outcome = queries(catalogue, changed_file, dry_run=False)
    assert len(outcome.updated) == size
    fewer, outcome = queries(catalogue, file_rows(size, line_texts=()), dry_run=False)
    assert len(outcome.updated) == size and not BreakdownLine.objects.filter(proposal__catalogue=catalogue).exists()
    return {"dry run": dry, "new": new, "unchanged": same, "changed": changed, "lines removed": fewer}


def test_queries_do_not_grow_with_the_rows():
    small, large = (counts(size) for size in SIZES)
    assert small == large
    # And they stay few: each kind is written in one statement (plus its history).
    assert large["unchanged"] <= 12 and large["new"] <= 30, large


def test_the_bulk_import_keeps_every_rows_history():
    catalogue = make_catalogue(proposals=0, target=None)
    queries(catalogue, file_rows(3), dry_run=False)
    queries(catalogue, file_rows(3, amount="-2.000", line_texts=(), years=3), dry_run=False)
    proposal_ids = list(Proposal.objects.filter(catalogue=catalogue).values_list("pk", flat=True))
    history = ProposalYear.history.filter(proposal_id__in=proposal_ids)
    assert history.filter(history_type="+").count() == 12
    assert history.filter(history_type="~").count() == 9  # three years of three proposals changed
    assert history.filter(history_type="-").count() == 3  # the fourth year of each
    assert BreakdownLine.history.filter(history_type="-", proposal_id__in=proposal_ids).count() == 3
    assert BreakdownLineYear.history.filter(history_type="-").count() == 12
    assert set(history.values_list("history_change_reason", flat=True)) == {"Import af k.csv"}
