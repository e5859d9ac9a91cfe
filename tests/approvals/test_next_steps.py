"""Each role's next step as a verb (next_steps.next_steps: the dashboard and the catalogue page),
and a catalogue's state and countdown said the same everywhere (selectors.state_label,
days_left)."""

import datetime

import pytest
from django.urls import reverse

from approvals import deadlines, hearing, next_steps, selectors, services, stale_notices
from approvals.models import CatalogueProcess
from proposals.models import ProposalYear
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("approvals:dashboard")


def verbs(user, s):
    return [(step.role, step.verb) for step in next_steps.next_steps(user, selectors.process_row(user, s.process))]


def section(html, key):
    start = html.index(f'id="section-{key}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_the_lmu_writes_edits_and_then_has_nothing_left_to_do():
    s = Setup().to_hearing()
    assert verbs(s.lmu1_user, s) == [("hearing", "Skriv høringssvar")]
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={s.proposals[0].pk: ("support", "")}
    )
    assert verbs(s.lmu1_user, s) == [("hearing", "Ret høringssvar")]
    s.submit(s.lmu1, s.lmu1_user)
    assert verbs(s.lmu1_user, s) == []
    assert verbs(s.outsider, s) == []  # sees nothing: no row, no steps
    assert selectors.process_row(s.outsider, s.process) is None


def test_a_changed_proposal_asks_the_lmu_to_confirm_on_the_dashboard_until_it_does(client):
    s = Setup(title="Besparelser").to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    first = s.proposals[0]
    ProposalYear.objects.filter(proposal=first, year=2025).update(net_amount=-2500)
    client.force_login(s.lmu1_user)
    assert "Ændret siden dit svar" not in client.get(DASHBOARD).content.decode()  # not looked at yet

    stale_notices.check_hearings()
    assert verbs(s.lmu1_user, s) == [("hearing", "Bekræft eller ret dine holdninger")]
    html = section(client.get(DASHBOARD).content.decode(), "hearing")
    assert 'Indsendt<br><span class="app-stale-flag">Ændret siden dit svar – bekræft eller ret</span>' in html
    response_url = reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])
    assert f'<a href="{response_url}" class="app-next-step">Bekræft eller ret dine holdninger</a>' in html
    page = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    assert "Dit næste skridt" in page and ">Bekræft eller ret dine holdninger</a>" in page

    hearing.revise_stale_stance(s.process, s.lmu1, first.pk, actor=s.lmu1_user, stance="support", comment="")
    assert verbs(s.lmu1_user, s) == []
    assert "Ændret siden dit svar" not in client.get(DASHBOARD).content.decode()


def test_no_confirmation_is_asked_once_the_deadline_has_passed():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    ProposalYear.objects.filter(proposal=s.proposals[0], year=2025).update(net_amount=-2500)
    stale_notices.check_hearings()
    assert verbs(s.lmu1_user, s) == [("hearing", "Bekræft eller ret dine holdninger")]
    yesterday = deadlines.local_today() - datetime.timedelta(days=1)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday)
    assert verbs(s.lmu1_user, s) == []  # the flag's record is cleared at the next sweep; the rule already says no


def test_hmu_reviews_once_the_hearing_is_finished_and_the_signoff_body_approves():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    assert verbs(s.hmu_user, s) == []  # LMU To may still answer
    s.submit(s.lmu2, s.lmu2_user)
    assert verbs(s.hmu_user, s) == [("hmu", "Behandl høringssvarene")]
    s = Setup().to_awaiting_signoff()
    assert verbs(s.hmu_user, s) == []
    assert verbs(s.signoff_user, s) == [("signoff", "Godkend kataloget")]
    assert verbs(s.admin, s) == []  # administers, but does not sign off


