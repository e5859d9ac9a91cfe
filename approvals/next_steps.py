"""Each role's next step on a catalogue, as a verb: the one place the dashboard and the
catalogue page learn them from. Apart from ``selectors`` because it reads the transition table,
which itself reads the selectors."""

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext as _

from . import transitions
from .deadlines import local_today
from .models import CatalogueProcess, HearingResponse

Submitted = HearingResponse.Status.SUBMITTED


class NextStep(NamedTuple):
    """A role's next step on a catalogue: what to do (a verb) and where."""

    role: str  # "hearing" (the user's LMU), "hmu", "signoff": the dashboard's sections
    verb: str
    url: str


def next_steps(user, row, today=None):
    """Each role's next step on ``row`` (a row of processes_for_user, or None), as [NextStep], the one
    place the dashboard and the catalogue page learn them from. The LMU's as its response page
    allows (hearing.response_edit_refusal, stale_notices); HMU's and the sign-off body's as the
    transition table allows (approvals.transitions), for members of those bodies (the policy)."""
    if row is None:  # not a catalogue the user sees
        return []
    State = CatalogueProcess.State
    today = today or local_today()
    steps = []
    deadline = row.hearing_deadline
    if row.state == State.HEARING and row.my_committee_id is not None and deadline is not None:
        ahead = today <= deadline
        status = row.my_response_status
        verb = None
        if status is None and ahead:
            verb = _("Skriv høringssvar")
        elif status == HearingResponse.Status.DRAFT and (ahead or row.my_response_reopened):
            verb = _("Ret høringssvar")
        elif status == Submitted and ahead and row.my_stale:
            verb = _("Bekræft eller ret dine holdninger")
        if verb:
            url = reverse("approvals:response", args=[row.catalogue.slug, row.my_committee_id])
            steps.append(NextStep("hearing", verb, url))
    hmu_rule = {
        State.HMU_REVIEW: transitions.FORWARD_TO_SIGNOFF,
        State.HEARING: transitions.START_HMU_REVIEW if row.is_hearing_finished else None,
    }.get(row.state)
    if row.is_hmu and hmu_rule is not None and hmu_rule.may(user, row):
        steps.append(
            NextStep("hmu", _("Behandl høringssvarene"), reverse("approvals:hmu_review", args=[row.catalogue.slug]))
        )
    if row.state == transitions.SIGN_OFF.source and transitions.SIGN_OFF.may(user, row):
        steps.append(
            NextStep("signoff", _("Godkend kataloget"), reverse("approvals:signoff", args=[row.catalogue.slug]))
        )
    return steps
