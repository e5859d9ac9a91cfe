"""Single sign-on: a user's committees and administrations follow the directory's group claims
(approvals.sso.services) by the administrator's SsoGroupMapping rows."""

import pytest
from django.db import IntegrityError

from approvals.models import Committee, DepartmentAdministrator, Membership, SsoGroupMapping
from approvals.sso.services import apply_group_claims, groups_from_claims
from tests.approval_factories import make_committee
from tests.factories import make_department, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    department = make_department()
    lmu = make_committee(department, name="LMU Syd")
    hmu = make_committee(department, Committee.Kind.HMU, name="HMU")
    unmapped = make_committee(department, name="LMU Nord")
    SsoGroupMapping.objects.create(group="SOS-LMU-Syd", committee=lmu)
    SsoGroupMapping.objects.create(group="SOS-HMU", committee=hmu)
    SsoGroupMapping.objects.create(group="SOS-HMU-formand", committee=hmu, role=Membership.Role.CHAIR)
    SsoGroupMapping.objects.create(group="SOS-admin", department=department)
    return department, lmu, hmu, unmapped


def roles(user):
    return dict(Membership.objects.filter(user=user).values_list("committee__name", "role"))


def test_memberships_follow_the_claims_at_every_login(world):
    department, lmu, hmu, unmapped = world
    user = make_user()
    assert apply_group_claims(user, ["SOS-LMU-Syd", "Everyone"]) == ({"LMU Syd"}, set())
    assert roles(user) == {"LMU Syd": "member"}

    # Next login: moved from the LMU to HMU.
    assert apply_group_claims(user, ["sos-hmu"]) == ({"HMU"}, {"LMU Syd"})
    assert roles(user) == {"HMU": "member"}

    # Chair group too: the weightier role wins; then dropped again.
    apply_group_claims(user, ["SOS-HMU", "SOS-HMU-formand"])
    assert roles(user) == {"HMU": "chair"}
    apply_group_claims(user, ["SOS-HMU"])
    assert roles(user) == {"HMU": "member"}

    apply_group_claims(user, [])
    assert roles(user) == {}


def test_committees_no_mapping_names_keep_what_was_set_by_hand(world):
    department, lmu, hmu, unmapped = world
    user = make_user()
    Membership.objects.create(user=user, committee=unmapped, role=Membership.Role.SECRETARY)
    Membership.objects.create(user=user, committee=lmu)
    apply_group_claims(user, [])
    assert roles(user) == {"LMU Nord": "secretary"}


def test_department_administration_makes_staff_and_losing_it_unmakes(world):
    department, *_ = world
    user = make_user()
    apply_group_claims(user, ["SOS-admin"])
    user.refresh_from_db()
    assert user.is_staff
    assert DepartmentAdministrator.objects.filter(user=user, department=department).exists()

    apply_group_claims(user, ["SOS-LMU-Syd"])
    user.refresh_from_db()
    assert not user.is_staff
    assert not DepartmentAdministrator.objects.filter(user=user).exists()


def test_staff_set_by_hand_stays_when_no_administration_is_lost(world):
    user = make_user(is_staff=True)
    apply_group_claims(user, ["SOS-LMU-Syd"])
    user.refresh_from_db()
    assert user.is_staff


def test_group_claim_as_a_string_or_a_list(settings):
    settings.OIDC_GROUPS_CLAIM = "role"
    assert groups_from_claims({"role": "SOS-HMU"}) == ["SOS-HMU"]
    assert groups_from_claims({"role": ["a", " b ", ""]}) == ["a", "b"]
    assert groups_from_claims({"groups": ["a"]}) == []


def test_a_mapping_grants_something():
    with pytest.raises(IntegrityError):
        SsoGroupMapping.objects.create(group="nothing")


def test_the_mapping_is_maintained_in_the_admin_by_superusers_only(client, world):
    department, lmu, *_ = world
    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    changelist = client.get("/admin/approvals/ssogroupmapping/")
    assert changelist.status_code == 200
    assert "SOS-LMU-Syd" in changelist.content.decode()
    response = client.post(
        "/admin/approvals/ssogroupmapping/add/",
        {"group": "SOS-LMU-Nord", "committee": lmu.pk, "role": "secretary", "department": ""},
    )
    assert response.status_code == 302
    assert SsoGroupMapping.objects.filter(group="SOS-LMU-Nord", committee=lmu, role="secretary").exists()

    # A department's administrator may not grant memberships or administrations by group.
    administrator = make_user(is_staff=True)
    DepartmentAdministrator.objects.create(user=administrator, department=department)
    client.force_login(administrator)
    assert client.get("/admin/approvals/ssogroupmapping/").status_code == 403
    assert 'href="/admin/approvals/ssogroupmapping/"' not in client.get("/admin/").content.decode()
