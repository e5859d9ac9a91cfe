"""The HMU review page: LMU stances side by side, HMU positions, forward and send back; query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import hearing, services
from approvals.models import CatalogueProcess, Committee, HmuPosition, HmuReview
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


def url(s):
    return reverse("approvals:hmu_review", args=[s.catalogue.slug])


def hmu_ready():
    """HMU review started early: LMU Et answered with comments, LMU To did not."""
    s = Setup().to_hearing()
    stances = {
        p.pk: (["support", "concerns", "oppose"][i % 3], f"LMU Et om {p.code}") for i, p in enumerate(s.proposals)
    }
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="Vi er samlet set positive", stances=stances, submit=True
    )
    services.start_hmu_review(s.process, actor=s.admin, reason="HMU-mødet er rykket frem")
    return s


def review_data(s, positions, statement="HMU anbefaler kataloget"):
    data = {"statement": statement}
    for p in s.proposals:
        stance, comment = positions.get(p.pk, ("", ""))
        data[f"stance_{p.pk}"] = stance
        data[f"comment_{p.pk}"] = comment
    return data


def test_page_shows_stances_side_by_side_counts_and_missing_lmus(client):
    s = hmu_ready()
    client.force_login(s.hmu_user)
    html = client.get(url(s)).content.decode()
    assert "LMU'er der ikke har svaret" in html
    assert "<li>LMU To</li>" in html
    for p in s.proposals:
        assert f"LMU Et om {p.code}" in html
    assert "Vi er samlet set positive" in html
    # Counts table (django-tables2): one row per proposal with a column per stance.
    assert "Holdninger pr. forslag" in html
    for label in ("Støtter", "Ingen bemærkninger", "Betænkeligheder", "Imod", "Ingen holdning"):
        assert label in html
    assert 'class="app-stance-oppose">Imod' in html
    assert "Ikke svaret" in html  # LMU To's empty cell
    assert 'name="statement"' in html
    assert f'name="stance_{s.proposals[0].pk}"' in html


def test_record_positions_and_statement(client):
    s = hmu_ready()
    client.force_login(s.hmu_user)
    first = s.proposals[0]
    response = client.post(url(s), review_data(s, {first.pk: ("concerns", "Følg op")}), follow=True)
    assert "HMU&#x27;s behandling er gemt." in response.content.decode()
    review = HmuReview.objects.get(process=s.process)
    assert review.statement == "HMU anbefaler kataloget" and review.updated_by == s.hmu_user
    assert [(x.proposal_id, x.stance, x.comment) for x in HmuPosition.objects.all()] == [
        (first.pk, "concerns", "Følg op")
    ]
    assert 'value="concerns" selected' in response.content.decode()


def test_forward_needs_the_statement_then_moves_to_signoff(client):
    s = hmu_ready()
    client.force_login(s.hmu_user)
    forward = reverse("approvals:hmu_forward", args=[s.catalogue.slug])
    response = client.post(forward, {"forward-note": ""}, follow=True)
    assert "HMU&#x27;s samlede udtalelse skal være registreret" in response.content.decode()
    assert s.reload().state == State.HMU_REVIEW
    client.post(url(s), review_data(s, {}))
    response = client.post(forward, {"forward-note": "Klar til rådmandsmødet"}, follow=True)
    assert "Kataloget er sendt til godkendelse." in response.content.decode()
    assert s.reload().state == State.AWAITING_SIGNOFF
    assert s.process.transitions.last().note == "Klar til rådmandsmødet"
    # Read-only afterwards: no form, the recorded statement shown.
    html = client.get(url(s)).content.decode()
    assert 'name="statement"' not in html and "HMU anbefaler kataloget" in html


def test_send_back_to_hearing_needs_a_reason(client):
    s = hmu_ready()
    client.force_login(s.hmu_user)
    back = reverse("approvals:send_back_to_hearing", args=[s.catalogue.slug])
    response = client.post(back, {"back-reason": ""})
    assert response.status_code == 200
    assert "Skriv en begrundelse." in response.content.decode()
    assert s.reload().state == State.HMU_REVIEW
    client.post(back, {"back-reason": "LMU To skal have mulighed for at svare"})
    assert s.reload().state == State.HEARING
    assert s.process.transitions.last().note == "LMU To skal have mulighed for at svare"


def test_staff_sees_the_page_read_only(client):
    s = hmu_ready()
    client.force_login(s.admin)
    html = client.get(url(s)).content.decode()
    assert 'name="statement"' not in html
    assert "LMU Et om 1" in html


def _sized(proposals, lmus):
    """A catalogue in HMU review with ``proposals`` proposals and ``lmus`` heard LMUs that all answered."""
    s = Setup(proposals=proposals)
    extra = [
        make_committee(s.department, Committee.Kind.LMU, name=f"Ekstra LMU {i}", members=[make_user()])
        for i in range(lmus - 2)
    ]
    committees = [s.lmu1, s.lmu2, *extra]
    services.configure_hearing(
        s.process, actor=s.admin, committees=committees, hearing_deadline=s.deadline, hmu_meeting=None
    )
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


def test_query_count_does_not_grow_with_proposals_or_lmus(client, django_assert_num_queries):
    small = _sized(proposals=2, lmus=2)
    large = _sized(proposals=12, lmus=6)
    client.force_login(small.hmu_user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(small)).status_code == 200
    client.force_login(large.hmu_user)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url(large))
    assert response.status_code == 200
    assert response.content.decode().count('class="app-stance-concerns"') == 12 * 6


def test_hmu_member_starts_the_review_from_the_hmu_page_once_every_lmu_has_answered(client):
    s = Setup().to_hearing()
    client.force_login(s.hmu_user)
    assert "Start HMU-behandlingen" not in client.get(url(s)).content.decode()  # LMUs still missing
    for committee in (s.lmu1, s.lmu2):
        hearing.save_hearing_response(
            s.process,
            committee,
            actor=committee.members.first(),
            general_comment="",
            stances=s.all_stances(),
            submit=True,
        )
    html = client.get(url(s)).content.decode()
    assert "Høringen er afsluttet." in html and 'name="return_to" value="hmu_review"' in html
    start = reverse("approvals:start_hmu_review", args=[s.catalogue.slug])
    response = client.post(start, {"return_to": "hmu_review"}, follow=True)
    assert response.redirect_chain == [(url(s), 302)]
    assert "HMU-behandlingen er startet." in response.content.decode()
    assert 'name="statement"' in response.content.decode()
    s.process.refresh_from_db()
    assert s.process.state == State.HMU_REVIEW
