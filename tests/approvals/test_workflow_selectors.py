"""Dashboard and hearing overview: right content, fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import hearing, policy, selectors, services
from approvals.models import Committee, Membership
from tests.approval_factories import Setup, make_committee
from tests.factories import make_catalogue, make_user

pytestmark = pytest.mark.django_db


def rows(user):
    return {
        p.catalogue.slug: (p.is_heard, p.my_response_status, p.is_hmu, p.is_signoff)
        for p in selectors.processes_for_user(user)
    }


def test_dashboard_shows_what_each_role_takes_part_in():
    s = Setup()
    make_catalogue()  # another department's catalogue: nobody here sees it (its administrators would)
    slug = s.catalogue.slug
    # A draft is the department's administrators' business only (approvals.policy).
    assert rows(s.lmu1_user) == {} and rows(s.hmu_user) == {} and rows(s.signoff_user) == {}
    assert len(rows(s.admin)) == 1
    s.to_hearing()
    assert rows(s.lmu1_user) == {slug: (True, None, False, False)}  # nothing written yet
    assert rows(s.hmu_user) == {slug: (False, None, True, False)}
    assert rows(s.signoff_user) == {slug: (False, None, False, True)}
    # A member of the department's LMU that is not heard sees it, taking no part in it.
    assert rows(s.other_lmu_user) == {slug: (False, None, False, False)}
    assert rows(s.outsider) == {}
    hearing.save_hearing_response(s.process, s.lmu1, actor=s.lmu1_user, general_comment="", stances={})
    assert rows(s.lmu1_user) == {slug: (True, "draft", False, False)}
    s.submit(s.lmu1, s.lmu1_user)
    assert rows(s.lmu1_user) == {slug: (True, "submitted", False, False)}
    assert selectors.processes_for_user(s.lmu1_user).get().my_committee_id == s.lmu1.pk
    assert len(rows(s.admin)) == 1  # the administrator of this department only
    process = selectors.processes_for_user(s.hmu_user).get()
    assert (process.heard_count, process.submitted_count, process.hearing_deadline) == (2, 1, s.deadline)


def test_dashboard_is_one_query_for_many_catalogues_besides_the_users_standing(django_assert_num_queries):
    s = Setup().to_hearing()
    for _ in range(4):
        other = make_catalogue(department=s.department)
        process = other.process
        services.configure_hearing(process, actor=s.admin, committees=[s.lmu1], hearing_deadline=s.deadline)
        services.open_hearing(process, actor=s.admin)
    # One for the processes, two for the user's standing (committees, managed departments),
    # which a request reads once (policy.Reach, within the request's scope).
    with policy.request_scope(), django_assert_num_queries(3):
        found = [
            (p.catalogue.title, p.catalogue.department.code, p.my_response_status, p.my_committee_id)
            for p in selectors.processes_for_user(s.lmu1_user)
        ]
    assert len(found) == 5


def test_hearing_overview_side_by_side_counts_and_missing():
    s = Setup().to_hearing()
    third = make_committee(s.department, name="LMU Fire", members=[make_user()])
    s.process.heard_committees.add(third)
    p1, p2, p3 = s.proposals
    hearing.save_hearing_response(
        s.process,
        s.lmu1,
        actor=s.lmu1_user,
        general_comment="Vi støtter",
        stances={p1.pk: ("support", "Fint"), p2.pk: ("oppose", "Nej"), p3.pk: ("no_remarks", "")},
        submit=True,
    )
    hearing.save_hearing_response(
        s.process,
        s.lmu2,
        actor=s.lmu2_user,
        general_comment="Kladde",
        stances={p1.pk: ("oppose", "Hemmeligt udkast")},
    )
    overview = selectors.hearing_overview(s.process)
    assert [c.name for c in overview.committees] == ["LMU Et", "LMU Fire", "LMU To"]
    assert [c.name for c in overview.missing] == ["LMU Fire", "LMU To"]  # a draft is not an answer
    first = overview.rows[0]
    assert first.proposal == p1
    assert [(c.committee.name, c.stance and c.stance.stance) for c in first.cells] == [
        ("LMU Et", "support"),
        ("LMU Fire", None),
        ("LMU To", None),
    ]
    assert dict((v, n) for v, _label, n in first.counts) == {"support": 1, "no_remarks": 0, "concerns": 0, "oppose": 0}
    assert dict((v, n) for v, _label, n in overview.totals) == {
        "support": 1,
        "no_remarks": 1,
        "concerns": 0,
        "oppose": 1,
    }
    assert [(c.name, r.general_comment) for c, r in overview.general_comments] == [("LMU Et", "Vi støtter")]


def test_hearing_overview_query_count_does_not_grow(django_assert_num_queries):
    def build(n_proposals, n_lmus):
        s = Setup(proposals=n_proposals).to_hearing()
        for i in range(n_lmus):
            user = make_user()
            committee = make_committee(s.department, Committee.Kind.LMU, name=f"LMU ekstra {i}", members=[user])
            s.process.heard_committees.add(committee)
            hearing.save_hearing_response(
                s.process, committee, actor=user, general_comment="", stances=s.all_stances(), submit=True
            )
        return s

    small, big = build(2, 1), build(12, 5)
    counts = []
    for s in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            overview = selectors.hearing_overview(s.process)
            for row in overview.rows:
                [(c.committee.name, c.stance and c.stance.comment) for c in row.cells]
            [(r.submitted_by, list(r.authors.all())) for r in overview.responses.values()]
        counts.append(len(ctx.captured_queries))
    # 5 of them read the proposals as they are now (figures, lines, goals: stance versions).
    assert counts[0] == counts[1] <= 13
    with django_assert_num_queries(counts[1]):
        selectors.hearing_overview(big.process)


def test_response_for_and_transitions_for():
    s = Setup().to_hearing()
    assert selectors.response_for(s.process, s.lmu1) == (None, {})
    s.submit(s.lmu1, s.lmu1_user)
    response, stances = selectors.response_for(s.process, s.lmu1)
    assert set(stances) == {p.pk for p in s.proposals}
    assert [(t.from_state, t.to_state, t.actor) for t in selectors.transitions_for(s.process)] == [
        ("draft", "hearing", s.admin)
    ]


def test_responses_visible_to_user():
    s = Setup().to_hearing()
    hearing.save_hearing_response(s.process, s.lmu2, actor=s.lmu2_user, general_comment="Udkast", stances={})
    s.submit(s.lmu1, s.lmu1_user)
    assert [r.committee.name for r in selectors.responses_for_process(s.process, s.lmu2_user)] == ["LMU Et", "LMU To"]
    assert [r.committee.name for r in selectors.responses_for_process(s.process, s.hmu_user)] == ["LMU Et"]
    assert Membership.objects.filter(user=s.hmu_user).count() == 1
