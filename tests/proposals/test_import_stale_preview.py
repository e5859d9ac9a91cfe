"""An import's confirmation carries what its preview was made on: when a proposal of the
catalogue was saved meanwhile (by another administrator, another import), the confirmation is
refused, nothing is written, and the case officer is told what changed and to preview again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.history import recording
from proposals.models import ImportJob, Proposal, ProposalYear
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue, make_user
from tests.importing import csv_bytes, row

pytestmark = pytest.mark.django_db

ROWS = [
    row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4),
    row(code="2", theme="Tema 1", net=["-5"] * 4),
]


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True, first_name="Chef"))
    return client


def _preview(admin_client, catalogue):
    return admin_client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("k.csv", csv_bytes(ROWS))},
    )


def _saved_meanwhile(catalogue):
    """Another administrator's save of proposal 1's 2025 figure (what the admin's save does)."""
    proposal = catalogue.proposals.get(code="1")
    ProposalYear.history.bulk_history_create(list(proposal.years.all()))
    with recording(user=make_user("anne", first_name="Anne"), reason="Rettet i administrationen"):
        year = proposal.years.get(year=2025)
        year.net_amount = -1234
        year.save()
        proposal.version += 1
        proposal.save()


def test_a_preview_confirmed_after_a_save_meanwhile_is_refused(admin_client):
    catalogue = make_catalogue(proposals=1)
    confirm = _preview(admin_client, catalogue).context["confirm_form"]
    assert confirm.initial["based_on"]
    _saved_meanwhile(catalogue)
    before = catalogue_snapshot(catalogue)
    response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial, follow=True)
    html = response.content.decode()
    assert "Kataloget er ændret, efter forhåndsvisningen blev lavet, så importen er IKKE gemt." in html
    assert "Anne: 1 Forslag 1, 2025, nettoændring (1.000 kr.): «-1.000» → «-1.234»" in html
    assert catalogue_snapshot(catalogue) == before
    assert not Proposal.objects.filter(catalogue=catalogue, code="2").exists()


def test_a_preview_confirmed_with_nothing_changed_meanwhile_is_imported(admin_client):
    catalogue = make_catalogue(proposals=1)
    confirm = _preview(admin_client, catalogue).context["confirm_form"]
    admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert Proposal.objects.filter(catalogue=catalogue, code="2").exists()
    assert Proposal.objects.get(catalogue=catalogue, code="1").title == "Ændret"


def test_a_background_preview_confirmed_after_a_save_meanwhile_is_refused(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_IN_BACKGROUND_ROWS = 1
    catalogue = make_catalogue(proposals=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _preview(admin_client, catalogue)
    assert ImportJob.objects.get().based_on
    _saved_meanwhile(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"confirm": "1"})
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    html = admin_client.get(response["Location"]).content.decode()
    assert "Kataloget er ændret, efter forhåndsvisningen blev lavet" in html and "«-1.234»" in html
    assert not Proposal.objects.filter(catalogue=catalogue, code="2").exists()
