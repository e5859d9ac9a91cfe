"""LMUs saving their hearing responses at the same time (issue 26, PostgreSQL row locks): a save
holds the catalogue's process row shared and only its own response exclusively, so LMUs do not
wait for one another; a state change still waits for the saves in flight; two first saves of one
LMU make one response; the last LMUs submitting together tell HMU once."""

import threading

import pytest
from django.db import connection, connections, transaction

from approvals import hearing, services
from approvals.models import CatalogueProcess, HearingCompletion, HearingResponse, ProposalStance
from tests.approval_factories import Setup
from tests.approvals.test_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks (run with DATABASE_URL=postgres://...)",
    ),
]


def in_thread(call):
    """Start ``call()`` in a thread; returns (thread, finished event, [result or exception])."""
    done, out = threading.Event(), []

    def run():
        try:
            out.append(call())
        except Exception as exc:  # asserted by the caller
            out.append(exc)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done, out


def hold(lock):
    """Hold ``lock()`` in a transaction of its own until the returned event is set."""
    held, release = threading.Event(), threading.Event()

    def run():
        with transaction.atomic():
            lock()
            held.set()
            release.wait(20)

    thread, _done, _out = in_thread(run)
    assert held.wait(10)
    return thread, release


def save(s, committee, user, stance="support", **kwargs):
    process = CatalogueProcess.objects.get(pk=s.process.pk)
    return hearing.save_hearing_response(
        process, committee, actor=user, general_comment=stance, stances=s.all_stances(stance), **kwargs
    )


def test_an_lmu_saves_while_another_lmus_save_holds_the_process():
    s = Setup().to_hearing()
    save(s, s.lmu1, s.lmu1_user)
    # LMU Et's save in flight: the process shared, its own response locked.
    holder, release = hold(
        lambda: (
            services.share_process(s.process),
            HearingResponse.objects.select_for_update().get(committee=s.lmu1),
        )
    )
    try:
        thread, done, out = in_thread(lambda: save(s, s.lmu2, s.lmu2_user, "concerns"))
        assert done.wait(10), "LMU To waited for LMU Et's save"
        assert isinstance(out[0], HearingResponse)
        # A co-member of LMU Et waits for the save in flight on the same response.
        co_member = type(s.admin).objects.create_user("kollega", "k@example.dk", "x")
        s.lmu1.memberships.create(user=co_member)
        thread, done, out = in_thread(lambda: save(s, s.lmu1, co_member, "oppose"))
        assert not done.wait(1.0), "the co-member's save did not wait for the response's lock"
    finally:
        release.set()
    assert done.wait(10) and isinstance(out[0], HearingResponse)
    holder.join(10)
    assert ProposalStance.objects.filter(response__committee=s.lmu1, stance="oppose").count() == len(s.proposals)


def test_a_state_change_waits_for_the_saves_in_flight_and_a_save_for_it():
    s = Setup().to_hearing()
    holder, release = hold(lambda: services.share_process(s.process))  # a save in flight
    try:
        started = in_thread(
            lambda: services.start_hmu_review(
                CatalogueProcess.objects.get(pk=s.process.pk), actor=s.admin, reason="Mødet er rykket frem"
            )
        )
        assert not started[1].wait(1.0), "the state change did not wait for the save in flight"
    finally:
        release.set()
    assert started[1].wait(10) and not isinstance(started[2][0], Exception), started[2]
    holder.join(10)
    assert CatalogueProcess.objects.get(pk=s.process.pk).state == CatalogueProcess.State.HMU_REVIEW

    # The other way round: a save waits for the state change, then sees it and is refused.
    s = Setup().to_hearing()

    def state_change():
        services.lock_process(s.process)
        CatalogueProcess.objects.filter(pk=s.process.pk).update(state=CatalogueProcess.State.HMU_REVIEW)

    holder, release = hold(state_change)
    try:
        thread, done, out = in_thread(lambda: save(s, s.lmu1, s.lmu1_user))
        assert not done.wait(1.0), "the save did not wait for the state change"
    finally:
        release.set()
    assert done.wait(10)
    holder.join(10)
    assert isinstance(out[0], hearing.WorkflowError), out
    assert not HearingResponse.objects.filter(committee=s.lmu1).exists()


def test_two_first_saves_of_one_lmu_at_once_make_one_response():
    s = Setup().to_hearing()
    co_member = type(s.admin).objects.create_user("kollega", "k@example.dk", "x")
    s.lmu1.memberships.create(user=co_member)
    users = [s.lmu1_user, co_member]
    results, errors = race(2, lambda i: save(s, s.lmu1, users[i], ("support", "oppose")[i]))
    assert errors == [] and len(results) == 2
    [response] = HearingResponse.objects.filter(committee=s.lmu1)
    assert set(response.authors.all()) == set(users)
    assert ProposalStance.objects.filter(response=response).count() == len(s.proposals)


def test_the_last_lmus_submitting_together_tell_hmu_once():
    for _attempt in range(3):  # a race: three times, HMU is told exactly once each time
        s = Setup().to_hearing()
        committees = [(s.lmu1, s.lmu1_user), (s.lmu2, s.lmu2_user)]
        results, errors = race(2, lambda i, s=s, committees=committees: save(s, *committees[i], submit=True))
        assert errors == [] and len(results) == 2
        assert HearingCompletion.objects.filter(process=s.process).count() == 1
