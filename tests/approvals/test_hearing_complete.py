"""A hearing found complete (every heard LMU answered, or the deadline passed): HMU's members are
told once per round, the catalogue waits on their dashboard, and starting needs no reason."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from approvals import completion, deadlines, selectors, services
from approvals.models import CatalogueProcess, Email, HearingCompletion
from approvals.outbox import sweep as outbox_sweep
from approvals.sweep import sweep
from tests.approval_factories import Setup

State = CatalogueProcess.State


def sent():
    outbox_sweep.sweep()
    return mail.outbox


def hmu_mail(s):
    return [m for m in sent() if m.to == [s.hmu_user.email]]


def past_deadline(s, days=1):
    deadline = deadlines.local_today() - datetime.timedelta(days=days)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=deadline)
    return s.reload()


@pytest.mark.django_db
def test_the_last_lmu_to_submit_tells_hmu_once():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    assert not HearingCompletion.objects.exists() and hmu_mail(s) == []
    s.submit(s.lmu2, s.lmu2_user)
    [done] = HearingCompletion.objects.all()
    assert done.cause == HearingCompletion.Cause.ALL_ANSWERED and s.reload().state == State.HEARING
    [message] = hmu_mail(s)
    assert message.subject == f"Klar til HMU-behandling: {s.catalogue.title}"
    assert "Alle hørte LMU'er har indsendt høringssvar." in message.body
    assert reverse("approvals:hmu_review", args=[s.catalogue.slug]) in message.body
    # Sweeps, a second look and HMU starting the review tell nobody again.
    sweep()
    assert completion.tell_if_complete(s.reload()) is None
    services.start_hmu_review(s.process, actor=s.hmu_user)  # no reason asked: every LMU answered
    assert len(hmu_mail(s)) == 1
    assert Email.objects.filter(email=s.hmu_user.email).count() == 1


@pytest.mark.django_db
def test_a_deadline_that_passes_is_found_by_the_sweep_once():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    assert sweep()["hearings"] == []  # deadline ahead, LMU To missing
    past_deadline(s)
    [done] = sweep()["hearings"]
    assert done.cause == HearingCompletion.Cause.DEADLINE
    [message] = hmu_mail(s)
    assert "Disse LMU'er har ikke indsendt høringssvar:" in message.body and "LMU To" in message.body
    assert sweep()["hearings"] == [] and len(hmu_mail(s)) == 1


@pytest.mark.django_db
def test_a_new_hearing_round_is_told_again():
    s = Setup().to_hmu_review()
    assert len(hmu_mail(s)) == 1
    services.send_back(s.process, actor=s.hmu_user, reason="Ny høring")
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    assert HearingCompletion.objects.count() == 2
    subjects = [m.subject for m in hmu_mail(s)]
    assert subjects.count(f"Klar til HMU-behandling: {s.catalogue.title}") == 2


@pytest.mark.django_db
def test_an_early_start_by_an_administrator_still_tells_hmu():
    s = Setup().to_hearing()
    services.start_hmu_review(s.process, actor=s.admin, reason="Mødet er rykket")
    assert not HearingCompletion.objects.exists()
    [message] = hmu_mail(s)
    assert "Mødet er rykket" in message.body


@pytest.mark.django_db
def test_the_rule_as_a_filter_and_as_a_predicate_agree():
    s = Setup().to_hearing()
    finished = CatalogueProcess.objects.filter(selectors.hearing_finished_q())
    assert not selectors.hearing_finished(s.process) and not finished.filter(pk=s.process.pk).exists()
    s.submit(s.lmu1, s.lmu1_user)
    assert not selectors.hearing_finished(s.process)
    s.submit(s.lmu2, s.lmu2_user)
    assert selectors.hearing_finished(s.process) and finished.filter(pk=s.process.pk).exists()
    other = past_deadline(Setup().to_hearing())
    assert selectors.hearing_finished(other) and finished.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_hmu_sees_the_finished_hearing_waiting_and_starts_it_without_a_reason(client):
    s = Setup().to_hearing()
    client.force_login(s.hmu_user)
    page = client.get(reverse("approvals:dashboard")).content.decode()
    assert "Ingen kataloger afventer HMU-behandling." in page
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    page = client.get(reverse("approvals:dashboard")).content.decode()
    assert "Ingen kataloger afventer HMU-behandling." not in page
    queue = page.split("Afventer HMU-behandling", 1)[1]
    assert s.catalogue.title in queue and "Alle LMU&#x27;er har svaret" in queue  # before the deadline
    catalogue_page = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    assert "Start HMU-behandlingen" in catalogue_page
    assert "Begrundelse for tidlig start" not in catalogue_page
    client.post(reverse("approvals:start_hmu_review", args=[s.catalogue.slug]), {"start-reason": ""})
    assert s.reload().state == State.HMU_REVIEW


@pytest.mark.django_db
def test_the_reason_is_asked_while_lmus_are_missing(client):
    s = Setup().to_hearing()
    client.force_login(s.admin)
    page = client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()
    assert "Begrundelse for tidlig start" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL=postgres://...)"
)
def test_two_sweeps_at_once_tell_hmu_once():
    s = Setup().to_hearing()
    past_deadline(s)
    barrier = threading.Barrier(2)
    found, errors = [], []

    def worker():
        try:
            barrier.wait()
            found.extend(completion.check_hearings())
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(found) == 1
    assert Email.objects.filter(kind=Email.Kind.HEARING_COMPLETE, email=s.hmu_user.email).count() == 1
