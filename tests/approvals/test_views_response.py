"""The LMU hearing response form end to end: draft, validation, submit, read-only, reopen."""

import datetime

import pytest
from django.urls import reverse

from approvals import deadlines
from approvals.models import CatalogueProcess, HearingResponse, ProposalStance
from proposals.models import Catalogue
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return Setup().to_hearing()


def url(s, committee=None):
    return reverse("approvals:response", args=[s.catalogue.slug, (committee or s.lmu1).pk])


def post_data(s, stances, general="Generelt svar", action="save", confirm=True):
    data = {"general_comment": general, "action": action}
    if action == "submit" and confirm:
        data["confirm_submit"] = "on"  # the confirmation step's tick
    for p in s.proposals:
        stance, comment = stances.get(p.pk, ("", ""))
        data[f"stance_{p.pk}"] = stance
        data[f"comment_{p.pk}"] = comment
    return data


def test_form_shows_each_proposal_with_its_figures_in_the_catalogue_convention(client):
    s = Setup(sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, amount=-1100).to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(url(s)).content.decode()
    for p in s.proposals:
        assert f'<legend class="h3">{p.code} {p.title}</legend>' in html
        assert f'name="stance_{p.pk}"' in html
        assert f'<label class="form-label" for="id_stance_{p.pk}">' in html
    # MSO writes savings positive: the internal -1100 shows as 1.100.
    assert '<td class="num">1.100</td>' in html
    assert "-1.100" not in html
    assert s.deadline.strftime("%Y") in html
    assert "Gem kladde" in html and "Indsend" in html


def test_savings_negative_catalogue_shows_minus(client, s):
    client.force_login(s.lmu1_user)
    assert '<td class="num">-1.000</td>' in client.get(url(s)).content.decode()


def test_save_draft_with_some_stances_then_edit(client, s):
    client.force_login(s.lmu1_user)
    first = s.proposals[0]
    response = client.post(url(s), post_data(s, {first.pk: ("concerns", "Bekymret for kvaliteten")}), follow=True)
    assert response.redirect_chain[-1][0] == url(s)
    assert "Kladden er gemt." in response.content.decode()
    saved = HearingResponse.objects.get(process=s.process, committee=s.lmu1)
    assert saved.status == HearingResponse.Status.DRAFT
    assert saved.general_comment == "Generelt svar"
    assert list(saved.authors.all()) == [s.lmu1_user]
    assert [(x.proposal_id, x.stance, x.comment) for x in saved.stances.all()] == [
        (first.pk, "concerns", "Bekymret for kvaliteten")
    ]
    # The draft comes back into the form and can be changed.
    html = response.content.decode()
    assert 'value="concerns" selected' in html
    assert "Bekymret for kvaliteten" in html
    client.post(url(s), post_data(s, {first.pk: ("support", "")}, general="Ændret"))
    saved.refresh_from_db()
    assert saved.general_comment == "Ændret"
    assert ProposalStance.objects.get(response=saved).stance == "support"


