"""HMU's review: the LMUs' stance counts per proposal, HMU's position per proposal and statement.

The page shows a page of proposals at a time (``PAGE_SIZE``), each with its figures, the
LMUs' counts and HMU's own fields; the LMUs' responses to a proposal open on demand
(``hmu_responses``: a fragment fetched by approvals/hmu.js, a page of its own without
JavaScript). Everything HMU types is in ONE form: saving, moving to another page of
proposals, forwarding to sign-off and sending back to hearing all save it first (the step in
the same transaction), or refuse and show every field again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import hearing, policy, selectors, transitions
from ..exceptions import WorkflowError
from ..forms import HmuReviewForm
from ..models import CatalogueProcess
from ..stance_versions import CurrentVersions
from .committee_rows import (
    count_table,
    figure_tables,
    hmu_fieldsets,
    lmu_stance_tables,
    read_links,
    stale_groups,
    urls_by_id,
)
from .common import allowed_rule_names, button_forms, figure_rows, form_as_typed, page_context, process_or_404

State = CatalogueProcess.State

# Proposals per page: the HTML of 200 proposals with HMU's fields is some 300 KB, and one
# request stays small at 20,000 proposals (bench/committee_pages.py).
PAGE_SIZE = 200

# The buttons of HMU's form that take a workflow step after saving (name="action").
STEPS = {"forward": transitions.FORWARD_TO_SIGNOFF, "back": transitions.SEND_BACK_TO_HEARING}


def _page(number, count):
    """The page ``number`` (text; out of range: the nearest) of ``count`` rows."""
    return Paginator(range(count), PAGE_SIZE).get_page(number)


def hmu_page(request, catalogue, process, *, proposals=None, form=None, back_form=None, forward_form=None):
    user = request.user
    # The catalogue's order (one light query) finds the page; the counts are of every proposal
    # (in SQL), the current versions, stale stances and HMU's positions the page's only (all of
    # them cost seconds at 20.000 proposals).
    proposals = proposals if proposals is not None else selectors.form_proposals(catalogue)
    number = request.POST.get("side") if request.method == "POST" else request.GET.get("side")
    page = _page(number, len(proposals))
    page_ids = [p.pk for p in proposals[page.start_index() - 1 : page.end_index()]] if proposals else []
    versions = CurrentVersions(catalogue, proposal_ids=page_ids)
    # A row's cells hold only its stances given on an earlier version.
    overview = selectors.hearing_summary(process, versions, proposals=proposals, proposal_ids=page_ids)
    shown = overview.rows[page.start_index() - 1 : page.end_index()] if overview.rows else []
    review = overview.hmu_review
    can_record = policy.user_has_permission(user, "process.record_hmu", process) and process.state == State.HMU_REVIEW
    saved = {pid: (p.stance, p.comment) for pid, p in overview.hmu_positions.items()}
    if can_record and form is None:
        form = HmuReviewForm(
            proposals=[row.proposal for row in overview.rows],
            initial={"statement": review.statement if review else ""},
            initial_stances=saved,
        )
    if form is not None:
        form.initial_stances = form.initial_stances or saved
    fields = form.rows([row.proposal for row in shown]) if form else {}
    pks = [row.proposal.pk for row in shown]
    figures = figure_tables(figure_rows(versions.state, only=set(pks)), catalogue)
    links = read_links(catalogue, [row.proposal for row in shown])
    responses = urls_by_id("approvals:hmu_responses", [catalogue.slug], pks)
    items = []
    for row in shown:
        counts, none = selectors.stance_counts(overview, row)
        pk = row.proposal.pk
        items.append(
            {
                "row": row,
                "counts": counts,
                "none": none,
                "figures_html": figures.get(pk, ""),
                "url": links[pk][0],
                "read": links[pk][1],
                "responses_url": responses[pk],
                "field": fields.get(pk),
                "stale_groups": stale_groups(row),
            }
        )
    hmu_fieldsets(
        items,
        editable=form is not None,
        texts={
            "error_prefix": _("Fejl:"),
            "pool": _("Indfasningspuljen: der skal ikke gives en holdning."),
            "none": _("Ingen holdning"),
            "responses": _("LMU'ernes svar på forslag %(code)s"),
            "read_responses": _("Læs LMU'ernes svar på forslag %(code)s"),
            "keep": _("Behold HMU's holdning til forslaget, som det ser ud nu"),
            "stance_label": HmuReviewForm.stance_label,
            "comment_label": HmuReviewForm.comment_label,
            "stale_flag": _("Givet på en tidligere version"),
            "hmu_stance": _("HMU's holdning"),
        },
    )
    allowed = allowed_rule_names(user, process)
    buttons = button_forms(
        process,
        allowed,
        {"forward_form": forward_form, "back_form": back_form},
        transitions.FORWARD_TO_SIGNOFF,
        transitions.SEND_BACK_TO_HEARING,
    )
    counts_page = _page(request.GET.get("c-side"), len(overview.rows))
    page_of = {row.proposal.pk: i // PAGE_SIZE + 1 for i, row in enumerate(overview.rows)}
    page_of.update(dict.fromkeys(pks))  # on this page: an anchor
    count_headers, count_body = count_table(
        overview,
        request.GET.get("c-sort", ""),
        page=(counts_page.start_index() - 1, counts_page.end_index()),
        page_of=page_of,
    )
    context = page_context(
        request,
        catalogue,
        process,
        "hmu",
        overview=overview,
        review=review,
        items=items,
        page=page,
        counts_page=counts_page,
        c_sort=request.GET.get("c-sort", ""),
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
    proposals = selectors.form_proposals(catalogue)
    form = HmuReviewForm(request.POST, proposals=proposals)
    rule = STEPS.get(request.POST.get("action"))
    if rule is not None and not rule.may(request.user, process):
        raise PermissionDenied(rule.refused)
    step_form = rule.form(request.POST, prefix=rule.prefix, process=process) if rule else None
    # Shown again if refused: the pressed button's form bound (with its errors), the other
    # buttons' forms with what was typed in them.
    step_forms = {
        other.form_name: step_form if other is rule else form_as_typed(other, request.POST, process)
        for other in STEPS.values()
    }
    if form.is_valid() and (step_form is None or step_form.is_valid()):
        review = {
            "actor": request.user,
            "statement": form.cleaned_data["statement"],
            "positions": form.stances(),
            "confirmed": form.confirmed,
        }
        try:
            if rule is None:
                hearing.save_hmu_review(process, **review)
            else:
                hearing.save_hmu_review_and_take_step(process, rule, **review, **step_form.transition_input())
        except WorkflowError as exc:
            # Nothing was saved: the page again with every field as typed, and why.
            form.add_error(None, exc.message)
        else:
            if rule is not None:
                messages.success(request, rule.success)
                return redirect(transitions_page(rule), slug)
            messages.success(request, _("HMU's behandling er gemt."))
            # "Save and show page N" (the pager's buttons) or the same page again.
            goto = request.POST.get("goto") or request.POST.get("side") or ""
            url = reverse("approvals:hmu_review", args=[slug])
            return redirect(f"{url}?side={goto}" if goto.isdigit() else url)
    return hmu_page(request, catalogue, process, proposals=proposals, form=form, **step_forms)


def transitions_page(rule):
    """The URL name of the page the user sees after ``rule`` (its done_page)."""
    return {
        transitions.CATALOGUE_PAGE: "approvals:catalogue",
        transitions.HMU_PAGE: "approvals:hmu_review",
        transitions.SIGNOFF_PAGE: "approvals:signoff",
    }[rule.done_page]


def hmu_responses(request, slug, proposal_id):
    """The heard LMUs' submitted stances on one proposal: the fragment the HMU page fetches
    when a proposal's responses are opened (``?fragment=1``), or a page of its own (the link
    the HMU page shows without JavaScript). The same selector and table as the page had."""
    catalogue, process = process_or_404(request, slug)
    if not policy.user_has_permission(request.user, "process.view_hmu_page", process):
        raise PermissionDenied
    # This proposal's version only: reading all of a catalogue of 20,000 took seconds.
    versions = CurrentVersions(catalogue, proposal_ids=[proposal_id])
    overview = selectors.hearing_overview(process, versions, proposal_ids=[proposal_id])
    if not overview.rows:
        raise Http404(_("Forslaget findes ikke."))
    row = overview.rows[0]
    table = lmu_stance_tables(
        overview,
        not_answered=_("Ikke svaret"),
        stale_flag=_("Givet på en tidligere version"),
        heads=(_("LMU"), _("Holdning"), _("Kommentar")),
    )[proposal_id]
    side = selectors.catalogue_position(row.proposal) // PAGE_SIZE + 1  # the HMU page's page it is on
    context = page_context(
        request,
        catalogue,
        process,
        "hmu",
        row=row,
        table=table,
        back_url=reverse("approvals:hmu_review", args=[slug]) + f"?side={side}#forslag-{proposal_id}",
    )
    template = "approvals/_hmu_responses.html" if request.GET.get("fragment") else "approvals/hmu_responses.html"
    return render(request, template, context)
