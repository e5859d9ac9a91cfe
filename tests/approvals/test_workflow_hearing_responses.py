"""LMU hearing responses: one per LMU, authors, drafts, submission, deadline, reopening."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from approvals import deadlines, hearing, services
from approvals.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from approvals.models import CatalogueProcess, HearingResponse, ProposalStance
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def save(s, committee, user, stances=None, submit=False, comment="Generelt"):
    return hearing.save_hearing_response(
        s.process, committee, actor=user, general_comment=comment, stances=stances or {}, submit=submit
    )


def set_deadline(s, day):
    CatalogueProcess.objects.filter(pk=s.process.pk).update(hearing_deadline=day)
    s.reload()


def snapshot(response_pk):
    r = HearingResponse.objects.get(pk=response_pk)
    return (r.status, r.general_comment, sorted(r.stances.values_list("proposal_id", "stance", "comment")))


def test_draft_then_edit_then_submit_one_response_with_all_authors():
    s = Setup().to_hearing()
    p1, p2, p3 = s.proposals
    colleague = make_user()
    s.lmu1.memberships.create(user=colleague, role="secretary")
    r = save(s, s.lmu1, s.lmu1_user, {p1.pk: ("support", "Godt forslag")})
    assert r.status == HearingResponse.Status.DRAFT
    r2 = save(s, s.lmu1, colleague, {p1.pk: ("concerns", "Ved nærmere eftertanke"), p2.pk: ("oppose", "")})
    assert r2.pk == r.pk
    assert HearingResponse.objects.filter(process=s.process, committee=s.lmu1).count() == 1
    assert set(r2.authors.all()) == {s.lmu1_user, colleague}
    assert sorted(r2.stances.values_list("proposal_id", "stance", "comment")) == [
        (p1.pk, "concerns", "Ved nærmere eftertanke"),
        (p2.pk, "oppose", ""),
    ]
    r3 = save(s, s.lmu1, s.lmu1_user, {p3.pk: ("no_remarks", "")}, submit=True, comment="Samlet svar")
    assert r3.status == HearingResponse.Status.SUBMITTED
    assert r3.submitted_by == s.lmu1_user and r3.submitted_at is not None
    assert r3.general_comment == "Samlet svar"


def test_empty_stance_clears_a_proposal_in_a_draft():
    s = Setup().to_hearing()
    p1 = s.proposals[0]
    r = save(s, s.lmu1, s.lmu1_user, {p1.pk: ("support", "")})
    save(s, s.lmu1, s.lmu1_user, {p1.pk: ("", "")})
    assert not ProposalStance.objects.filter(response=r).exists()


def test_submit_needs_a_stance_on_every_proposal_and_saves_nothing_otherwise():
    s = Setup().to_hearing()
    p1, p2, p3 = s.proposals
    r = save(s, s.lmu1, s.lmu1_user, {p1.pk: ("support", "")}, comment="Før")
    before = snapshot(r.pk)
    with pytest.raises(WorkflowError, match=f"Mangler: {p3.code}"):
        save(s, s.lmu1, s.lmu1_user, {p2.pk: ("oppose", "x")}, submit=True, comment="Efter")
    assert snapshot(r.pk) == before


def test_phase_in_row_needs_no_stance():
    s = Setup().to_hearing()
    phase_in = s.proposals[-1]
    phase_in.is_phase_in = True
    phase_in.save()
    stances = {p.pk: ("support", "") for p in s.proposals[:-1]}
    assert save(s, s.lmu1, s.lmu1_user, stances, submit=True).status == HearingResponse.Status.SUBMITTED


@pytest.mark.parametrize(
    ("stances", "message"),
    [
        ({999999: ("support", "")}, "hører ikke til kataloget"),
        ("first", "Ugyldig holdning"),
        ("comment-without-stance", "Vælg en holdning"),
    ],
)
def test_bad_stances_are_refused_with_a_message(stances, message):
    s = Setup().to_hearing()
    p1 = s.proposals[0]
    if stances == "first":
        stances = {p1.pk: ("love it", "")}
    elif stances == "comment-without-stance":
        stances = {p1.pk: ("", "Bare en kommentar")}
    with pytest.raises(WorkflowError, match=message):
        save(s, s.lmu1, s.lmu1_user, stances)
    assert not HearingResponse.objects.exists()


def test_a_proposal_of_another_catalogue_is_refused():
    s = Setup().to_hearing()
    other = Setup()
    with pytest.raises(WorkflowError, match="hører ikke til kataloget"):
        save(s, s.lmu1, s.lmu1_user, {other.proposals[0].pk: ("support", "")})


def test_only_members_of_the_heard_committee_write():
    s = Setup().to_hearing()
    for user in (s.lmu2_user, s.hmu_user, s.signoff_user, s.admin, s.outsider):
        with pytest.raises(NotPermitted):
            save(s, s.lmu1, user)
    with pytest.raises(NotPermitted, match="ikke hørt"):
        save(s, s.lmu_not_heard, s.other_lmu_user)
    with pytest.raises(NotPermitted):
        save(s, s.hmu, s.hmu_user)
    assert not HearingResponse.objects.exists()


def test_not_outside_the_hearing():
    s = Setup()
    with pytest.raises(WorkflowError, match="ikke i høring"):
        save(s, s.lmu1, s.lmu1_user)
    s.to_hmu_review()
    with pytest.raises(WorkflowError, match="ikke i høring"):
        save(s, s.lmu1, s.lmu1_user)


def test_submitted_response_is_read_only():
    s = Setup().to_hearing()
    r = s.submit(s.lmu1, s.lmu1_user)
    before = snapshot(r.pk)
    with pytest.raises(WorkflowError, match="indsendt"):
        save(s, s.lmu1, s.lmu1_user, {s.proposals[0].pk: ("oppose", "Ændret")}, comment="Ændret")
    assert snapshot(r.pk) == before
    assert not hearing.can_edit_response(s.lmu1_user, r, s.process, s.lmu1)


def test_deadline_day_is_inclusive_in_copenhagen_time(monkeypatch):
    s = Setup().to_hearing()
    deadline = datetime.date(2030, 3, 5)
    set_deadline(s, deadline)
    # 23:59 in Copenhagen on the deadline day (22:59 UTC): still open.
    late_evening = datetime.datetime(2030, 3, 5, 23, 59, tzinfo=CPH)
    monkeypatch.setattr(timezone, "now", lambda: late_evening)
    assert save(s, s.lmu1, s.lmu1_user, {s.proposals[0].pk: ("support", "")}).status == "draft"
    # 00:30 in Copenhagen the next day is still 23:30 UTC on the deadline day: closed all the same.
    just_after = datetime.datetime(2030, 3, 6, 0, 30, tzinfo=CPH)
    assert just_after.astimezone(datetime.UTC).date() == deadline
    monkeypatch.setattr(timezone, "now", lambda: just_after)
    with pytest.raises(WorkflowError, match="5. marts 2030"):
        save(s, s.lmu1, s.lmu1_user, {s.proposals[0].pk: ("oppose", "")})
    assert ProposalStance.objects.get().stance == "support"


def test_admin_reopens_a_submitted_response_with_a_reason():
    s = Setup().to_hearing()
    r = s.submit(s.lmu1, s.lmu1_user)
    with pytest.raises(WorkflowError, match="begrundelse"):
        hearing.reopen_hearing_response(r, actor=s.admin, reason="  ")
    for user in (s.lmu1_user, s.hmu_user, s.signoff_user):
        with pytest.raises(NotPermitted):
            hearing.reopen_hearing_response(r, actor=user, reason="Fejl")
    assert HearingResponse.objects.get(pk=r.pk).status == "submitted"
    hearing.reopen_hearing_response(r, actor=s.admin, reason="LMU bad om at rette en fejl")
    r.refresh_from_db()
    assert (r.status, r.reopened_reason, r.submitted_at) == ("draft", "LMU bad om at rette en fejl", None)
    save(s, s.lmu1, s.lmu1_user, {s.proposals[0].pk: ("oppose", "Rettet")})
    assert ProposalStance.objects.get(response=r, proposal=s.proposals[0]).stance == "oppose"


def test_reopened_response_can_be_edited_after_the_deadline():
    s = Setup().to_hearing()
    r = s.submit(s.lmu1, s.lmu1_user)
    set_deadline(s, deadlines.local_today() - datetime.timedelta(days=1))
    with pytest.raises(WorkflowError, match="indsendt"):
        save(s, s.lmu1, s.lmu1_user)
    # A late LMU without a response is also closed by the deadline.
    with pytest.raises(WorkflowError, match="overskredet"):
        save(s, s.lmu2, s.lmu2_user)
    hearing.reopen_hearing_response(r, actor=s.admin, reason="Fristen forlænget for LMU Et")
    save(s, s.lmu1, s.lmu1_user, s.all_stances("concerns"), submit=True)
    assert HearingResponse.objects.get(pk=r.pk).status == "submitted"


def test_reopen_refused_for_a_draft_before_the_deadline_and_after_the_hearing():
    s = Setup().to_hearing()
    r = save(s, s.lmu1, s.lmu1_user)
    with pytest.raises(WorkflowError, match="kan stadig redigeres"):
        hearing.reopen_hearing_response(r, actor=s.admin, reason="Hvorfor ikke")
    s.submit(s.lmu1, s.lmu1_user)
    s.submit(s.lmu2, s.lmu2_user)
    services.start_hmu_review(s.process, actor=s.hmu_user)
    with pytest.raises(TransitionNotAllowed, match="i høring"):
        hearing.reopen_hearing_response(r, actor=s.admin, reason="For sent")
    assert HearingResponse.objects.get(pk=r.pk).status == "submitted"


def test_member_of_two_heard_lmus_answers_for_each_separately():
    s = Setup().to_hearing()
    s.lmu2.memberships.create(user=s.lmu1_user)
    save(s, s.lmu1, s.lmu1_user, {s.proposals[0].pk: ("support", "")})
    save(s, s.lmu2, s.lmu1_user, {s.proposals[0].pk: ("oppose", "")})
    assert sorted(HearingResponse.objects.values_list("committee__name", "stances__stance")) == [
        ("LMU Et", "support"),
        ("LMU To", "oppose"),
    ]


def test_committee_of_another_department_cannot_be_heard():
    s = Setup()
    foreign = make_committee(Setup().department, name="Fremmed LMU")
    with pytest.raises(WorkflowError, match="magistratsafdeling"):
        services.configure_hearing(s.process, actor=s.admin, committees=[foreign], hearing_deadline=s.deadline)
    assert list(s.process.heard_committees.all()) == [s.lmu1, s.lmu2]
