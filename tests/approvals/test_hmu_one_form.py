"""HMU never loses work (issue 23.1) and its form fits any catalogue (issue 26): the forward and
send-back buttons are in HMU's one form and save the review first, in the step's transaction;
a refusal shows every field again. The page shows a page of proposals at a time and a POST
holds only that page's, so it stays under DATA_UPLOAD_MAX_NUMBER_FIELDS at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import hearing, services
from approvals.models import CatalogueProcess, HmuPosition, HmuReview
from approvals.views.hmu import PAGE_SIZE
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


def started(proposals=3):
    s = Setup(proposals=proposals).to_hearing()
    services.start_hmu_review(s.process, actor=s.admin, reason="HMU-mødet er rykket frem")
    return s


def url(s, query=""):
    return reverse("approvals:hmu_review", args=[s.catalogue.slug]) + query


def typed(s, proposals=None, statement="HMU anbefaler kataloget", **extra):
    data = {"statement": statement, **extra}
    for i, p in enumerate(s.proposals if proposals is None else proposals):
        data[f"stance_{p.pk}"] = ["support", "concerns", "oppose"][i % 3]
        data[f"comment_{p.pk}"] = f"HMU om {p.code}"
    return data


def test_forward_from_the_form_saves_the_review_and_forwards(client):
    s = started()
    client.force_login(s.hmu_user)
    html = client.get(url(s)).content.decode()
    # One form: the forward button and its note are in HMU's form.
    form = html[html.index('<form method="post" novalidate class="app-hmu-form">') :]
    form = form[: form.index("</form>")]
    assert 'name="statement"' in form and 'name="forward-note"' in form
    assert 'name="action" value="forward"' in form and 'name="action" value="back"' in form
    response = client.post(url(s), typed(s, action="forward", **{"forward-note": "Klar"}), follow=True)
    assert "Kataloget er sendt til godkendelse." in response.content.decode()
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert HmuReview.objects.get(process=s.process).statement == "HMU anbefaler kataloget"
    assert HmuPosition.objects.filter(review__process=s.process).count() == 3
    assert s.process.transitions.last().note == "Klar"


def test_a_refused_forward_saves_nothing_and_shows_every_field_again(client):
    s = started()
    client.force_login(s.hmu_user)
    data = typed(s, statement="", action="forward", **{"forward-note": "Min bemærkning"})
    response = client.post(url(s), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "HMU&#x27;s samlede udtalelse skal være registreret" in html
    assert s.reload().state == State.HMU_REVIEW
    assert not HmuPosition.objects.exists()  # the save rolled back with the refused step
    for p in s.proposals:
        assert f"HMU om {p.code}</textarea>" in html
    assert '<option value="concerns" selected>' in html and "Min bemærkning</textarea>" in html


def test_send_back_from_the_form_saves_the_review_first_or_keeps_every_field(client):
    s = started()
    client.force_login(s.hmu_user)
    response = client.post(url(s), typed(s, action="back", **{"back-reason": ""}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv en begrundelse." in html and f"HMU om {s.proposals[0].code}</textarea>" in html
    assert "HMU anbefaler kataloget</textarea>" in html
    assert not HmuReview.objects.exists() and s.reload().state == State.HMU_REVIEW
    client.post(url(s), typed(s, action="back", **{"back-reason": "LMU To skal svare"}))
    assert s.reload().state == State.HEARING
    assert HmuPosition.objects.filter(review__process=s.process).count() == 3


def test_the_page_shows_a_page_of_proposals_and_saves_that_page_only(client, settings):
    size = PAGE_SIZE + 50
    s = started(size)
    client.force_login(s.hmu_user)
    # Every proposal's fields in one POST would pass Django's limit: lowered here so the
    # test needs no 20,000 proposals.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2 * PAGE_SIZE + 20
    assert client.post(url(s), typed(s)).status_code == 400  # all at once: too many fields
    first, second = s.proposals[:PAGE_SIZE], s.proposals[PAGE_SIZE:]
    html = client.get(url(s)).content.decode()
    assert html.count('<fieldset class="app-proposal"') == PAGE_SIZE
    assert f'name="stance_{second[0].pk}"' not in html
    assert 'name="goto" value="2"' in html  # "save and show page 2"
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url(s), typed(s, first, side="1", goto="2"))
    assert response.status_code == 302 and response["Location"] == url(s, "?side=2")
    html = client.get(url(s, "?side=2")).content.decode()
    assert html.count('<fieldset class="app-proposal"') == 50 and f'name="stance_{second[0].pk}"' in html
    # Page 2 saved with the same queries as page 1 (200 proposals), page 1's positions kept.
    data = typed(s, second, statement="Samlet", side="2")
    data[f"stance_{second[0].pk}"] = "oppose"
    with CaptureQueriesContext(connection) as ctx2:
        assert client.post(url(s), data).status_code == 302
    assert len(ctx2.captured_queries) == len(ctx.captured_queries)
    positions = dict(HmuPosition.objects.values_list("proposal_id", "stance"))
    assert len(positions) == size and positions[first[1].pk] == "concerns" and positions[second[0].pk] == "oppose"
    assert HmuReview.objects.get().statement == "Samlet"
    # A page's position cleared clears that one only.
    data[f"stance_{second[0].pk}"] = data[f"comment_{second[0].pk}"] = ""
    client.post(url(s), data)
    assert HmuPosition.objects.count() == size - 1


def test_forward_with_the_statement_from_another_page(client):
    """Forwarding from page 2 saves page 2 and the statement; page 1's positions stay as saved."""
    s = started(PAGE_SIZE + 1)
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="", positions=s.all_stances("support"))
    client.force_login(s.hmu_user)
    data = typed(s, s.proposals[PAGE_SIZE:], side="2", action="forward", **{"forward-note": ""})
    data[f"stance_{s.proposals[-1].pk}"] = "oppose"
    assert client.post(url(s), data).status_code == 302
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert HmuPosition.objects.filter(stance="support").count() == PAGE_SIZE  # page 1's as they were
    assert HmuPosition.objects.get(proposal=s.proposals[-1]).stance == "oppose"


