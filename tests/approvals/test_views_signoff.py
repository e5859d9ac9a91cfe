"""The sign-off page: what the sign-off body sees, approve with a note, send back with a reason."""

import pytest
from django.urls import reverse

from approvals.models import CatalogueProcess, SignOff
from proposals.models import Catalogue
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


def url(s, name="signoff"):
    return reverse(f"approvals:{name}", args=[s.catalogue.slug])


def test_page_shows_overview_hmu_statement_and_lmu_responses(client):
    s = Setup(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, amount=-1960).to_awaiting_signoff()
    client.force_login(s.signoff_user)
    html = client.get(url(s)).content.decode()
    # Economic overview in the catalogue's own convention: 3 × 1.960 saved = 5.880, balanced.
    assert '<td class="num">1.960</td>' in html
    assert '<td class="num">5.880</td>' in html
    assert "HMU bakker op" in html
    assert "LMU Et" in html and "LMU To" in html
    assert 'name="approve-note"' in html and 'name="back-reason"' in html


def test_approve_with_a_note_shows_the_approval_record(client):
    s = Setup().to_awaiting_signoff()
    client.force_login(s.signoff_user)
    response = client.post(
        url(s, "approve"),
        {"approve-note": "Godkendt uden ændringer", "approve-confirm": "on", "approve-confirm_before_meeting": "on"},
        follow=True,
    )
    html = response.content.decode()
    assert "Kataloget er godkendt." in html
    assert s.reload().state == State.SIGNED_OFF
    approval = SignOff.objects.get(decision=SignOff.Decision.APPROVED)
    assert approval.decided_by == s.signoff_user and approval.note == "Godkendt uden ændringer"
    assert approval.snapshot  # the immutable record of what was approved
    assert "Registreret godkendelse" in html and "Godkendt uden ændringer" in html
    assert f"Godkendt af {s.signoff_user.username}" in html
    assert 'name="approve-note"' not in html  # no second approval


def test_send_back_needs_a_reason(client):
    s = Setup().to_awaiting_signoff()
    client.force_login(s.signoff_user)
    response = client.post(url(s, "send_back"), {"back-reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Der er problemer" in html and "Skriv en begrundelse." in html
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert not SignOff.objects.exists()
    response = client.post(url(s, "send_back"), {"back-reason": "HMU skal uddybe forslag 2"}, follow=True)
    assert "Kataloget er sendt tilbage til HMU." in response.content.decode()
    assert s.reload().state == State.HMU_REVIEW
    assert SignOff.objects.get().decision == SignOff.Decision.SENT_BACK


def test_stale_page_cannot_approve_twice(client):
    s = Setup().to_signed_off()
    client.force_login(s.signoff_user)
    response = client.post(
        url(s, "approve"),
        {"approve-note": "", "approve-confirm": "on", "approve-confirm_before_meeting": "on"},
        follow=True,
    )
    # Who approved it, and when, rather than "not awaiting approval".
    html = response.content.decode()
    assert "Kataloget er allerede gået videre til »Godkendt«" in html and s.signoff_user.username in html
    assert SignOff.objects.filter(decision=SignOff.Decision.APPROVED).count() == 1


def test_workflow_page_logs_every_step(client):
    s = Setup().to_signed_off()
    client.force_login(s.admin)
    html = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    for label in ("LMU-høring", "HMU-behandling", "Afventer godkendelse", "Godkendt"):
        assert f"<td>{label}</td>" in html
    assert html.count("<td>Kladde</td>") == 1


def test_approving_asks_for_an_explicit_confirmation_first(client):
    s = Setup().to_awaiting_signoff()
    client.force_login(s.signoff_user)
    response = client.post(url(s, "approve"), {"approve-note": "Godkendt på mødet"})
    html = response.content.decode()
    assert "Bekræft godkendelsen." in html and 'aria-invalid="true"' in html
    assert "Godkendt på mødet" in html  # the note is shown again
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert not SignOff.objects.exists()
