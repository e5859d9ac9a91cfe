"""The LMU response form of a catalogue larger than one page (issue 26): each page posts only its
own rows, so no POST comes near Django's field limit, whatever the catalogue's size; a draft is
saved page by page, and a submission checks the whole response, stances saved on other pages
included, all or nothing. Here the limit is lowered and the pages made small instead of building
20.000 proposals: a catalogue of 50 in pages of 20, against a limit of 60 fields."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import hearing
from approvals.models import HearingResponse, ProposalStance
from approvals.views import hearing as hearing_views
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings, monkeypatch):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 60
    monkeypatch.setattr(hearing_views, "ROWS_PER_PAGE", 20)


def url(s, query=""):
    return reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk]) + query


def shown_rows(html):
    """The proposal ids whose inputs the page shows (what a browser would post)."""
    return [int(pk) for pk in re.findall(r'<select name="stance_(\d+)"', html)]


def page_post(rows, stance, comment, **extra):
    data = {"general_comment": "Vores svar", **extra}
    for pk in rows:
        data[f"stance_{pk}"] = stance
        data[f"comment_{pk}"] = f"{comment} {pk}"
    return data


def test_the_whole_form_in_one_post_would_be_refused_but_each_page_saves(client, small_pages):
    s = Setup(proposals=50).to_hearing()
    client.force_login(s.lmu1_user)
    # What the one-page form posted: 100 row fields, over the limit. Django refuses it.
    everything = page_post([p.pk for p in s.proposals], "support", "Alt")
    assert client.post(url(s), everything).status_code == 400

    html = client.get(url(s)).content.decode()
    first = shown_rows(html)
    assert first == [p.pk for p in s.proposals[:20]]
    assert "Forslag 1–20 af 50." in html and 'name="goto" value="2"' in html

    # "Næste" saves the shown page's rows as a draft and opens the next page.
    response = client.post(url(s), page_post(first, "support", "Side 1", goto="2"))
    assert response.status_code == 302 and response["Location"] == url(s, "?side=2")
    html = client.get(response["Location"]).content.decode()
    second = shown_rows(html)
    assert second == [p.pk for p in s.proposals[20:40]]
    assert "Forslag 21–40 af 50." in html
    response = client.post(url(s, "?side=2"), page_post(second, "concerns", "Side 2"))
    assert response["Location"] == url(s, "?side=2")  # "Gem kladde" stays on the page
    third = shown_rows(client.get(url(s, "?side=3")).content.decode())
    assert third == [p.pk for p in s.proposals[40:]]

    response = client.post(
        url(s, "?side=3"), page_post(third, "oppose", "Side 3", action="submit", confirm_submit="on")
    )
    assert response.status_code == 302
    submitted = HearingResponse.objects.get(committee=s.lmu1)
    assert submitted.status == HearingResponse.Status.SUBMITTED
    saved = dict(ProposalStance.objects.filter(response=submitted).values_list("proposal_id", "stance"))
    assert saved == {
        **{pk: "support" for pk in first},
        **{pk: "concerns" for pk in second},
        **{pk: "oppose" for pk in third},
    }
    # A page's save left the other pages' stances as they were.
    assert ProposalStance.objects.get(response=submitted, proposal_id=first[0]).comment == f"Side 1 {first[0]}"


def test_a_submission_missing_a_stance_on_another_page_saves_nothing_and_points_there(client, small_pages):
    s = Setup(proposals=50).to_hearing()
    client.force_login(s.lmu1_user)
    hole = s.proposals[5]  # on page 1
    stances = {p.pk: ("support", "Gemt") for p in s.proposals[:40] if p != hole}
    hearing.save_hearing_response(s.process, s.lmu1, actor=s.lmu1_user, general_comment="Kladde", stances=stances)
    third = [p.pk for p in s.proposals[40:]]
    data = page_post(third, "oppose", "Skrevet på side 3", action="submit", confirm_submit="on")
    response = client.post(url(s, "?side=3"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="?side=1#id_stance_{hole.pk}"' in html
    assert f"Vælg en holdning til forslag {hole.code} {hole.title}." in html
    assert f"Skrevet på side 3 {third[0]}" in html  # what was typed is shown again
    assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.DRAFT
    assert not ProposalStance.objects.filter(response__committee=s.lmu1, proposal_id__in=third).exists()
    assert ProposalStance.objects.filter(response__committee=s.lmu1).count() == 39


def test_clearing_a_saved_stance_in_a_submission_is_refused_and_saves_nothing(client, small_pages):
    s = Setup(proposals=50).to_hearing()
    client.force_login(s.lmu1_user)
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support")
    )
    first = [p.pk for p in s.proposals[:20]]
    data = page_post(first, "", "", action="submit", confirm_submit="on")
    data[f"stance_{first[0]}"] = "oppose"
    data[f"comment_{first[0]}"] = "Imod"
    response = client.post(url(s), data)
    assert response.status_code == 200
    cleared = s.proposals[1]
    assert f'href="#id_stance_{cleared.pk}"' in response.content.decode()
    assert HearingResponse.objects.get(committee=s.lmu1).status == HearingResponse.Status.DRAFT
    assert ProposalStance.objects.filter(response__committee=s.lmu1).count() == 50


def test_a_page_costs_the_same_queries_whatever_the_number_of_pages(client, small_pages, django_assert_num_queries):
    counts = []
    for size in (30, 90):
        s = Setup(proposals=size).to_hearing()
        client.force_login(s.lmu1_user)
        rows = [p.pk for p in s.proposals[:20]]
        with CaptureQueriesContext(connection) as get:
            assert client.get(url(s, "?side=2")).status_code == 200
        with CaptureQueriesContext(connection) as save:
            assert client.post(url(s), page_post(rows, "support", "Kladde")).status_code == 302
        hearing.save_hearing_response(
            s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support")
        )
        with CaptureQueriesContext(connection) as submit:
            data = page_post(rows, "concerns", "Indsendt", action="submit", confirm_submit="on")
            assert client.post(url(s), data).status_code == 302
        counts.append((len(get), len(save), len(submit)))
    assert counts[0] == counts[1], counts
    s = Setup(proposals=50).to_hearing()
    client.force_login(s.lmu1_user)
    with django_assert_num_queries(counts[0][0]):
        assert client.get(url(s, "?side=3")).status_code == 200


def test_a_proposal_link_opens_the_page_it_is_on(client, small_pages):
    s = Setup(proposals=50).to_hearing()
    client.force_login(s.lmu1_user)
    target = s.proposals[45]
    html = client.get(url(s, f"?forslag={target.pk}")).content.decode()
    assert target.pk in shown_rows(html) and "Forslag 41–50 af 50." in html


def test_a_catalogue_of_one_page_has_no_pages(client, small_pages):
    s = Setup(proposals=20).to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(url(s)).content.decode()
    assert len(shown_rows(html)) == 20 and 'name="goto"' not in html and "Forslag 1–" not in html


def test_a_submitted_response_is_read_in_pages_too(client, small_pages):
    s = Setup(proposals=50).to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances=s.all_stances("support", "Læst"), submit=True
    )
    client.force_login(s.lmu1_user)
    html = client.get(url(s, "?side=2")).content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr id="forslag-(\d+)"', html)]
    assert shown == [p.pk for p in s.proposals[20:40]]
    assert 'href="?side=3"' in html and 'name="goto"' not in html