def test_the_signoff_pages_two_decisions_are_one_form_and_a_refusal_keeps_both(client):
    s = Setup().to_awaiting_signoff()
    client.force_login(s.signoff_user)
    signoff = reverse("approvals:signoff", args=[s.catalogue.slug])
    html = client.get(signoff).content.decode()
    form = html[html.index(f'<form method="post" action="{reverse("approvals:approve", args=[s.catalogue.slug])}"') :]
    form = form[: form.index("</form>")]
    assert 'name="approve-note"' in form and 'name="back-reason"' in form
    assert f'formaction="{reverse("approvals:send_back", args=[s.catalogue.slug])}"' in form
    # "Send tilbage" pressed with a note for the approval typed but no reason.
    data = {"approve-note": "Godkendes med bemærkning", "back-reason": ""}
    response = client.post(reverse("approvals:send_back", args=[s.catalogue.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv en begrundelse." in html and "Godkendes med bemærkning</textarea>" in html
    assert "Bekræft godkendelsen." not in html  # the approval's button was not pressed
    assert s.reload().state == State.AWAITING_SIGNOFF


def test_a_proposals_responses_read_that_proposal_and_link_back_to_its_page(client, django_assert_num_queries):
    s = Setup(proposals=PAGE_SIZE + 1).to_hmu_review()
    client.force_login(s.hmu_user)
    last = s.proposals[-1]
    responses = reverse("approvals:hmu_responses", args=[s.catalogue.slug, last.pk])
    html = client.get(responses).content.decode()
    assert f'href="{url(s)}?side=2#forslag-{last.pk}"' in html
    assert html.count('class="app-stance-support">Støtter') == 2  # LMU Et's and LMU To's
    # As few queries as for a catalogue of two proposals.
    small = Setup(proposals=2).to_hmu_review()
    client.force_login(small.hmu_user)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("approvals:hmu_responses", args=[small.catalogue.slug, small.proposals[0].pk]))
    client.force_login(s.hmu_user)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(responses)