def test_submit_needs_a_stance_on_every_proposal_and_saves_nothing_otherwise(client, s):
    client.force_login(s.lmu1_user)
    first, second = s.proposals[0], s.proposals[1]
    response = client.post(url(s), post_data(s, {first.pk: ("support", "Godt")}, action="submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-module="error-summary"' in html
    assert "Der er problemer" in html
    message = f"Vælg en holdning til forslag {second.code} {second.title}."
    assert f'<a href="#id_stance_{second.pk}" class="function-link">{message}</a>' in html
    assert f'id="id_stance_{second.pk}-error"' in html
    assert f'aria-describedby="id_stance_{second.pk}-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Godt" in html  # typed text is kept
    assert not HearingResponse.objects.exists()


def test_comment_without_stance_is_refused_in_a_draft(client, s):
    client.force_login(s.lmu1_user)
    first = s.proposals[0]
    response = client.post(url(s), post_data(s, {first.pk: ("", "Kun en kommentar")}))
    assert response.status_code == 200
    assert (
        f"Vælg en holdning til forslag {first.code}, når du skriver en kommentar til det." in response.content.decode()
    )
    assert not HearingResponse.objects.exists()


def test_submit_then_read_only(client, s):
    client.force_login(s.lmu1_user)
    stances = {p.pk: ("oppose", f"Imod {p.code}") for p in s.proposals}
    response = client.post(url(s), post_data(s, stances, action="submit"), follow=True)
    html = response.content.decode()
    assert "Høringssvaret er indsendt." in html
    saved = HearingResponse.objects.get(process=s.process, committee=s.lmu1)
    assert saved.status == HearingResponse.Status.SUBMITTED and saved.submitted_by == s.lmu1_user
    # Read-only now: no stance selects, the answers shown, the reason said.
    assert 'name="stance_' not in html
    assert "Imod 1" in html
    assert "Høringssvaret er indsendt og kan ikke længere ændres." in html
    # A POST after submission changes nothing.
    response = client.post(url(s), post_data(s, {p.pk: ("support", "") for p in s.proposals}), follow=True)
    assert "kan ikke længere ændres" in response.content.decode()
    assert set(ProposalStance.objects.values_list("stance", flat=True)) == {"oppose"}


def test_other_heard_lmu_sees_submitted_response_read_only(client, s):
    s.submit(s.lmu1, s.lmu1_user)
    client.force_login(s.lmu2_user)
    html = client.get(url(s)).content.decode()
    assert 'name="stance_' not in html
    assert "Støtter" in html


def test_read_only_after_the_deadline(client, s):
    client.force_login(s.lmu1_user)
    client.post(url(s), post_data(s, {s.proposals[0].pk: ("support", "")}))
    yesterday = deadlines.local_today() - datetime.timedelta(days=1)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday)
    html = client.get(url(s)).content.decode()
    assert 'name="stance_' not in html
    assert "er overskredet" in html


def test_text_written_when_the_deadline_passed_meanwhile_is_shown_not_lost(client, s):
    client.force_login(s.lmu1_user)
    page = client.get(url(s)).content.decode()
    assert 'name="stance_' in page  # the member starts writing ...
    yesterday = deadlines.local_today() - datetime.timedelta(days=1)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday)  # ... the deadline passes
    first = s.proposals[0]
    data = post_data(s, {first.pk: ("concerns", "Vi er bekymrede for\nbemandingen.")}, general="Lang kommentar")
    response = client.post(url(s), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "er overskredet" in html and "Det, du skrev, er ikke gemt" in html
    assert ">Lang kommentar</textarea>" in html
    assert f'<label class="form-label" for="unsaved-2">{first.code} {first.title}</label>' in html
    assert "Vi er bekymrede for\nbemandingen.</textarea>" in html
    assert not HearingResponse.objects.exists()


def test_staff_reopens_a_submitted_response_with_a_reason(client, s):
    s.submit(s.lmu1, s.lmu1_user)
    client.force_login(s.admin)
    page = client.get(url(s)).content.decode()
    assert "Genåbn høringssvaret" in page
    reopen = reverse("approvals:response_reopen", args=[s.catalogue.slug, s.lmu1.pk])
    # Without a reason: the error stands next to the field, nothing changes.
    response = client.post(reopen, {"reopen-reason": "  "})
    assert response.status_code == 200
    assert "Skriv en begrundelse." in response.content.decode()
    assert HearingResponse.objects.get().status == HearingResponse.Status.SUBMITTED
    response = client.post(reopen, {"reopen-reason": "Forkert holdning til forslag 2"}, follow=True)
    assert "Høringssvaret er genåbnet." in response.content.decode()
    reopened = HearingResponse.objects.get()
    assert reopened.status == HearingResponse.Status.DRAFT
    assert reopened.reopened_reason == "Forkert holdning til forslag 2"
    # The LMU can edit again.
    client.force_login(s.lmu1_user)
    html = client.get(url(s)).content.decode()
    assert 'name="stance_' in html and "Forkert holdning til forslag 2" in html


def test_staff_lets_an_lmu_that_never_answered_answer_after_the_deadline(client, s):
    yesterday = deadlines.local_today() - datetime.timedelta(days=1)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday)
    client.force_login(s.admin)
    assert "Genåbn høringssvaret" in client.get(url(s, s.lmu2)).content.decode()
    reopen = reverse("approvals:response_reopen", args=[s.catalogue.slug, s.lmu2.pk])
    response = client.post(reopen, {"reopen-reason": "LMU To var forhindret"}, follow=True)
    assert "Høringssvaret er genåbnet." in response.content.decode()
    late = HearingResponse.objects.get(committee=s.lmu2)
    assert late.status == HearingResponse.Status.DRAFT and late.reopened_reason == "LMU To var forhindret"
    client.force_login(s.lmu2_user)
    assert 'name="stance_' in client.get(url(s, s.lmu2)).content.decode()  # LMU To can write now


def test_lmu_member_does_not_see_reopen_form(client, s):
    s.submit(s.lmu1, s.lmu1_user)
    client.force_login(s.lmu1_user)
    assert "Genåbn høringssvaret" not in client.get(url(s)).content.decode()


def test_phase_in_row_needs_no_stance_on_submit(client):
    s = Setup(proposals=2).to_hearing()
    phase_in = s.proposals[1]
    phase_in.is_phase_in = True
    phase_in.save()
    client.force_login(s.lmu1_user)
    response = client.post(url(s), post_data(s, {s.proposals[0].pk: ("support", "")}, action="submit"))
    assert response.status_code == 302
    assert HearingResponse.objects.get().status == HearingResponse.Status.SUBMITTED


def test_responses_list_shows_own_draft_and_others_submitted_only(client, s):
    s.submit(s.lmu2, s.lmu2_user)
    client.force_login(s.lmu1_user)
    client.post(url(s), post_data(s, {s.proposals[0].pk: ("support", "")}))
    html = client.get(reverse("approvals:responses", args=[s.catalogue.slug])).content.decode()
    assert "LMU Et" in html and "LMU To" in html
    client.force_login(s.lmu2_user)
    html = client.get(reverse("approvals:responses", args=[s.catalogue.slug])).content.decode()
    assert ">LMU To</a>" in html
    assert ">LMU Et</a>" not in html  # a draft is its own committee's business


def test_responses_list_filters_by_status_and_committee(client, s):
    s.submit(s.lmu2, s.lmu2_user)
    client.force_login(s.lmu1_user)
    client.post(url(s), post_data(s, {s.proposals[0].pk: ("support", "")}))  # LMU Et: a draft
    listing = reverse("approvals:responses", args=[s.catalogue.slug])
    html = client.get(listing, {"status": "submitted"}).content.decode()
    assert ">LMU To</a>" in html and ">LMU Et</a>" not in html
    html = client.get(listing, {"committee": "et"}).content.decode()
    assert ">LMU Et</a>" in html and ">LMU To</a>" not in html
    assert 'aria-label="Filtrér høringssvar"' in html
