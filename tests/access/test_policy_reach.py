"""The user's standing (approvals.policy.Reach): read once per request, afresh outside one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import policy
from approvals.models import DepartmentAdministrator, Membership
from tests.approval_factories import Setup, make_committee
from tests.factories import make_department, make_user

pytestmark = pytest.mark.django_db


def _standing_reads(queries):
    tables = ("approvals_departmentadministrator", "approvals_membership")
    return [q["sql"] for q in queries if any(f'FROM "{t}"' in q["sql"] for t in tables)]


def test_outside_a_request_every_question_reads_afresh():
    department = make_department()
    user = make_user(is_staff=True)
    assert not policy.user_has_permission(user, "department.administer", department)
    DepartmentAdministrator.objects.create(user=user, department=department)
    assert policy.user_has_permission(user, "department.administer", department)
    committee = make_committee(department)
    assert not policy.user_has_permission(user, "committee.act_for", committee)
    Membership.objects.create(user=user, committee=committee)
    assert policy.user_has_permission(user, "committee.act_for", committee)


def test_within_a_scope_the_standing_is_read_once_for_every_rule():
    s = Setup().to_hearing()
    with policy.request_scope(), CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert policy.user_has_permission(s.admin, "process.administer", s.process)
            assert not policy.user_has_permission(s.admin, "process.record_hmu", s.process)
            assert not policy.user_has_permission(s.admin, "committee.act_for", s.lmu1)
    assert len(_standing_reads(queries.captured_queries)) == 2  # administered, committees
    # A new scope (the next request) reads again and sees what changed in between.
    DepartmentAdministrator.objects.filter(user=s.admin).delete()
    with policy.request_scope():
        assert not policy.user_has_permission(s.admin, "process.administer", s.process)


def test_a_page_asking_many_rules_reads_the_standing_once(client):
    s = Setup().to_hearing()
    client.force_login(s.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("approvals:responses", args=[s.catalogue.slug]))
    assert response.status_code == 200
    reads = _standing_reads(queries.captured_queries)
    assert len(reads) == len(set(reads)), reads  # no rule read the same standing twice
