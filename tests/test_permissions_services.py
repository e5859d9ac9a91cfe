"""Object-level permission predicates, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from approvals import hearing
from approvals import permissions as perm
from approvals.models import Committee, HearingResponse
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROLES = ("admin", "lmu1_user", "lmu2_user", "other_lmu_user", "hmu_user", "signoff_user", "outsider")


def who(s, predicate):
    return {role for role in ROLES if predicate(getattr(s, role))}


def test_is_member_and_heard_lmus():
    s = Setup()
    assert perm.is_member(s.lmu1_user, s.lmu1)
    assert not perm.is_member(s.lmu1_user, s.lmu2)
    assert not perm.is_member(AnonymousUser(), s.lmu1)
    assert list(perm.lmu_committees_heard(s.lmu1_user, s.process)) == [s.lmu1]
    assert list(perm.lmu_committees_heard(s.other_lmu_user, s.process)) == []
    assert list(perm.lmu_committees_heard(AnonymousUser(), s.process)) == []


def test_inactive_member_has_no_rights():
    s = Setup()
    s.lmu1_user.is_active = False
    s.lmu1_user.save()
    assert not perm.is_member(s.lmu1_user, s.lmu1)


def test_view_catalogue_draft_then_hearing():
    s = Setup()
    # A draft: the department's administrator only (approvals.policy).
    assert who(s, lambda u: perm.can_view_catalogue(u, s.catalogue)) == {"admin"}
    s.to_hearing()
    # From the hearing on: the department's users (members of any of its committees) too.
    assert who(s, lambda u: perm.can_view_catalogue(u, s.catalogue)) == {
        "admin",
        "hmu_user",
        "signoff_user",
        "lmu1_user",
        "lmu2_user",
        "other_lmu_user",
    }
    assert not perm.can_view_catalogue(AnonymousUser(), s.catalogue)


def test_hmu_of_another_department_sees_nothing():
    s = Setup()
    stranger = make_user()
    make_committee(Setup().department, Committee.Kind.HMU, members=[stranger])
    assert not perm.can_view_catalogue(stranger, s.catalogue)
    assert not perm.can_record_hmu(stranger, s.process)


def test_edit_response_only_own_heard_committee_in_hearing():
    s = Setup()
    assert not perm.can_edit_response(s.lmu1_user, None, s.process, s.lmu1)  # draft
    s.to_hearing()
    assert who(s, lambda u: perm.can_edit_response(u, None, s.process, s.lmu1)) == {"lmu1_user"}
    assert who(s, lambda u: perm.can_edit_response(u, None, s.process, s.lmu_not_heard)) == set()
    submitted = s.submit(s.lmu1, s.lmu1_user)
    assert not perm.can_edit_response(s.lmu1_user, submitted, s.process, s.lmu1)
    kind, message = perm.response_edit_refusal(s.lmu1_user, submitted, s.process, s.lmu1)
    assert kind == "workflow" and "indsendt" in message


def test_view_response_draft_only_own_committee_submitted_for_all_involved():
    s = Setup().to_hearing()

    draft = hearing.save_hearing_response(s.process, s.lmu1, actor=s.lmu1_user, general_comment="Udkast", stances={})
    assert who(s, lambda u: perm.can_view_response(u, draft)) == {"lmu1_user"}
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="Svar", stances=s.all_stances(), submit=True
    )
    submitted = HearingResponse.objects.get(pk=draft.pk)
    assert who(s, lambda u: perm.can_view_response(u, submitted)) == {
        "admin",
        "lmu1_user",
        "lmu2_user",
        "other_lmu_user",
        "hmu_user",
        "signoff_user",
    }
    assert not perm.can_view_response(AnonymousUser(), submitted)


def test_role_predicates():
    s = Setup()
    assert who(s, lambda u: perm.can_record_hmu(u, s.process)) == {"hmu_user"}
    assert who(s, lambda u: perm.can_sign_off(u, s.process)) == {"signoff_user"}
    assert who(s, lambda u: perm.can_reopen_response(u, s.process)) == {"admin"}
    assert who(s, lambda u: perm.can_open_hearing(u, s.process)) == {"admin"}
    assert who(s, lambda u: perm.can_start_hmu_review(u, s.process)) == {"admin", "hmu_user"}
    assert who(s, lambda u: perm.can_forward_to_signoff(u, s.process)) == {"admin", "hmu_user"}
    assert who(s, lambda u: perm.can_send_back_to_hmu(u, s.process)) == {"signoff_user"}
    assert who(s, lambda u: perm.can_send_back_to_hearing(u, s.process)) == {"admin", "hmu_user"}
