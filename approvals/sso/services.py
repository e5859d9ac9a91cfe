"""A single sign-on user's memberships and administrations follow the directory's groups.

On every login, for each committee and department that any SsoGroupMapping names, the user is
a member (administrator) exactly when one of their group claims maps to it; committees and
departments no mapping names keep what an administrator set by hand."""

from django.conf import settings
from django.db import transaction

from ..models import DepartmentAdministrator, Membership, SsoGroupMapping

# When two of a user's groups map to the same committee, the weightier role wins.
ROLE_WEIGHT = {Membership.Role.MEMBER: 0, Membership.Role.SECRETARY: 1, Membership.Role.CHAIR: 2}


def groups_from_claims(claims):
    """The group claim (settings.OIDC_GROUPS_CLAIM) as a list of strings: AD FS sends one group
    as a plain string, several as a list."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group).strip() for group in value if str(group).strip()]


def _key(group):
    # Directory group names are case-insensitive (AD); object ids are lower-case already.
    return group.strip().casefold()


@transaction.atomic
def apply_group_claims(user, groups):
    """Make the user's mapped memberships and administrations what ``groups`` say.

    Returns the changes as (added, removed) sets of committee and department names."""
    mine = {_key(group) for group in groups}
    wanted_roles, wanted_departments = {}, set()
    managed_committees, managed_departments = set(), set()
    for mapping in SsoGroupMapping.objects.all():
        granted = _key(mapping.group) in mine
        if mapping.committee_id:
            managed_committees.add(mapping.committee_id)
            role = wanted_roles.get(mapping.committee_id)
            if granted and (role is None or ROLE_WEIGHT[mapping.role] > ROLE_WEIGHT[role]):
                wanted_roles[mapping.committee_id] = mapping.role
        if mapping.department_id:
            managed_departments.add(mapping.department_id)
            if granted:
                wanted_departments.add(mapping.department_id)

    added, removed = set(), set()
    memberships = Membership.objects.select_for_update().select_related("committee")
    for membership in memberships.filter(user=user, committee_id__in=managed_committees):
        role = wanted_roles.pop(membership.committee_id, None)
        if role is None:
            membership.delete()
            removed.add(membership.committee.name)
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    for committee_id, role in wanted_roles.items():
        membership = Membership.objects.create(user=user, committee_id=committee_id, role=role)
        added.add(membership.committee.name)

    lost_administration = False
    administrations = DepartmentAdministrator.objects.select_for_update().select_related("department")
    for administration in administrations.filter(user=user, department_id__in=managed_departments):
        if administration.department_id in wanted_departments:
            wanted_departments.discard(administration.department_id)
        else:
            administration.delete()
            removed.add(administration.department.code)
            lost_administration = True
    for department_id in wanted_departments:
        administration = DepartmentAdministrator.objects.create(user=user, department_id=department_id)
        added.add(administration.department.code)

    # Administering a department is what makes a directory user staff (the admin's door);
    # losing the last administration closes it again, unless a superuser.
    administers = DepartmentAdministrator.objects.filter(user=user).exists()
    staff = user.is_superuser or administers or (user.is_staff and not lost_administration)
    if staff != user.is_staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return added, removed
