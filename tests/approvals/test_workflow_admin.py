"""The workflow in the Django admin: set-up through the service, actions, read-only records."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from approvals import hearing
from approvals.models import CatalogueProcess, HearingResponse, SignOff, Transition
from tests.approval_factories import Setup
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:approvals_catalogueprocess_changelist"


@pytest.fixture
def s(client):
    setup = Setup()
    setup.admin.is_superuser = True
    setup.admin.save()
    client.force_login(setup.admin)
    return setup


def act(client, action, pks, url=CHANGELIST, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **extra}
    return client.post(reverse(url), data, follow=True)


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_changelist_lists_the_processes_and_creates_none(client, s):
    catalogue = make_catalogue()
    CatalogueProcess.objects.filter(catalogue=catalogue).delete()
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert str(s.catalogue) in response.content.decode()
    assert not CatalogueProcess.objects.filter(catalogue=catalogue).exists()  # a read does not write


def test_change_form_configures_through_the_service(client, s):
    url = reverse("admin:approvals_catalogueprocess_change", args=[s.process.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "LMU Tre" in response.content.decode()  # LMUs of the department are offered
    data = {
        "heard_committees": [s.lmu2.pk, s.lmu_not_heard.pk],
        "hearing_deadline": "2030-12-05",
        "hmu_meeting": "2030-12-07",
        "signoff_meeting": "2030-12-01",  # before the HMU meeting: refused
        "next_memo-TOTAL_FORMS": 0,
        "next_memo-INITIAL_FORMS": 0,
        "responses-TOTAL_FORMS": 0,
        "responses-INITIAL_FORMS": 0,
        "transitions-TOTAL_FORMS": 0,
        "transitions-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Rådmandsmødet kan ikke ligge før" in response.content.decode()
    assert sorted(c.name for c in s.reload().heard_committees.all()) == ["LMU Et", "LMU To"]
    data["signoff_meeting"] = "2030-12-08"
    response = client.post(url, data)
    assert response.status_code == 302
    process = s.reload()
    assert sorted(c.name for c in process.heard_committees.all()) == ["LMU To", "LMU Tre"]
    assert process.signoff_meeting == datetime.date(2030, 12, 8)


def test_open_hearing_action_and_refusal_message(client, s):
    other = Setup()
    other.process.heard_committees.clear()
    response = act(client, "open_hearing_action", [s.process.pk, other.process.pk])
    texts = page_messages(response)
    assert any(t.endswith(": Høringen er åbnet.") for t in texts)
    assert any("Vælg mindst ét LMU" in t for t in texts)
    assert s.reload().state == "hearing"
    assert CatalogueProcess.objects.get(pk=other.process.pk).state == "draft"


def test_early_start_needs_a_reason_on_the_intermediate_page(client, s):
    s.to_hearing()
    response = act(client, "start_hmu_review_action", [s.process.pk])
    assert response.status_code == 200
    assert "Begrundelse" in response.content.decode()
    assert s.reload().state == "hearing"
    response = act(client, "start_hmu_review_action", [s.process.pk], apply="1", reason="")
    assert any("Angiv en begrundelse" in t for t in page_messages(response))
    assert s.reload().state == "hearing"
    act(client, "start_hmu_review_action", [s.process.pk], apply="1", reason="HMU-mødet er flyttet")
    assert s.reload().state == "hmu_review"
    assert Transition.objects.filter(process=s.process).last().note == "HMU-mødet er flyttet"


def test_forward_action_and_send_back_action(client, s):
    s.to_hmu_review()
    response = act(client, "forward_to_signoff_action", [s.process.pk])
    assert any("udtalelse" in t for t in page_messages(response))
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="OK", positions={})
    act(client, "send_back_to_hearing_action", [s.process.pk], apply="1", reason="Nyt forslag skal høres")
    assert s.reload().state == "hearing"
    assert Transition.objects.filter(process=s.process).last().note == "Nyt forslag skal høres"


def test_reopen_response_from_the_process_and_from_the_response(client, s):
    s.to_hearing()
    r1 = s.submit(s.lmu1, s.lmu1_user)
    r2 = s.submit(s.lmu2, s.lmu2_user)
    response = act(client, "reopen_response_action", [s.process.pk])
    assert "LMU Et" in response.content.decode()
    act(client, "reopen_response_action", [s.process.pk], apply="1", response=str(r1.pk), reason="Rettelse")
    assert HearingResponse.objects.get(pk=r1.pk).status == "draft"
    act(
        client,
        "reopen_action",
        [r2.pk],
        url="admin:approvals_hearingresponse_changelist",
        apply="1",
        reason="Også rettelse",
    )
    r2.refresh_from_db()
    assert (r2.status, r2.reopened_reason) == ("draft", "Også rettelse")


def test_read_only_records_and_readable_snapshot(client, s):
    s.to_signed_off()
    signoff = SignOff.objects.get()
    response = client.get(reverse("admin:approvals_signoff_change", args=[signoff.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forslag 1" in html and "-1.000" in html  # the approved figures, Danish format
    assert 'name="note"' not in html  # nothing to edit
    assert client.post(reverse("admin:approvals_signoff_delete", args=[signoff.pk])).status_code == 403
    r = HearingResponse.objects.first()
    assert client.get(reverse("admin:approvals_hearingresponse_change", args=[r.pk])).status_code == 200
    assert client.get(reverse("admin:approvals_hmureview_changelist")).status_code == 200
    assert client.get(reverse("admin:approvals_committee_change", args=[s.lmu1.pk])).status_code == 200


def test_process_fields_frozen_after_the_hearing(client, s):
    s.to_hmu_review()
    html = client.get(reverse("admin:approvals_catalogueprocess_change", args=[s.process.pk])).content.decode()
    assert 'name="hearing_deadline"' not in html
    assert s.deadline.strftime("%Y") in html  # shown, not editable
