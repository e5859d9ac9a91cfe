"""A catalogue's workflow page: where it stands, the heard LMUs, its buttons."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import next_steps, selectors, transitions
from ..deadlines import deadline_passed
from ..models import CatalogueProcess, HearingResponse
from .common import allowed_rule_names, button_forms, page_context, process_or_404

State = CatalogueProcess.State


def catalogue_page(request, catalogue, process, status=200, **forms):
    user = request.user
    allowed = allowed_rule_names(user, process)
    responses = {r.committee_id: r for r in selectors.responses_for_process(process)}
    own = set(selectors.own_heard_committees(user, process).values_list("pk", flat=True))
    # Where the catalogue stands and each of the user's roles' next step: the dashboard's answers.
    row = selectors.process_row(user, process)
    steps = next_steps.next_steps(user, row) if row is not None else []
    lmu_step = next((step for step in steps if step.role == "hearing"), None)
    heard = []
    for committee in process.heard_committees.order_by("name"):
        response = responses.get(committee.pk)
        submitted = response is not None and response.status == HearingResponse.Status.SUBMITTED
        mine = committee.pk in own
        if mine and lmu_step is not None and committee.pk == row.my_committee_id:
            link = lmu_step.verb
        elif mine and process.state == State.HEARING and not submitted:
            link = _("Skriv høringssvar")  # a second own LMU: the dashboard follows the first
        else:
            link = _("Se jeres svar")
        heard.append(
            {
                "committee": committee,
                "response": response if (submitted or mine) else None,
                "submitted": submitted,
                "own": mine,
                "link": link,
            }
        )
    buttons = button_forms(
        process, allowed, forms, transitions.OPEN_HEARING, transitions.START_HMU_REVIEW, transitions.FORWARD_TO_SIGNOFF
    )
    context = page_context(
        request,
        catalogue,
        process,
        "catalogue",
        heard=heard,
        submitted_count=sum(1 for h in heard if h["submitted"]),
        transitions=selectors.transitions_for(process),
        approval=selectors.latest_approval(process) if process.state == State.SIGNED_OFF else None,
        proposals=catalogue.proposals.order_by("position", "id"),
        # Only a hearing still going on is overdue: an approved catalogue's deadline is history.
        deadline_passed=process.state == State.HEARING and deadline_passed(process),
        # A finished hearing needs no reason to start HMU's review: the field is not asked.
        hearing_finished=process.state == State.HEARING and selectors.hearing_finished(process),
        next_steps=steps,
        state_label=selectors.state_label(row) if row is not None else process.get_state_display(),
        **buttons,
    )
    return render(request, "approvals/catalogue.html", context, status=status)


def catalogue(request, slug):
    catalogue, process = process_or_404(request, slug)
    return catalogue_page(request, catalogue, process)
