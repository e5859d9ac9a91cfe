"""The admin tells an administrator where a catalogue stands before they change it, and what
the save did to the balance."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from approvals.models import CatalogueProcess, NextMemo
from proposals.models import BreakdownLine, Catalogue
from tests.approval_factories import Setup
from tests.factories import make_catalogue
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    client.force_login(user)
    return client


def _pages(catalogue):
    proposal = catalogue.proposals.first()
    yield reverse("admin:proposals_catalogue_change", args=[catalogue.pk])
    yield reverse("admin:proposals_proposal_change", args=[proposal.pk])
    line = BreakdownLine.objects.filter(proposal__catalogue=catalogue).first()
    if line is not None:
        yield reverse("admin:proposals_breakdownline_change", args=[line.pk])


def _notice(html):
    match = re.search(r'<div class="app-admin-notice" role="status">(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", match.group(1))).strip() if match else None


def test_a_draft_has_no_notice(admin_client):
    catalogue = make_catalogue(lines=True)
    for url in _pages(catalogue):
        assert _notice(admin_client.get(url).content.decode()) is None


def test_a_catalogue_in_hearing_says_so_on_every_page(admin_client):
    s = Setup().to_hearing()
    for url in _pages(s.catalogue):
        notice = _notice(admin_client.get(url).content.decode())
        assert notice.startswith("Kataloget er i LMU-høring (frist "), url


def test_hmu_review_says_so(admin_client):
    s = Setup().to_hmu_review()
    notice = _notice(admin_client.get(next(_pages(s.catalogue))).content.decode())
    assert notice.startswith("Kataloget er til HMU-behandling.")


def test_an_approved_catalogue_names_the_next_memo_and_when(admin_client, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    s = Setup().to_signed_off()
    for url in _pages(s.catalogue):
        notice = _notice(admin_client.get(url).content.decode())
        assert "Kataloget er godkendt " in notice
        expected = "En ændring, du gemmer nu, sendes til forligspartierne i notat nr. 1, når der har været ro i 10"
        assert expected + " minutter (tidligst " in notice


def test_pending_changes_name_the_time_of_their_memo(admin_client, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    s = Setup().to_signed_off()
    NextMemo.objects.create(process=s.process, changes_seen_at=timezone.now())
    notice = _notice(admin_client.get(next(_pages(s.catalogue))).content.decode())
    assert "de sendes til forligspartierne i notat nr. 1 " in notice
    assert "en ny ændring udskyder det til 10 minutter efter den" in notice


def test_a_save_that_unbalances_the_catalogue_says_so(admin_client):
    catalogue = make_catalogue(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    proposal = catalogue.proposals.get(code="1")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    data["years-1-net_amount"] = "2.000"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        t.startswith("Kataloget balancerer ikke: 1 afvigelse. 2025: forslagene summerer til 4.000") for t in texts
    )


def test_a_save_that_keeps_the_balance_says_nothing_more(admin_client):
    catalogue = make_catalogue()
    url = reverse("admin:proposals_catalogue_change", args=[catalogue.pk])
    response = admin_client.post(url, change_form_data(admin_client.get(url)))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(texts) == 1 and "balancerer" not in texts[0]
