"""HMU's review: the LMUs' stances side by side, HMU's position per proposal and statement."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import hearing, policy, selectors, transitions
from ..exceptions import WorkflowError
from ..forms import HmuReviewForm
from ..models import CatalogueProcess
from ..stance_versions import CurrentVersions
from .committee_rows import count_table, figure_tables, lmu_stance_tables, read_links, stale_groups
from .common import allowed_rule_names, button_forms, figure_rows, page_context, process_or_404

State = CatalogueProcess.State


def hmu_page(request, catalogue, process, *, versions=None, form=None, back_form=None, forward_form=None):
    user = request.user
    versions = versions or CurrentVersions(catalogue)
    overview = selectors.hearing_overview(process, versions)
    rows = figure_rows(versions.state)
    tables = figure_tables(rows, catalogue)
    links = read_links(catalogue, [r.proposal for r in rows])
    review = overview.hmu_review
    can_record = policy.user_has_permission(user, "process.record_hmu", process) and process.state == State.HMU_REVIEW
    if can_record and form is None:
        form = HmuReviewForm(
            proposals=[row.proposal for row in overview.rows],
            initial={"statement": review.statement if review else ""},
            initial_stances={pid: (p.stance, p.comment) for pid, p in overview.hmu_positions.items()},
        )
    fields = form.rows() if form else {}
    items = [
        {
            "row": row,
            "figures_html": tables.get(row.proposal.pk, ""),
            "url": links[row.proposal.pk][0],
            "read": links[row.proposal.pk][1],
            "field": fields.get(row.proposal.pk),
            "stale_groups": stale_groups(row),
        }
        for row in overview.rows
    ]
    allowed = allowed_rule_names(user, process)
    buttons = button_forms(
        process,
        allowed,
        {"forward_form": forward_form, "back_form": back_form},
        transitions.FORWARD_TO_SIGNOFF,
        transitions.SEND_BACK_TO_HEARING,
    )
    count_headers, count_body = count_table(overview, request.GET.get("c-sort", ""))
    texts = (_("Ikke svaret"), _("Givet på en tidligere version"), (_("LMU"), _("Holdning"), _("Kommentar")))
    stance_tables = lmu_stance_tables(overview, not_answered=texts[0], stale_flag=texts[1], heads=texts[2])
    for item in items:
        item["stances_html"] = stance_tables[item["row"].proposal.pk]
    context = page_context(
        request,
        catalogue,
        process,
        "hmu",
        overview=overview,
        review=review,
        items=items,
        form=form,
        count_headers=count_headers,
        count_body=count_body,
        forward_form=buttons.get("forward_form"),
        back_form=buttons.get("back_form"),
        may_start_review=transitions.START_HMU_REVIEW.name in allowed and selectors.hearing_finished(process),
        stance_label=HmuReviewForm.stance_label,
        comment_label=HmuReviewForm.comment_label,
    )
    return render(request, "approvals/hmu_review.html", context)


def hmu_review(request, slug):
    catalogue, process = process_or_404(request, slug)
    if not policy.user_has_permission(request.user, "process.view_hmu_page", process):
        raise PermissionDenied
    if request.method != "POST":
        return hmu_page(request, catalogue, process)
    if not policy.user_has_permission(request.user, "process.record_hmu", process):
        raise PermissionDenied
    versions = CurrentVersions(catalogue)
    form = HmuReviewForm(request.POST, proposals=[row.proposal for row in versions.state.rows])
    if form.is_valid():
        try:
            hearing.save_hmu_review(
                process,
                actor=request.user,
                statement=form.cleaned_data["statement"],
                positions=form.stances(),
                confirmed=form.confirmed,
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("HMU's behandling er gemt."))
            return redirect("approvals:hmu_review", slug)
    return hmu_page(request, catalogue, process, versions=versions, form=form)
