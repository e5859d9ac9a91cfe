"""A proposal's kind (saving, reprioritisation, innovation proposal) where the document gives
one: imported from the "Art" column, exported, shown, reported and compared in memos."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from proposals.models import Catalogue, Proposal
from proposals.services import export_catalogue_rows, import_catalogue_rows
from proposals.snapshots import catalogue_snapshot, snapshot_diff
from tests.factories import make_user

pytestmark = pytest.mark.django_db
Kind = Proposal.Kind


@pytest.fixture
def seeded():
    call_command("load_seed_catalogues", stdout=io.StringIO())


def test_seed_catalogues_carry_the_kind_their_documents_give(seeded):
    mso = Catalogue.objects.get(slug="mso-omprioriteringer-velfaerdspuljen-2024")
    assert set(mso.proposals.filter(is_phase_in=False).values_list("kind", flat=True)) == {Kind.REPRIORITISATION}
    assert mso.proposals.get(is_phase_in=True).kind == ""  # the phase-in pool is no proposal of a kind
    admin = Catalogue.objects.get(slug="mso-besparelser-administration-2024")
    assert set(admin.proposals.filter(is_phase_in=False).values_list("kind", flat=True)) == {Kind.SAVING}


def _with_kind(catalogue, code, kind):
    """The catalogue's own CSV export with one proposal's "Art" cell set to ``kind``."""
    rows = list(csv.reader(io.StringIO(export_catalogue_rows(catalogue, "csv").decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Art")
    for row in rows:
        if row[:2] == ["forslag", code]:
            row[column] = kind
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode()


def test_import_reads_the_art_column_and_refuses_an_unknown_kind(seeded):
    catalogue = Catalogue.objects.get(slug="mso-besparelser-administration-2024")
    outcome = import_catalogue_rows(catalogue, _with_kind(catalogue, "4", "Innovationsforslag"), "csv", dry_run=False)
    assert outcome.ok
    assert catalogue.proposals.get(code="4").kind == Kind.INNOVATION

    bad = _with_kind(catalogue, "4", "Spareforslag")
    outcome = import_catalogue_rows(catalogue, bad, "csv", dry_run=False)
    assert not outcome.ok
    assert any("Ukendt art «Spareforslag»" in message for message in outcome.error_messages())
    assert catalogue.proposals.get(code="4").kind == Kind.INNOVATION  # nothing saved


def test_export_writes_the_kind_in_danish(seeded):
    catalogue = Catalogue.objects.get(slug="mso-omprioriteringer-velfaerdspuljen-2024")
    rows = list(csv.reader(io.StringIO(export_catalogue_rows(catalogue, "csv").decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Art")
    assert [row[column] for row in rows[1:] if row[0] == "forslag"] == ["Omprioritering"] * 6 + [""]


def test_pages_report_and_memo_show_the_kind(seeded, client):
    catalogue = Catalogue.objects.get(slug="mso-besparelser-administration-2024")
    proposal = catalogue.proposals.get(code="4")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(reverse("proposals:proposal_detail", args=[catalogue.slug, proposal.pk])).content.decode()
    assert "<dt>Art</dt><dd>Besparelse (effektivisering)</dd>" in page
    overview = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug])).content.decode()
    assert "Besparelse (effektivisering)" in overview

    out = io.StringIO()
    call_command("catalogue_report", catalogue.slug, format="json", stdout=out)
    kinds = {p["code"]: p["kind"] for p in json.loads(out.getvalue())["proposals"]}
    assert kinds["4"] == "saving" and kinds["7"] == ""

    before = catalogue_snapshot(catalogue)
    proposal.kind = Kind.INNOVATION
    proposal.save()
    changes = snapshot_diff(before, catalogue_snapshot(catalogue))
    assert [(c["field"], c["before"], c["after"]) for c in changes] == [("kind", "saving", "innovation")]


def test_an_older_snapshot_without_kinds_is_no_change():
    years = {"first_year": 2024, "last_year": 2024}
    old = {"version": 1, "catalogue": years, "proposals": [{"code": "1", "title": "T"}]}
    new = {"version": 2, "catalogue": old["catalogue"], "proposals": [{"code": "1", "title": "T", "kind": ""}]}
    assert snapshot_diff(old, new) == []
