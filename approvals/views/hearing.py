"""Hearing responses: an LMU's response form, reopening it, and the list of responses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from .. import hearing, policy, selectors
from ..deadlines import deadline_passed
from ..exceptions import WorkflowError
from ..filters import HearingResponseFilter
from ..forms import STANCE_CHOICES, HearingResponseForm, ReasonForm
from ..models import CatalogueProcess, Committee, HearingResponse
from ..stance_versions import CurrentVersions
from .committee_rows import figure_tables, read_links, response_rows
from .common import figure_rows, page_context, process_or_404, say_refusal
from .listing import SortColumn, page_of, sorted_rows

State = CatalogueProcess.State

# The response form shows this many proposals a page: a POST carries two fields per row (Django
# refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS), and a page of a 20.000-proposal catalogue
# is built and sent as fast as one of a small catalogue. Each page saves its own rows.
ROWS_PER_PAGE = 250
PAGE_FIELD = "side"


def _heard_committee_or_404(process, committee_id):
    committee = get_object_or_404(Committee, pk=committee_id, kind=Committee.Kind.LMU)
    if not process.heard_committees.filter(pk=committee.pk).exists():
        raise Http404(_("Udvalget er ikke hørt på dette katalog."))
    return committee


def _unsaved_text(post, proposals):
    """[(label, text)] a refused POST carried, so the writer can copy it instead of losing it."""
    texts = [(_("Generel kommentar"), post.get("general_comment", ""))]
    texts += [(f"{p.code} {p.title}", post.get(HearingResponseForm.comment_name(p), "")) for p in proposals]
    return [(label, text.strip()) for label, text in texts if text.strip()]


def _page(request, rows, key=lambda row: row.proposal.pk):
    """The shown page of ``rows`` (the catalogue's, in order): ``?side=N``, or the page of
    ``?forslag=<id>``."""
    paginator = Paginator(rows, ROWS_PER_PAGE, allow_empty_first_page=True)
    number = request.GET.get(PAGE_FIELD)
    wanted = request.GET.get("forslag")
    if wanted and not number:
        index = next((i for i, row in enumerate(rows) if str(key(row)) == wanted), None)
        if index is not None:
            number = index // ROWS_PER_PAGE + 1
    return paginator.get_page(number)


def _page_url(slug, committee_id, number):
    url = reverse("approvals:response", args=[slug, committee_id])
    return f"{url}?{PAGE_FIELD}={number}" if number and int(number) > 1 else url


def _link_errors_to_their_pages(form, page, order):
    """Point the error summary at the page of a row with an error that is not on this one."""
    if page.paginator.num_pages == 1 or not form.row_errors:
        return
    here = set(page.object_list)
    form.row_pages = {
        pk: f"?{PAGE_FIELD}={index // ROWS_PER_PAGE + 1}"
        for index, pk in enumerate(order)
        if pk in form.row_errors and pk not in here
    }


def _response_page(
    request, catalogue, process, committee, *, proposals=None, form=None, reopen_form=None, unsaved=None
):
    user = request.user
    # The catalogue's order (the ids: one light query, or the POST's proposals) finds the page;
    # the figures, current versions and stances are read for the page's proposals only (all of
    # them cost seconds at 20.000).
    order = selectors.proposal_order(catalogue) if proposals is None else [p.pk for p in proposals]
    page = _page(request, order, key=lambda pk: pk)
    page_ids = list(page.object_list)
    versions = CurrentVersions(catalogue, proposal_ids=page_ids)
    page_proposals = [row.proposal for row in versions.state.rows]
    response, stance_map = selectors.response_for(process, committee, versions, proposal_ids=page_ids)
    refusal = hearing.response_edit_refusal(user, response, process, committee)
    if refusal is not None:
        kind, message = refusal
        if response is not None:
            may_read = policy.user_has_permission(user, "response.view", response)
        else:  # nothing written yet: its administrators may open the page (to let the LMU answer late)
            may_read = policy.user_has_permission(user, "process.administer", process)
        if response is None and kind == "workflow":
            may_read = True  # the committee's own members: "no response was given"
        if not may_read:
            raise PermissionDenied(message)
    # A submitted response's stances on changed proposals can still be confirmed or revised.
    may_revise = (
        refusal is not None
        and response is not None
        and not hearing.stale_stance_refusal(user, response, process, committee)
    )
    context = page_context(
        request,
        catalogue,
        process,
        "responses",
        committee=committee,
        response=response,
        authors=list(response.authors.all()) if response else [],
        refusal=refusal[1] if refusal else None,
        unsaved=unsaved or [],
        unit=catalogue.unit,
        convention=catalogue.get_sign_convention_display(),
        stance_choices=[(value, str(label)) for value, label in STANCE_CHOICES],
        # This page's: the current versions of every proposal (what a whole count needs) are
        # the read the page no longer makes. A submission still checks every page.
        stale_count=sum(1 for s in stance_map.values() if s.stale),
        may_revise=may_revise,
        stance_label=HearingResponseForm.stance_label,
        comment_label=HearingResponseForm.comment_label,
    )
    context["page"] = page
    if refusal is None:
        if form is None:
            form = HearingResponseForm(
                proposals=page_proposals,  # a GET's form: the page's rows
                initial={"general_comment": response.general_comment if response else ""},
                initial_stances=_saved(stance_map),
            )
        _link_errors_to_their_pages(form, page, order)
        fields = form.rows(page_proposals)
        context["form"] = form
    else:
        fields = {}
        late = response is None and deadline_passed(process)
        may_reopen = policy.user_has_permission(user, "process.reopen_response", process)
        if (response is not None or late) and may_reopen and process.state == State.HEARING:
            context["reopen_form"] = reopen_form or ReasonForm(prefix="reopen")
    rows = figure_rows(versions.state)
    tables = figure_tables(rows, catalogue)
    links = read_links(catalogue, [r.proposal for r in rows])
    context["items"] = [
        {
            "proposal": r.proposal,
            "url": links[r.proposal.pk][0],
            "read": links[r.proposal.pk][1],
            "figures_html": tables[r.proposal.pk],
            "field": fields.get(r.proposal.pk),
            "stance": stance_map.get(r.proposal.pk),
        }
        for r in rows
    ]
    return render(request, "approvals/response.html", context)


def _saved(stance_map):
    return {pid: (s.stance, s.comment) for pid, s in stance_map.items()}


def response(request, slug, committee_id):
    catalogue, process = process_or_404(request, slug)
    committee = _heard_committee_or_404(process, committee_id)
    if request.method != "POST":
        return _response_page(request, catalogue, process, committee)
    existing = HearingResponse.objects.filter(process=process, committee=committee).first()
    refusal = hearing.response_edit_refusal(request.user, existing, process, committee)
    # The form reads the proposals only; the figures and versions are the service's (and a
    # page shown again reads them for itself).
    proposals = selectors.form_proposals(catalogue)
    if refusal is not None:
        kind, message = refusal
        if kind == "permission":
            raise PermissionDenied(message)
        # E.g. the deadline passed, or a co-member submitted, while this member was writing.
        unsaved = _unsaved_text(request.POST, proposals)
        return _response_page(request, catalogue, process, committee, proposals=proposals, unsaved=unsaved)
    # A submission checks every row; those of other pages are not posted and count as saved.
    saved = selectors.saved_stances(process, committee) if request.POST.get("action") == "submit" else {}
    form = HearingResponseForm(request.POST, proposals=proposals, initial_stances=saved)
    if form.is_valid():
        submit = form.cleaned_data["action"] == HearingResponseForm.SUBMIT
        try:
            hearing.save_hearing_response(
                process,
                committee,
                actor=request.user,
                general_comment=form.cleaned_data["general_comment"],
                stances=form.stances(),
                submit=submit,
                confirmed=form.confirmed,
            )
        except WorkflowError as exc:
            # E.g. a co-member submitted first: the page may now be read-only, so what this member
            # typed is shown to copy (as for a refusal found before saving).
            form.add_error(None, exc.message)
            unsaved = _unsaved_text(request.POST, proposals)
            return _response_page(
                request, catalogue, process, committee, proposals=proposals, form=form, unsaved=unsaved
            )
        messages.success(request, _("Høringssvaret er indsendt.") if submit else _("Kladden er gemt."))
        if submit:
            return redirect("approvals:response", slug, committee.pk)
        # "Gem og gå til side N" (the pager's buttons save first), or back to the same page.
        number = request.POST.get("goto", "")
        number = int(number) if number.isdigit() else _page(request, proposals, key=lambda p: p.pk).number
        return redirect(_page_url(slug, committee.pk, number))
    return _response_page(request, catalogue, process, committee, proposals=proposals, form=form)


@require_POST
def revise_stale_stance(request, slug, committee_id, proposal_id):
    """Confirm or revise one stance, given on an earlier version of its proposal, of a submitted response."""
    catalogue, process = process_or_404(request, slug)
    committee = _heard_committee_or_404(process, committee_id)
    try:
        hearing.revise_stale_stance(
            process,
            committee,
            proposal_id,
            actor=request.user,
            stance=request.POST.get("stance", ""),
            comment=request.POST.get("comment", ""),
        )
    except WorkflowError as exc:
        say_refusal(request, exc)
    else:
        messages.success(request, _("Holdningen gælder nu forslaget, som det ser ud nu."))
    # ?forslag= opens the page the proposal is on.
    url = reverse("approvals:response", args=[slug, committee.pk])
    return redirect(f"{url}?forslag={proposal_id}#forslag-{proposal_id}")


@require_POST
def reopen_response(request, slug, committee_id):
    catalogue, process = process_or_404(request, slug)
    committee = _heard_committee_or_404(process, committee_id)
    if not policy.user_has_permission(request.user, "process.reopen_response", process):
        raise PermissionDenied
    response = HearingResponse.objects.filter(process=process, committee=committee).first()
    form = ReasonForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _response_page(request, catalogue, process, committee, reopen_form=form)
    reason = form.cleaned_data["reason"]
    try:
        if response is None:  # past the deadline without a word: let the LMU answer late
            hearing.allow_late_response(process, committee, actor=request.user, reason=reason)
        else:
            hearing.reopen_hearing_response(response, actor=request.user, reason=reason)
    except WorkflowError as exc:
        say_refusal(request, exc)
    else:
        messages.success(request, _("Høringssvaret er genåbnet."))
    return redirect("approvals:response", slug, committee.pk)


RESPONSE_COLUMNS = (
    SortColumn("committee", _lazy("LMU"), ("committee__name",)),
    SortColumn("status", _lazy("Status"), ("status", "committee__name")),
    SortColumn("submitted_at", _lazy("Indsendt"), ("submitted_at", "committee__name")),
    SortColumn("submitted_by", _lazy("Indsendt af"), ("submitted_by__username", "committee__name")),
    SortColumn("updated_at", _lazy("Senest ændret"), ("updated_at", "committee__name")),
)


def responses(request, slug):
    catalogue, process = process_or_404(request, slug)
    filterset = HearingResponseFilter(
        request.GET or None, queryset=selectors.responses_for_process(process, user=request.user)
    )
    rows, headers = sorted_rows(filterset.qs, RESPONSE_COLUMNS, request.GET.get("sort", ""), "committee")
    page = page_of(request, list(rows))  # one response per heard LMU (tens): no COUNT query
    return render(
        request,
        "approvals/responses.html",
        page_context(
            request,
            catalogue,
            process,
            "responses",
            headers=headers,
            page=page,
            rows=response_rows(catalogue, page.object_list),
            filter=filterset,
            own_committees=list(selectors.own_heard_committees(request.user, process)),
            # Administrators see every committee's response, drafts too (responses_for_process).
            sees_all=policy.user_has_permission(request.user, "process.administer", process),
        ),
    )
