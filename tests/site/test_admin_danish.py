"""The admin is Danish throughout (issue 23, finding 8's language part): django-axes' lockout
records, our models' relation fields, the inlines' add button, and Django's save messages in a
phrasing that fits any of our model names (no "den/det", no "en/et" guessed for a gender)."""

import json

import pytest
from django.urls import reverse

from approvals.models import HearingResponse
from proposals.models import Department, Proposal
from tests.approval_factories import Setup
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def test_the_lockout_records_are_named_in_danish(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Loginforsøg og spærringer" in html and "Loginforsøg" in html
    assert "Access attempts" not in html and "Access logs" not in html and ">Axes<" not in html
    page = admin_client.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert "Browser (user agent)" in page and "IP-adresse" in page and "User Agent" not in page


def test_relation_fields_have_danish_names(admin_client):
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    html = admin_client.get(reverse("admin:approvals_hearingresponse_changelist")).content.decode()
    assert "Indsendt af" in html and "Udvalg" in html
    assert "Submitted by" not in html and ">Committee<" not in html
    assert str(HearingResponse._meta.get_field("submitted_by").verbose_name) == "indsendt af"


def test_an_inline_adds_a_row_without_guessing_the_gender(admin_client):
    catalogue = make_catalogue(proposals=1)
    proposal = Proposal.objects.get(catalogue=catalogue)
    html = admin_client.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    # The button's text is in the inline's JSON settings (data-inline-formset).
    assert json.dumps("Tilføj endnu en række")[1:-1] in html
    assert json.dumps("Tilføj endnu en Forslagsår")[1:-1] not in html


def test_save_messages_fit_every_model_name(admin_client):
    department = Department.objects.create(code="MSO", name="Sundhed og Omsorg", municipality="Aarhus Kommune")
    url = reverse("admin:proposals_department_change", args=[department.pk])
    data = {"code": "MSO", "name": "Sundhed og Omsorg", "municipality": "Aarhus Kommune", "manager_emails": ""}
    for button, expected in (
        ("_continue", "MSO – Sundhed og Omsorg</a>« er gemt. Du kan fortsætte redigeringen herunder."),
        ("_save", "MSO – Sundhed og Omsorg</a>« er gemt."),
    ):
        response = admin_client.post(url, {**data, button: "1"}, follow=True)
        assert response.redirect_chain, response.context["adminform"].form.errors
        messages = [str(m) for m in response.context["messages"]]
        assert any(m.startswith("Ændringerne i magistratsafdeling »<a ") and expected in m for m in messages), messages
        assert not any("den/det" in m or "en/et" in m or m[0].islower() for m in messages), messages
