"""Every allowed workflow transition, and every refused one changes nothing."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from approvals import deadlines, hearing, services, transitions
from approvals.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from approvals.models import CatalogueProcess, SignOff, Transition
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State


def yesterday():
    return deadlines.local_today() - datetime.timedelta(days=1)


def assert_refused(s, call, exc=WorkflowError, match=None):
    before = (s.reload().state, Transition.objects.count(), SignOff.objects.count())
    with pytest.raises(exc, match=match) as info:
        call()
    assert str(info.value)  # a message for the user
    assert (s.reload().state, Transition.objects.count(), SignOff.objects.count()) == before
    return info.value


def test_open_hearing_writes_the_log_row():
    s = Setup()
    log = services.open_hearing(s.process, actor=s.admin, note="Kom godt i gang")
    assert s.process.state == State.HEARING  # caller's instance refreshed
    assert s.reload().state == State.HEARING
    assert (log.from_state, log.to_state, log.actor, log.note) == (
        State.DRAFT,
        State.HEARING,
        s.admin,
        "Kom godt i gang",
    )
    assert log.at is not None
    assert list(Transition.objects.filter(process=s.process)) == [log]


def test_open_hearing_refused_for_non_admin():
    s = Setup()
    for user in (s.lmu1_user, s.hmu_user, s.signoff_user, s.outsider):
        assert_refused(s, lambda u=user: services.open_hearing(s.process, actor=u), NotPermitted)


def test_open_hearing_refused_for_anonymous():
    s = Setup()
    assert_refused(s, lambda: services.open_hearing(s.process, actor=AnonymousUser()), NotPermitted)


def test_open_hearing_needs_heard_committees():
    s = Setup()
    s.process.heard_committees.clear()
    assert_refused(s, lambda: services.open_hearing(s.process, actor=s.admin), TransitionNotAllowed, "LMU")


def test_open_hearing_needs_a_deadline_not_in_the_past():
    s = Setup()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=None)
    assert_refused(s, lambda: services.open_hearing(s.process, actor=s.admin), TransitionNotAllowed, "høringsfrist")
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday())
    assert_refused(s, lambda: services.open_hearing(s.process, actor=s.admin), TransitionNotAllowed, "overskredet")


def test_hmu_review_starts_when_every_heard_lmu_has_submitted():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    assert_refused(s, lambda: services.start_hmu_review(s.process, actor=s.hmu_user), TransitionNotAllowed)
    s.submit(s.lmu2, s.lmu2_user)
    log = services.start_hmu_review(s.process, actor=s.hmu_user)
    assert (log.from_state, log.to_state, log.actor) == (State.HEARING, State.HMU_REVIEW, s.hmu_user)


def test_hmu_review_starts_when_the_deadline_has_passed():
    s = Setup().to_hearing()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday())
    services.start_hmu_review(s.reload(), actor=s.hmu_user)
    assert s.reload().state == State.HMU_REVIEW


def test_hmu_review_not_on_the_deadline_day_itself():
    s = Setup().to_hearing()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=deadlines.local_today())
    assert_refused(s, lambda: services.start_hmu_review(s.reload(), actor=s.hmu_user), TransitionNotAllowed)


def test_early_start_needs_an_admin():
    s = Setup().to_hearing()
    exc = assert_refused(
        s, lambda: services.start_hmu_review(s.process, actor=s.hmu_user, reason="Vi har travlt"), TransitionNotAllowed
    )
    assert "administrator" in str(exc)


def test_early_start_by_admin_needs_a_reason():
    s = Setup().to_hearing()
    assert_refused(s, lambda: services.start_hmu_review(s.process, actor=s.admin), TransitionNotAllowed, "begrundelse")
    assert_refused(
        s,
        lambda: services.start_hmu_review(s.process, actor=s.admin, reason="   "),
        TransitionNotAllowed,
        "begrundelse",
    )


def test_early_start_by_admin_with_reason():
    s = Setup().to_hearing()
    log = services.start_hmu_review(s.process, actor=s.admin, reason="Ekstraordinært HMU-møde fremrykket")
    assert log.to_state == State.HMU_REVIEW
    assert log.note == "Ekstraordinært HMU-møde fremrykket"


def test_start_hmu_review_refused_for_lmu_and_signoff_members():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    for user in (s.lmu1_user, s.signoff_user, s.outsider):
        assert_refused(s, lambda u=user: services.start_hmu_review(s.process, actor=u), NotPermitted)


def test_forward_to_signoff_by_hmu_member_and_by_admin():
    for actor_name in ("hmu_user", "admin"):
        s = Setup().to_hmu_review()
        hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="Enig", positions={})
        log = services.forward_to_signoff(s.process, actor=getattr(s, actor_name), note="Til rådmanden")
        assert (log.from_state, log.to_state, log.note) == (State.HMU_REVIEW, State.AWAITING_SIGNOFF, "Til rådmanden")


def test_forward_to_signoff_needs_hmu_statement():
    s = Setup().to_hmu_review()
    assert_refused(s, lambda: services.forward_to_signoff(s.process, actor=s.hmu_user), TransitionNotAllowed, "HMU")


def test_forward_to_signoff_refused_for_others():
    s = Setup().to_hmu_review()
    hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="Enig", positions={})
    for user in (s.lmu1_user, s.signoff_user, s.outsider):
        assert_refused(s, lambda u=user: services.forward_to_signoff(s.process, actor=u), NotPermitted)


def test_sign_off_by_signoff_member():
    s = Setup().to_awaiting_signoff()
    signoff = services.sign_off(s.process, actor=s.signoff_user, note="Vedtaget", approved_before_meeting=True)
    assert s.reload().state == State.SIGNED_OFF
    assert (signoff.decision, signoff.decided_by, signoff.note) == (
        SignOff.Decision.APPROVED,
        s.signoff_user,
        "Vedtaget",
    )
    log = Transition.objects.filter(process=s.process).last()
    assert (log.from_state, log.to_state, log.actor) == (State.AWAITING_SIGNOFF, State.SIGNED_OFF, s.signoff_user)
    assert signoff.decided_at == log.at


def test_sign_off_refused_for_everyone_else_including_admin():
    s = Setup().to_awaiting_signoff()
    for user in (s.admin, s.hmu_user, s.lmu1_user, s.outsider):
        assert_refused(
            s, lambda u=user: services.sign_off(s.process, actor=u, approved_before_meeting=True), NotPermitted
        )


def test_signoff_body_sends_back_to_hmu_with_reason():
    s = Setup().to_awaiting_signoff()
    assert_refused(s, lambda: services.send_back(s.process, actor=s.signoff_user, reason=""), TransitionNotAllowed)
    log = services.send_back(s.process, actor=s.signoff_user, reason="Forslag 2 skal uddybes")
    assert (log.from_state, log.to_state, log.note) == (
        State.AWAITING_SIGNOFF,
        State.HMU_REVIEW,
        "Forslag 2 skal uddybes",
    )
    record = SignOff.objects.get(process=s.process)
    assert (record.decision, record.note, record.snapshot) == (
        SignOff.Decision.SENT_BACK,
        "Forslag 2 skal uddybes",
        None,
    )


def test_hmu_cannot_send_back_what_awaits_signoff():
    s = Setup().to_awaiting_signoff()
    assert_refused(s, lambda: services.send_back(s.process, actor=s.hmu_user, reason="Fortrudt"), NotPermitted)


def test_hmu_sends_back_to_hearing_with_reason():
    s = Setup().to_hmu_review()
    assert_refused(s, lambda: services.send_back(s.process, actor=s.hmu_user, reason=" "), TransitionNotAllowed)
    assert_refused(s, lambda: services.send_back(s.process, actor=s.signoff_user, reason="Nej"), NotPermitted)
    log = services.send_back(s.process, actor=s.hmu_user, reason="LMU'erne skal høres om nyt forslag")
    assert (log.from_state, log.to_state) == (State.HMU_REVIEW, State.HEARING)
    assert not SignOff.objects.exists()  # only the sign-off body's decisions are SignOff rows


def test_back_in_hearing_the_submitted_responses_are_drafts_again_and_a_passed_deadline_needs_a_new_one():
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    services.start_hmu_review(s.process, actor=s.admin, reason="Tidligt møde")
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday())
    s.reload()
    error = assert_refused(s, lambda: services.send_back(s.process, actor=s.hmu_user, reason="Nyt forslag"))
    assert "overskredet" in str(error)
    new_deadline = deadlines.local_today() + datetime.timedelta(days=7)
    services.send_back(s.process, actor=s.hmu_user, reason="Nyt forslag", hearing_deadline=new_deadline)
    process = s.reload()
    assert (process.state, process.hearing_deadline) == (State.HEARING, new_deadline)
    response = process.responses.get(committee=s.lmu1)
    assert (response.status, response.submitted_at, response.reopened_reason) == ("draft", None, "Nyt forslag")
    assert hearing.can_edit_response(s.lmu1_user, response, process, s.lmu1)


def test_send_back_refused_in_states_without_a_way_back():
    for build in ("to_hearing", "to_signed_off"):
        s = getattr(Setup(), build)()
        assert_refused(s, lambda s=s: services.send_back(s.process, actor=s.admin, reason="x"), TransitionNotAllowed)
    s = Setup()
    assert_refused(s, lambda: services.send_back(s.process, actor=s.admin, reason="x"), TransitionNotAllowed)


def test_the_whole_way_with_a_round_trip_back():
    s = Setup().to_awaiting_signoff()
    services.send_back(s.process, actor=s.signoff_user, reason="Mere om forslag 1")
    services.send_back(s.process, actor=s.hmu_user, reason="Høring om forslag 1")
    s.submit(s.lmu1, s.lmu1_user)  # the reopened responses, submitted again
    s.submit(s.lmu2, s.lmu2_user)
    services.start_hmu_review(s.process, actor=s.hmu_user)
    services.forward_to_signoff(s.process, actor=s.hmu_user)
    services.sign_off(s.process, actor=s.signoff_user, approved_before_meeting=True)
    path = list(Transition.objects.filter(process=s.process).values_list("from_state", "to_state"))
    assert path == [
        (State.DRAFT, State.HEARING),
        (State.HEARING, State.HMU_REVIEW),
        (State.HMU_REVIEW, State.AWAITING_SIGNOFF),
        (State.AWAITING_SIGNOFF, State.HMU_REVIEW),
        (State.HMU_REVIEW, State.HEARING),
        (State.HEARING, State.HMU_REVIEW),
        (State.HMU_REVIEW, State.AWAITING_SIGNOFF),
        (State.AWAITING_SIGNOFF, State.SIGNED_OFF),
    ]


TABLE = {(rule.source, rule.target) for rule in transitions.RULES.values()}
ALL_PAIRS = [(a, b) for a, b in itertools.product(State.values, repeat=2) if (a, b) not in TABLE]


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_every_pair_outside_the_table_is_refused(from_state, to_state):
    s = Setup()
    s.admin.is_superuser = True
    s.admin.save()
    CatalogueProcess.objects.filter(pk=s.process.pk).update(state=from_state)
    exc = assert_refused(
        s, lambda: services.transition(s.reload(), to_state, actor=s.admin, note="x"), TransitionNotAllowed
    )
    assert str(State(from_state).label) in str(exc)


def test_the_table_has_exactly_the_documented_transitions():
    assert TABLE == {
        (State.DRAFT, State.HEARING),
        (State.HEARING, State.HMU_REVIEW),
        (State.HMU_REVIEW, State.AWAITING_SIGNOFF),
        (State.AWAITING_SIGNOFF, State.SIGNED_OFF),
        (State.AWAITING_SIGNOFF, State.HMU_REVIEW),
        (State.HMU_REVIEW, State.HEARING),
    }


def test_a_stale_instance_cannot_repeat_a_transition():
    s = Setup().to_hearing()
    stale = CatalogueProcess.objects.get(pk=s.process.pk)
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=yesterday())
    services.start_hmu_review(s.reload(), actor=s.hmu_user)
    stale.state = State.HEARING  # what the other user's page still shows
    assert_refused(s, lambda: services.start_hmu_review(stale, actor=s.hmu_user), TransitionNotAllowed)


def test_allowed_transitions_for_buttons():
    s = Setup().to_hearing()
    assert transitions.allowed(s.process, s.hmu_user) == [transitions.START_HMU_REVIEW]
    assert transitions.allowed(s.process, s.lmu1_user) == []
