"""The catalogue's workflow page: buttons per role, transitions through its forms, log, panel."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from approvals.models import CatalogueProcess
from approvals.panels import workflow_panel
from proposals.hooks import render_catalogue_panels
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


def url(s, name="catalogue"):
    return reverse(f"approvals:{name}", args=[s.catalogue.slug])


def test_staff_opens_the_hearing_from_the_page(client):
    s = Setup()
    client.force_login(s.admin)
    html = client.get(url(s)).content.decode()
    assert f'action="{url(s, "open_hearing")}"' in html
    assert "LMU Et" in html and "LMU To" in html
    response = client.post(url(s, "open_hearing"), {"open-note": "Høringen starter"}, follow=True)
    html = response.content.decode()
    assert "Høringen er åbnet." in html
    assert s.reload().state == State.HEARING
    assert "<td>Kladde</td>" in html and "Høringen starter" in html  # the log row
    assert s.admin.username in html


def test_opening_without_heard_lmus_shows_the_guard_message(client):
    s = Setup()
    s.process.heard_committees.clear()
    client.force_login(s.admin)
    response = client.post(url(s, "open_hearing"), {"open-note": ""}, follow=True)
    assert "Vælg mindst ét LMU" in response.content.decode()
    assert s.reload().state == State.DRAFT


def test_buttons_depend_on_role(client):
    s = Setup().to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(url(s)).content.decode()
    assert url(s, "start_hmu_review") not in html
    assert "Skriv høringssvar" in html
    assert reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk]) in html
    assert reverse("proposals:catalogue_detail", args=[s.catalogue.slug]) in html
    for p in s.proposals:
        assert reverse("proposals:proposal_detail", args=[s.catalogue.slug, p.pk]) in html
    client.force_login(s.hmu_user)
    html = client.get(url(s)).content.decode()
    assert url(s, "start_hmu_review") in html
    assert url(s, "hmu_review") in html
    assert "Skriv høringssvar" not in html


def test_early_start_needs_a_reason(client):
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    client.force_login(s.admin)
    response = client.post(url(s, "start_hmu_review"), {"start-reason": ""}, follow=True)
    assert "Angiv en begrundelse for at starte HMU-behandlingen" in response.content.decode()
    assert s.reload().state == State.HEARING
    response = client.post(url(s, "start_hmu_review"), {"start-reason": "HMU mødes i morgen"}, follow=True)
    html = response.content.decode()
    assert "HMU-behandlingen er startet." in html
    assert s.reload().state == State.HMU_REVIEW
    assert "HMU mødes i morgen" in html


def test_hmu_member_cannot_start_early(client):
    s = Setup().to_hearing()
    client.force_login(s.hmu_user)
    response = client.post(url(s, "start_hmu_review"), {"start-reason": "Vi vil gerne"}, follow=True)
    assert "Kun en administrator kan starte den tidligere" in response.content.decode()
    assert s.reload().state == State.HEARING


def test_heard_lmus_show_whether_they_answered(client):
    s = Setup().to_hearing()
    s.submit(s.lmu2, s.lmu2_user)
    client.force_login(s.hmu_user)
    html = client.get(url(s)).content.decode()
    assert html.count("Ikke indsendt") == 1
    assert reverse("approvals:response", args=[s.catalogue.slug, s.lmu2.pk]) in html


def test_panel_on_the_catalogue_page():
    s = Setup().to_hearing()
    request = RequestFactory().get("/")
    request.user = s.lmu1_user
    html = workflow_panel(request, s.catalogue)
    assert "LMU-høring" in html
    assert url(s) in html
    assert any(url(s) in panel for panel in render_catalogue_panels(request, s.catalogue))
    request.user = s.outsider  # may not see the catalogue: no panels at all
    assert render_catalogue_panels(request, s.catalogue) == []
