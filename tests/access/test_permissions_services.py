"""The access policy's actions, role by role (approvals.policy), and the workflow's own rule on
top of it for writing a hearing response (approvals.hearing.response_edit_refusal)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from approvals import hearing, policy, selectors
from approvals.models import Committee, HearingResponse
from tests.approval_factories import Setup, make_committee
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROLES = ("admin", "lmu1_user", "lmu2_user", "other_lmu_user", "hmu_user", "signoff_user", "outsider")


def who(s, action, obj):
    return {role for role in ROLES if policy.user_has_permission(getattr(s, role), action, obj)}


def test_committee_members_and_their_heard_lmus():
    s = Setup()
    assert policy.user_has_permission(s.lmu1_user, "committee.act_for", s.lmu1)
    assert not policy.user_has_permission(s.lmu1_user, "committee.act_for", s.lmu2)
    assert not policy.user_has_permission(AnonymousUser(), "committee.act_for", s.lmu1)
    assert list(selectors.own_heard_committees(s.lmu1_user, s.process)) == [s.lmu1]
    assert list(selectors.own_heard_committees(s.other_lmu_user, s.process)) == []
    assert list(selectors.own_heard_committees(AnonymousUser(), s.process)) == []


def test_inactive_member_has_no_rights():
    s = Setup()
    s.lmu1_user.is_active = False
    s.lmu1_user.save()
    assert not policy.user_has_permission(s.lmu1_user, "committee.act_for", s.lmu1)
    assert s.lmu1_user not in policy.users_with_permission_for_instance("committee.act_for", s.lmu1)


def test_view_catalogue_draft_then_hearing():
    s = Setup()
    # A draft: the department's administrator only.
    assert who(s, "catalogue.view", s.catalogue) == {"admin"}
    s.to_hearing()
    # From the hearing on: the department's users (members of any of its committees) too.
    assert who(s, "catalogue.view", s.catalogue) == {
        "admin",
        "hmu_user",
        "signoff_user",
        "lmu1_user",
        "lmu2_user",
        "other_lmu_user",
    }
    assert not policy.user_has_permission(AnonymousUser(), "catalogue.view", s.catalogue)


def test_hmu_of_another_department_sees_nothing():
    s = Setup()
    stranger = make_user()
    make_committee(Setup().department, Committee.Kind.HMU, members=[stranger])
    assert not policy.user_has_permission(stranger, "catalogue.view", s.catalogue)
    assert not policy.user_has_permission(stranger, "process.record_hmu", s.process)


def test_edit_response_only_own_heard_committee_in_hearing():
    s = Setup()
    assert not hearing.can_edit_response(s.lmu1_user, None, s.process, s.lmu1)  # draft
    s.to_hearing()
    roles = {role for role in ROLES if hearing.can_edit_response(getattr(s, role), None, s.process, s.lmu1)}
    assert roles == {"lmu1_user"}
    assert not any(hearing.can_edit_response(getattr(s, r), None, s.process, s.lmu_not_heard) for r in ROLES)
    submitted = s.submit(s.lmu1, s.lmu1_user)
    assert not hearing.can_edit_response(s.lmu1_user, submitted, s.process, s.lmu1)
    kind, message = hearing.response_edit_refusal(s.lmu1_user, submitted, s.process, s.lmu1)
    assert kind == "workflow" and "indsendt" in message


def test_view_response_draft_for_own_committee_and_administrators_submitted_for_all_involved():
    s = Setup().to_hearing()

    draft = hearing.save_hearing_response(s.process, s.lmu1, actor=s.lmu1_user, general_comment="Udkast", stances={})
    assert who(s, "response.view", draft) == {"lmu1_user", "admin"}
    hearing.save_hearing_response(
        s.process, s.lmu1, actor=s.lmu1_user, general_comment="Svar", stances=s.all_stances(), submit=True
    )
    submitted = HearingResponse.objects.get(pk=draft.pk)
    assert who(s, "response.view", submitted) == {
        "admin",
        "lmu1_user",
        "lmu2_user",
        "other_lmu_user",
        "hmu_user",
        "signoff_user",
    }
    assert not policy.user_has_permission(AnonymousUser(), "response.view", submitted)


def test_role_actions():
    s = Setup()
    assert who(s, "process.record_hmu", s.process) == {"hmu_user"}
    assert who(s, "process.sign_off", s.process) == {"signoff_user"}
    assert who(s, "process.reopen_response", s.process) == {"admin"}
    assert who(s, "process.open_hearing", s.process) == {"admin"}
    assert who(s, "process.start_hmu_review", s.process) == {"admin", "hmu_user"}
    assert who(s, "process.forward_to_signoff", s.process) == {"admin", "hmu_user"}
    assert who(s, "process.send_back_to_hmu", s.process) == {"signoff_user"}
    assert who(s, "process.send_back_to_hearing", s.process) == {"admin", "hmu_user"}
    assert who(s, "process.view_hmu_page", s.process) == {"admin", "hmu_user"}
    assert who(s, "process.view_signoff_page", s.process) == {"admin", "signoff_user"}
    assert who(s, "process.write_response", s.process) == {"lmu1_user", "lmu2_user"}


def test_a_superuser_administers_but_does_not_sit_on_committees():
    s = Setup()
    root = make_user(is_superuser=True, is_staff=True)
    assert policy.user_has_permission(root, "process.open_hearing", s.process)
    assert policy.user_has_permission(root, "process.start_hmu_review", s.process)
    assert not policy.user_has_permission(root, "process.sign_off", s.process)  # the alderman's meeting signs
    assert not policy.user_has_permission(root, "process.record_hmu", s.process)
    assert root not in policy.users_with_permission_for_instance("process.open_hearing", s.process)
