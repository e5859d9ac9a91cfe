"""The committee pages at the size of a municipality's budget: the hearing response and HMU
forms save in bulk (the same queries at 10 and 1,000 proposals) and at 5,000 proposals
(Django's field limit sized from the largest catalogue); each page's queries stay the same
whatever the number of proposals and LMUs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import hearing, services
from approvals.models import Committee, HearingResponse, HmuPosition, ProposalStance
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def response_url(s):
    return reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])


def hmu_url(s):
    return reverse("approvals:hmu_review", args=[s.catalogue.slug])


def form_data(s, stance, comment, **extra):
    data = dict(extra)
    for i, p in enumerate(s.proposals):
        data[f"stance_{p.pk}"] = stance
        data[f"comment_{p.pk}"] = f"{comment} {i}"
    return data


def count_queries(client, url, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(ctx.captured_queries)


def test_saving_a_response_costs_the_same_queries_at_10_and_1000_proposals(client):
    counts = {}
    for size in (10, 1000):
        s = Setup(proposals=size).to_hearing()
        client.force_login(s.lmu1_user)
        first = count_queries(client, response_url(s), form_data(s, "support", "Først", general_comment="G"))
        # Changed stances (delete and insert), then the submission.
        again = count_queries(client, response_url(s), form_data(s, "concerns", "Igen", general_comment="G"))
        data = form_data(s, "oppose", "Indsendt", general_comment="G", action="submit", confirm_submit="on")
        submit = count_queries(client, response_url(s), data)
        counts[size] = (first, again, submit)
        stances = ProposalStance.objects.filter(response__committee=s.lmu1)
        assert stances.count() == size
        assert set(stances.values_list("stance", flat=True)) == {"oppose"}
        assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.SUBMITTED
    assert counts[10] == counts[1000]


def hmu_started(proposals):
    s = Setup(proposals=proposals).to_hearing()
    services.start_hmu_review(s.process, actor=s.admin, reason="Mødet er rykket frem")
    return s


def test_saving_an_hmu_review_costs_the_same_queries_at_10_and_1000_proposals(client):
    counts = {}
    for size in (10, 1000):
        s = hmu_started(size)
        client.force_login(s.hmu_user)
        first = count_queries(client, hmu_url(s), form_data(s, "support", "HMU", statement="Udtalelse"))
        again = count_queries(client, hmu_url(s), form_data(s, "oppose", "HMU igen", statement="Udtalelse"))
        counts[size] = (first, again)
        assert HmuPosition.objects.filter(review__process=s.process, stance="oppose").count() == size
    assert counts[10] == counts[1000]


def test_a_response_and_an_hmu_review_of_5000_proposals_save(client):
    s = Setup(proposals=5000).to_hearing()
    client.force_login(s.lmu1_user)
    data = form_data(s, "support", "Kommentar", general_comment="Stort katalog", action="submit", confirm_submit="on")
    response = client.post(response_url(s), data)
    assert response.status_code == 302
    assert ProposalStance.objects.filter(response__committee=s.lmu1, stance="support").count() == 5000
    services.start_hmu_review(s.process, actor=s.admin, reason="Mødet er rykket frem")
    client.force_login(s.hmu_user)
    response = client.post(hmu_url(s), form_data(s, "concerns", "HMU", statement="Udtalelse"))
    assert response.status_code == 302
    assert HmuPosition.objects.filter(review__process=s.process, stance="concerns").count() == 5000


def test_a_refused_save_at_1000_proposals_saves_nothing_and_shows_the_text_again(client):
    s = Setup(proposals=1000).to_hearing()
    client.force_login(s.lmu1_user)
    data = form_data(s, "support", "Min tekst", general_comment="G", action="submit", confirm_submit="on")
    last = s.proposals[-1]
    data[f"stance_{last.pk}"] = data[f"comment_{last.pk}"] = ""  # a stance missing: all is refused
    response = client.post(response_url(s), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Vælg en holdning til forslag {last.code} {last.title}." in html
    assert "Min tekst 998" in html and f'href="#id_stance_{last.pk}"' in html
    assert not HearingResponse.objects.filter(committee=s.lmu1).exists()
    assert not ProposalStance.objects.filter(response__committee=s.lmu1).exists()


def sized(proposals, lmus):
    """A catalogue in HMU review with ``proposals`` proposals and ``lmus`` heard LMUs that all
    answered, and HMU's positions recorded."""
    s = Setup(proposals=proposals)
    extra = [
        make_committee(s.department, Committee.Kind.LMU, name=f"Ekstra LMU {i}", members=[make_user()])
        for i in range(lmus - 2)
    ]
    committees = [s.lmu1, s.lmu2, *extra]
    services.configure_hearing(s.process, actor=s.admin, committees=committees, hearing_deadline=s.deadline)
    s.to_hearing()
    for committee in committees:
        hearing.save_hearing_response(
            s.process,
            committee,
            actor=committee.members.first(),
            general_comment="Svar",
            stances=s.all_stances("concerns", "Kommentar"),
            submit=True,
        )
    services.start_hmu_review(s.process, actor=s.hmu_user)
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="Udtalelse", positions=s.all_stances())
    return s


PAGES = {
    "response": (lambda s: s.lmu1_user, response_url),
    "responses": (lambda s: s.admin, lambda s: reverse("approvals:responses", args=[s.catalogue.slug])),
    "hmu": (lambda s: s.hmu_user, hmu_url),
    "signoff": (lambda s: s.admin, lambda s: reverse("approvals:signoff", args=[s.catalogue.slug])),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_queries_do_not_grow_with_proposals_or_lmus(client, page, django_assert_num_queries):
    user_of, url_of = PAGES[page]
    counts = []
    for size in ((2, 2), (12, 2), (2, 6)):
        s = sized(*size)
        client.force_login(user_of(s))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url_of(s)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
    s = sized(12, 6)
    client.force_login(user_of(s))
    with django_assert_num_queries(counts[0]):
        assert client.get(url_of(s)).status_code == 200
