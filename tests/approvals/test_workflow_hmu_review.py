"""HMU review: only HMU members of the catalogue's department, only during HMU review."""

import pytest

from approvals import hearing
from approvals.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from approvals.models import Committee, HmuPosition, HmuReview
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_hmu_member_records_statement_and_positions_and_edits_them():
    s = Setup().to_hmu_review()
    p1, p2, _p3 = s.proposals
    review = hearing.save_hmu_review(
        s.process, actor=s.hmu_user, statement="HMU anbefaler", positions={p1.pk: ("support", "Enig med LMU")}
    )
    assert (review.statement, review.updated_by) == ("HMU anbefaler", s.hmu_user)
    hearing.save_hmu_review(
        s.process,
        actor=s.hmu_user,
        statement="HMU anbefaler med forbehold",
        positions={p1.pk: ("concerns", "Forbehold"), p2.pk: ("oppose", "")},
    )
    assert HmuReview.objects.count() == 1
    assert HmuReview.objects.get().statement == "HMU anbefaler med forbehold"
    assert sorted(HmuPosition.objects.values_list("proposal_id", "stance", "comment")) == [
        (p1.pk, "concerns", "Forbehold"),
        (p2.pk, "oppose", ""),
    ]


def test_only_hmu_members_of_the_department_record():
    s = Setup().to_hmu_review()
    other_hmu_user = make_user()
    make_committee(Setup().department, Committee.Kind.HMU, name="Andet HMU", members=[other_hmu_user])
    for user in (s.admin, s.lmu1_user, s.signoff_user, s.outsider, other_hmu_user):
        with pytest.raises(NotPermitted):
            hearing.save_hmu_review(s.process, actor=user, statement="x", positions={})
    assert not HmuReview.objects.exists()


@pytest.mark.parametrize("build", ["to_hearing", "to_awaiting_signoff", "to_signed_off"])
def test_only_during_hmu_review(build):
    s = getattr(Setup(), build)()
    statement_before = list(HmuReview.objects.values_list("statement", flat=True))
    with pytest.raises(TransitionNotAllowed, match="HMU-behandlingen"):
        hearing.save_hmu_review(s.process, actor=s.hmu_user, statement="Sent", positions={})
    assert list(HmuReview.objects.values_list("statement", flat=True)) == statement_before


def test_bad_position_is_refused_and_nothing_saved():
    s = Setup().to_hmu_review()
    with pytest.raises(WorkflowError, match="Ugyldig holdning"):
        hearing.save_hmu_review(
            s.process, actor=s.hmu_user, statement="Udtalelse", positions={s.proposals[0].pk: ("maybe", "")}
        )
    assert not HmuReview.objects.exists()