def test_the_dashboard_gives_each_queue_its_verb(client):
    s = Setup(title="Til HMU").to_hmu_review()
    client.force_login(s.hmu_user)
    html = section(client.get(DASHBOARD).content.decode(), "hmu")
    review_url = reverse("approvals:hmu_review", args=[s.catalogue.slug])
    assert f'<a href="{review_url}" class="app-next-step">Behandl høringssvarene</a>' in html
    assert "2 af 2" in html
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="OK", positions=s.all_stances())
    services.forward_to_signoff(s.process, actor=s.hmu_user)
    client.force_login(s.signoff_user)
    html = section(client.get(DASHBOARD).content.decode(), "signoff")
    signoff_url = reverse("approvals:signoff", args=[s.catalogue.slug])
    assert f'<a href="{signoff_url}" class="app-next-step">Godkend kataloget</a>' in html


def test_a_finished_hearing_is_said_the_same_in_every_section(client):
    s = Setup(title="Færdighørt").to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    client.force_login(s.hmu_user)
    html = client.get(DASHBOARD).content.decode()
    for key in ("hmu", "all"):
        assert "Alle LMU&#x27;er har svaret" in section(html, key)  # before the deadline
        assert "LMU-høring" not in section(html, key) and "Høringen er afsluttet" not in section(html, key)
    page = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    assert '<span class="badge badge-info">Alle LMU&#x27;er har svaret</span>' in page  # the status, not the history

    # Past the deadline it is over, said the same everywhere.
    CatalogueProcess.objects.filter(pk=s.process.pk).update(
        hearing_deadline=deadlines.local_today() - datetime.timedelta(days=1)
    )
    html = client.get(DASHBOARD).content.decode()
    for key in ("hmu", "all"):
        assert "Høringen er afsluttet" in section(html, key)
    page = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    assert '<span class="badge badge-info">Høringen er afsluttet</span>' in page


def test_countdowns_only_while_the_lmus_are_still_answering(client):
    s = Setup(deadline_in_days=14).to_hearing()
    client.force_login(s.lmu1_user)
    assert "14 dage" in section(client.get(DASHBOARD).content.decode(), "hearing")
    s.submit(s.lmu1, s.lmu1_user)
    assert "14 dage" in section(client.get(DASHBOARD).content.decode(), "hearing")  # LMU To has not answered
    s.submit(s.lmu2, s.lmu2_user)
    assert selectors.days_left(selectors.process_row(s.lmu1_user, s.process)) is None
    assert "14 dage" not in client.get(DASHBOARD).content.decode()

    approved = Setup(deadline_in_days=14, title="Godkendt katalog").to_signed_off()
    client.force_login(approved.lmu1_user)
    html = section(client.get(DASHBOARD).content.decode(), "hearing")
    assert "Godkendt katalog" in html and "14 dage" not in html and "Overskredet" not in html
    # Past the deadline an approved catalogue is not "overdue" either.
    CatalogueProcess.objects.filter(pk=approved.process.pk).update(
        hearing_deadline=deadlines.local_today() - datetime.timedelta(days=3)
    )
    assert "Overskredet" not in client.get(DASHBOARD).content.decode()
    page = client.get(reverse("approvals:catalogue", args=[approved.catalogue.slug])).content.decode()
    assert "overskredet" not in page


def test_an_unanswered_hearing_past_its_deadline_is_overdue(client):
    s = Setup().to_hearing()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(
        hearing_deadline=deadlines.local_today() - datetime.timedelta(days=1)
    )
    row = selectors.process_row(s.lmu1_user, s.process)
    assert selectors.days_left(row) == -1
    assert selectors.state_label(row) == "Høringen er afsluttet"


def test_the_response_state_is_the_lmus_own_whatever_the_ids():
    """Regression: the response was matched through a subquery whose OuterRef named the response
    instead of the process, so the state was right only where their ids happened to agree."""
    other = Setup().to_hearing()
    other.submit(other.lmu1, other.lmu1_user)
    other.submit(other.lmu2, other.lmu2_user)  # responses 1 and 2 (or later ids) on the first process
    s = Setup().to_hearing()
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={s.proposals[0].pk: ("support", "")}
    )
    row = selectors.process_row(s.lmu1_user, s.process)
    assert row.my_response_status == "draft"
    assert verbs(s.lmu1_user, s) == [("hearing", "Ret høringssvar")]
