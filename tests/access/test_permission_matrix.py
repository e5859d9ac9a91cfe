"""Every workflow page and action × every role → the status code.

404: the user may not see the catalogue at all; 403: they see it but the page or action is
not theirs; 302 for anonymous: the login page; 302 for an allowed POST: back to a page
(the step may still be refused by a workflow guard, which is a message, not a status)."""

import pytest
from django.conf import settings
from django.urls import reverse

from approvals.models import CatalogueProcess, HearingResponse, SignOff
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
State = CatalogueProcess.State

ROLES = ["anonymous", "lmu", "lmu_other_heard", "lmu_not_heard", "hmu", "signoff", "staff", "plain"]


def user_for(s, role):
    return {
        "anonymous": None,
        "lmu": s.lmu1_user,
        "lmu_other_heard": s.lmu2_user,
        "lmu_not_heard": s.other_lmu_user,
        "hmu": s.hmu_user,
        "signoff": s.signoff_user,
        "staff": s.admin,  # administrator of the catalogue's department
        "plain": s.outsider,
    }[role]


def setup_in(state):
    s = Setup()
    if state == State.HEARING:
        s.to_hearing()
    elif state == "hearing_submitted":
        s.to_hearing()
        s.submit(s.lmu1, s.lmu1_user)
    elif state == State.HMU_REVIEW:
        s.to_hmu_review()
    elif state == State.AWAITING_SIGNOFF:
        s.to_awaiting_signoff()
    elif state == State.SIGNED_OFF:
        s.to_signed_off()
    return s


def url_for(s, name):
    slug = s.catalogue.slug
    if name == "dashboard":
        return reverse("approvals:dashboard")
    if name in ("response", "response_reopen"):
        return reverse(f"approvals:{name}", args=[slug, s.lmu1.pk])
    if name == "stance_revise":
        return reverse(f"approvals:{name}", args=[slug, s.lmu1.pk, s.proposals[0].pk])
    return reverse(f"approvals:{name}", args=[slug])


def row(view, state, *codes):
    assert len(codes) == len(ROLES)
    return [
        pytest.param(view, state, role, code, id=f"{view}-{state}-{role}")
        for role, code in zip(ROLES, codes, strict=True)
    ]


# A draft is its department's administrators' business (approvals.policy); from the hearing
# on every member of one of the department's committees sees the catalogue (lmu3, not heard,
# too), but a page or action that is not theirs is a 403.
#                                 anon lmu  lmu2 lmu3 hmu  sign staff plain
GET_MATRIX = [
    *row("dashboard", State.HEARING, 302, 200, 200, 200, 200, 200, 200, 200),
    *row("catalogue", State.DRAFT, 302, 404, 404, 404, 404, 404, 200, 404),
    *row("catalogue", State.HEARING, 302, 200, 200, 200, 200, 200, 200, 404),
    *row("response", State.HEARING, 302, 200, 403, 403, 403, 403, 200, 404),
    *row("response", "hearing_submitted", 302, 200, 200, 200, 200, 200, 200, 404),
    *row("responses", State.HEARING, 302, 200, 200, 200, 200, 200, 200, 404),
    *row("hmu_review", State.HEARING, 302, 403, 403, 403, 200, 403, 200, 404),
    *row("hmu_review", State.HMU_REVIEW, 302, 403, 403, 403, 200, 403, 200, 404),
    *row("signoff", State.AWAITING_SIGNOFF, 302, 403, 403, 403, 403, 200, 200, 404),
    *row("signoff", State.SIGNED_OFF, 302, 403, 403, 403, 403, 200, 200, 404),
]

POST_DATA = {
    "response": {"general_comment": "Kladde", "action": "save"},
    "response_reopen": {"reopen-reason": "Rettelse"},
    "open_hearing": {"open-note": ""},
    "start_hmu_review": {"start-reason": "HMU-mødet er rykket frem"},
    "forward": {"forward-note": ""},
    "hmu_review": {"statement": "HMU's udtalelse"},
    "hmu_forward": {"forward-note": ""},
    "send_back_to_hearing": {"back-reason": "Mangler svar"},
    "approve": {"approve-note": "", "approve-confirm": "on", "approve-confirm_before_meeting": "on"},
    "stance_revise": {"stance": "support", "comment": ""},
    "send_back": {"back-reason": "Uddyb HMU's udtalelse"},
}

#                                            anon lmu  lmu2 lmu3 hmu  sign staff plain
POST_MATRIX = [
    *row("response", State.HEARING, 302, 302, 403, 403, 403, 403, 403, 404),
    *row("response_reopen", "hearing_submitted", 302, 403, 403, 403, 403, 403, 302, 404),
    # Confirming or revising a stance of a submitted response: the committee's own members only.
    *row("stance_revise", "hearing_submitted", 302, 302, 403, 403, 403, 403, 403, 404),
    *row("open_hearing", State.DRAFT, 302, 404, 404, 404, 404, 404, 302, 404),
    *row("start_hmu_review", State.HEARING, 302, 403, 403, 403, 302, 403, 302, 404),
    *row("forward", State.HMU_REVIEW, 302, 403, 403, 403, 302, 403, 302, 404),
    *row("hmu_review", State.HMU_REVIEW, 302, 403, 403, 403, 302, 403, 403, 404),
    *row("hmu_forward", State.HMU_REVIEW, 302, 403, 403, 403, 302, 403, 302, 404),
    *row("send_back_to_hearing", State.HMU_REVIEW, 302, 403, 403, 403, 302, 403, 302, 404),
    *row("approve", State.AWAITING_SIGNOFF, 302, 403, 403, 403, 403, 302, 403, 404),
    *row("send_back", State.AWAITING_SIGNOFF, 302, 403, 403, 403, 403, 302, 403, 404),
]


def _client_as(client, s, role):
    user = user_for(s, role)
    if user is not None:
        client.force_login(user)
    return client


def _assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("view,state,role,expected", GET_MATRIX)
def test_get(client, view, state, role, expected):
    s = setup_in(state)
    response = _client_as(client, s, role).get(url_for(s, view))
    assert response.status_code == expected
    if role == "anonymous":
        _assert_login_redirect(response)


@pytest.mark.parametrize("view,state,role,expected", POST_MATRIX)
def test_post(client, view, state, role, expected):
    s = setup_in(state)
    before = (
        s.reload().state,
        HearingResponse.objects.count(),
        list(HearingResponse.objects.values_list("status", flat=True)),
        SignOff.objects.count(),
    )
    response = _client_as(client, s, role).post(url_for(s, view), POST_DATA[view])
    assert response.status_code == expected
    if role == "anonymous":
        _assert_login_redirect(response)
    if expected != 302 or role == "anonymous":
        after = (
            s.reload().state,
            HearingResponse.objects.count(),
            list(HearingResponse.objects.values_list("status", flat=True)),
            SignOff.objects.count(),
        )
        assert after == before, "a refused request changed nothing"


def test_the_matrix_covers_every_view_and_role():
    from approvals import urls

    names = {p.name for p in urls.urlpatterns}
    covered = {p.values[0] for p in GET_MATRIX + POST_MATRIX}
    assert names == covered
    for params in (GET_MATRIX, POST_MATRIX):
        roles_per_case = {}
        for p in params:
            roles_per_case.setdefault(p.values[:2], set()).add(p.values[2])
        assert all(roles == set(ROLES) for roles in roles_per_case.values())
