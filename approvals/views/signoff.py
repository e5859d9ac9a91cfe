"""The alderman's sign-off page: the economy, the hearing and HMU's review, the decision."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import policy, selectors, transitions
from ..models import CatalogueProcess
from ..stance_versions import CurrentVersions
from .committee_rows import proposal_urls, signoff_rows, stale_groups
from .common import allowed_rule_names, button_forms, figure_rows, page_context, process_or_404

State = CatalogueProcess.State


def signoff_page(request, catalogue, process, *, approve_form=None, back_form=None):
    user = request.user
    versions = CurrentVersions(catalogue)
    overview = versions.state
    hearing = selectors.hearing_summary(process, versions)
    buttons = button_forms(
        process,
        allowed_rule_names(user, process),
        {"approve_form": approve_form, "back_form": back_form},
        transitions.SIGN_OFF,
        transitions.SEND_BACK_TO_HMU,
    )
    totals, targets = overview.totals, overview.targets
    economy, stance_rows = signoff_rows(
        catalogue,
        figure_rows(overview),
        hearing,
        proposal_urls(catalogue, [row.proposal for row in overview.rows]),
        stale_flag=_("Givet på en tidligere version"),
        stale_link=_("Holdninger givet på en tidligere version"),
    )
    context = page_context(
        request,
        catalogue,
        process,
        "signoff",
        econ_rows=economy,
        stance_rows=stance_rows,
        stale_rows=[
            (row, stale_groups(row))
            for row in hearing.rows
            if row.stale_cells or (row.hmu_position and row.hmu_position.stale)
        ],
        years=overview.years,
        totals=[totals[y] for y in overview.years],
        targets=[targets[y] for y in overview.years],
        differences=[overview.differences[y] for y in overview.years],
        has_targets=any(t is not None for t in targets.values()),
        hearing=hearing,
        review=hearing.hmu_review,
        approval=selectors.latest_approval(process) if process.state == State.SIGNED_OFF else None,
        decisions=selectors.signoffs_for(process),
        approve_form=buttons.get("approve_form"),
        back_form=buttons.get("back_form"),
    )
    return render(request, "approvals/signoff.html", context)


def signoff(request, slug):
    catalogue, process = process_or_404(request, slug)
    if not policy.user_has_permission(request.user, "process.view_signoff_page", process):
        raise PermissionDenied
    return signoff_page(request, catalogue, process)
