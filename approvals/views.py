"""The workflow's web pages. Thin: parse input, call one service or selector, render.

A catalogue the user may not see is a 404; a page or action that is not theirs is a 403
(PermissionDenied); a refused workflow step (WorkflowError) becomes a message. Forms that
carry typed text (hearing response, HMU review) are shown again with the error instead of
redirecting, so nothing the user wrote is lost.

Every workflow button posts to one view, ``transition``: it asks the rule of
approvals.transitions who may, validates the rule's form and calls ``services.perform``. Pages
show a button when ``selectors.allowed_transitions`` offers its rule. No view writes on a GET."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from proposals.models import Catalogue
from proposals.selectors import catalogue_overview

from . import permissions, policy, selectors, services, transitions
from .exceptions import NotPermitted, WorkflowError
from .filters import CatalogueProcessFilter, HearingResponseFilter
from .forms import HearingResponseForm, HmuReviewForm, ReasonForm
from .models import CatalogueProcess, Committee, HearingResponse, Membership
from .tables import (
    AllProcessesTable,
    HearingTable,
    HmuQueueTable,
    ResponseTable,
    SignoffQueueTable,
    StanceCountTable,
    stance_count_rows,
)

State = CatalogueProcess.State


# --- helpers ---------------------------------------------------------------------------------


def _process_or_404(request, slug):
    """The catalogue and its process; 404 when it does not exist or the user may not see it."""
    catalogue = get_object_or_404(Catalogue.objects.select_related("department"), slug=slug)
    if not permissions.can_view_catalogue(request.user, catalogue):
        raise Http404(_("Kataloget findes ikke."))
    process = get_object_or_404(CatalogueProcess, catalogue=catalogue)
    process.catalogue = catalogue
    return catalogue, process


def _links(user, process):
    """Which of the catalogue's workflow pages the user may open (for the sub-navigation)."""
    return {
        "hmu": _may_view_hmu(user, process),
        "signoff": _may_view_signoff(user, process),
    }


def _may_view_hmu(user, process):
    return permissions.can_record_hmu(user, process) or permissions.is_admin(user, process)


def _may_view_signoff(user, process):
    return permissions.can_sign_off(user, process) or permissions.is_admin(user, process)


@dataclass
class FigureRow:
    """A proposal with its yearly figures (internal convention; templates convert with |amount)."""

    proposal: object
    figures: list  # [{"year", "amount", "fte"}]
    has_fte: bool


def _figure_rows(overview):
    rows = []
    for row in overview.rows:
        figures = [{"year": y, "amount": row.net.get(y), "fte": row.fte.get(y)} for y in overview.years]
        rows.append(FigureRow(row.proposal, figures, any(f["fte"] is not None for f in figures)))
    return rows


def _context(request, catalogue, process, active, **extra):
    return {
        "catalogue": catalogue,
        "process": process,
        "active": active,
        "links": _links(request.user, process),
        **extra,
    }


def _error(request, exc):
    messages.error(request, exc.message)


# --- dashboard ---------------------------------------------------------------------------------


def dashboard(request):
    user = request.user
    base = selectors.processes_for_user(user)
    # The status and committee of the user's own heard LMU's response (processes_for_user
    # knows submitted/pending, the dashboard also shows "draft").
    mine = HearingResponse.objects.filter(process=OuterRef("pk"), committee__memberships__user=user)
    base = base.annotate(
        my_response_status=Subquery(mine.order_by("status").values("status")[:1]),
        my_committee_id=Subquery(
            Committee.objects.filter(hearings=OuterRef("pk"), memberships__user=user).order_by("name").values("pk")[:1]
        ),
    )
    filterset = CatalogueProcessFilter(request.GET or None, queryset=base, request=request)
    qs = filterset.qs
    kinds = set(Membership.objects.filter(user=user).values_list("committee__kind", flat=True))
    is_admin = policy.is_administrator(user)
    sections = []
    if Committee.Kind.LMU in kinds:
        sections.append(
            (
                "hearing",
                _("Høringer for dine LMU'er"),
                HearingTable(qs.filter(is_heard=True).exclude(state=State.DRAFT), prefix="h-"),
            )
        )
    if Committee.Kind.HMU in kinds:
        sections.append(
            (
                "hmu",
                _("Afventer HMU-behandling"),
                HmuQueueTable(qs.filter(is_hmu=True, state=State.HMU_REVIEW), prefix="m-"),
            )
        )
    if Committee.Kind.SIGNOFF in kinds:
        sections.append(
            (
                "signoff",
                _("Afventer godkendelse"),
                SignoffQueueTable(qs.filter(is_signoff=True, state=State.AWAITING_SIGNOFF), prefix="s-"),
            )
        )
    if is_admin or kinds - {Committee.Kind.LMU}:
        title = _("Alle kataloger") if is_admin else _("Alle dine kataloger")
        sections.append(("all", title, AllProcessesTable(qs, prefix="a-")))
    config = RequestConfig(request, paginate={"per_page": 20})
    for _key, _title, table in sections:
        config.configure(table)
    return render(
        request,
        "approvals/dashboard.html",
        {"filter": filterset, "sections": sections, "has_memberships": bool(kinds) or is_admin},
    )


# --- catalogue workflow page -----------------------------------------------------------------


def _allowed(user, process):
    """The names of the rules whose buttons ``user`` sees on ``process``'s pages."""
    return {rule.name for rule in selectors.allowed_transitions(process, user)}


def _button_forms(allowed, bound, *rules):
    """{``<prefix>_form``: form} for each of ``rules`` the user may take now (its button);
    a bound form in ``bound`` (shown again with its errors) wins over a new one."""
    return {
        rule.form_name: bound.get(rule.form_name) or rule.form(prefix=rule.prefix)
        for rule in rules
        if rule.name in allowed
    }


def _catalogue_page(request, catalogue, process, status=200, **forms):
    user = request.user
    allowed = _allowed(user, process)
    responses = {r.committee_id: r for r in selectors.responses_for_process(process)}
    own = set(permissions.lmu_committees_heard(user, process).values_list("pk", flat=True))
    heard = []
    for committee in process.heard_committees.order_by("name"):
        response = responses.get(committee.pk)
        submitted = response is not None and response.status == HearingResponse.Status.SUBMITTED
        heard.append(
            {
                "committee": committee,
                "response": response if (submitted or committee.pk in own) else None,
                "submitted": submitted,
                "own": committee.pk in own,
            }
        )
    buttons = _button_forms(
        allowed, forms, transitions.OPEN_HEARING, transitions.START_HMU_REVIEW, transitions.FORWARD_TO_SIGNOFF
    )
    context = _context(
        request,
        catalogue,
        process,
        "catalogue",
        heard=heard,
        submitted_count=sum(1 for h in heard if h["submitted"]),
        transitions=selectors.transitions_for(process),
        approval=selectors.latest_approval(process) if process.state == State.SIGNED_OFF else None,
        proposals=catalogue.proposals.order_by("position", "id"),
        deadline_passed=permissions.deadline_passed(process),
        **buttons,
    )
    return render(request, "approvals/catalogue.html", context, status=status)


def catalogue(request, slug):
    catalogue, process = _process_or_404(request, slug)
    return _catalogue_page(request, catalogue, process)


# --- hearing responses -----------------------------------------------------------------------


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


def _response_page(request, catalogue, process, committee, *, form=None, reopen_form=None, unsaved=None):
    user = request.user
    response = selectors.response_for(process, committee)
    refusal = permissions.response_edit_refusal(user, response, process, committee)
    if refusal is not None:
        kind, message = refusal
        # Admins read every response (they can in the admin too); others as can_view_response says.
        may_read = permissions.can_view_response(user, response) or permissions.is_admin(user, process)
        if response is None and kind == "workflow":
            may_read = True  # the committee's own members: "no response was given"
        if not may_read:
            raise PermissionDenied(message)
    overview = catalogue_overview(catalogue, with_lines=False)
    rows = _figure_rows(overview)
    context = _context(
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
    )
    if refusal is None:
        stance_map = getattr(response, "stance_map", {}) if response else {}
        if form is None:
            form = HearingResponseForm(
                proposals=[r.proposal for r in rows],
                initial={"general_comment": response.general_comment if response else ""},
                initial_stances={pid: (s.stance, s.comment) for pid, s in stance_map.items()},
            )
        by_pk = {r.proposal.pk: r for r in rows}
        context["form"] = form
        context["form_rows"] = [
            {"proposal": p, "stance": stance, "comment": comment, "row": by_pk[p.pk]}
            for p, stance, comment in form.proposal_fields()
        ]
    else:
        stance_map = getattr(response, "stance_map", {}) if response else {}
        context["read_rows"] = [{"proposal": r.proposal, "stance": stance_map.get(r.proposal.pk)} for r in rows]
        late = response is None and permissions.deadline_passed(process)
        may_reopen = permissions.can_reopen_response(user, process)
        if (response is not None or late) and may_reopen and process.state == State.HEARING:
            context["reopen_form"] = reopen_form or ReasonForm(prefix="reopen")
    return render(request, "approvals/response.html", context)


def response(request, slug, committee_id):
    catalogue, process = _process_or_404(request, slug)
    committee = _heard_committee_or_404(process, committee_id)
    if request.method != "POST":
        return _response_page(request, catalogue, process, committee)
    existing = HearingResponse.objects.filter(process=process, committee=committee).first()
    refusal = permissions.response_edit_refusal(request.user, existing, process, committee)
    if refusal is not None:
        kind, message = refusal
        if kind == "permission":
            raise PermissionDenied(message)
        # E.g. the deadline passed, or a co-member submitted, while this member was writing.
        proposals = list(catalogue.proposals.order_by("position", "id"))
        unsaved = _unsaved_text(request.POST, proposals)
        return _response_page(request, catalogue, process, committee, unsaved=unsaved)
    proposals = list(catalogue.proposals.order_by("position", "id"))
    form = HearingResponseForm(request.POST, proposals=proposals)
    if form.is_valid():
        submit = form.cleaned_data["action"] == HearingResponseForm.SUBMIT
        try:
            services.save_hearing_response(
                process,
                committee,
                actor=request.user,
                general_comment=form.cleaned_data["general_comment"],
                stances=form.stances(),
                submit=submit,
            )
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Høringssvaret er indsendt.") if submit else _("Kladden er gemt."))
            return redirect("approvals:response", slug, committee.pk)
    return _response_page(request, catalogue, process, committee, form=form)


@require_POST
def reopen_response(request, slug, committee_id):
    catalogue, process = _process_or_404(request, slug)
    committee = _heard_committee_or_404(process, committee_id)
    if not permissions.can_reopen_response(request.user, process):
        raise PermissionDenied
    response = HearingResponse.objects.filter(process=process, committee=committee).first()
    form = ReasonForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _response_page(request, catalogue, process, committee, reopen_form=form)
    reason = form.cleaned_data["reason"]
    try:
        if response is None:  # past the deadline without a word: let the LMU answer late
            services.allow_late_response(process, committee, actor=request.user, reason=reason)
        else:
            services.reopen_hearing_response(response, actor=request.user, reason=reason)
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except WorkflowError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Høringssvaret er genåbnet."))
    return redirect("approvals:response", slug, committee.pk)


def responses(request, slug):
    catalogue, process = _process_or_404(request, slug)
    filterset = HearingResponseFilter(
        request.GET or None, queryset=selectors.responses_for_process(process, user=request.user)
    )
    table = ResponseTable(filterset.qs, catalogue=catalogue)
    RequestConfig(request, paginate={"per_page": 20}).configure(table)
    own = list(permissions.lmu_committees_heard(request.user, process))
    return render(
        request,
        "approvals/responses.html",
        _context(request, catalogue, process, "responses", table=table, filter=filterset, own_committees=own),
    )


# --- HMU review --------------------------------------------------------------------------------


def _hmu_page(request, catalogue, process, *, form=None, back_form=None, forward_form=None):
    user = request.user
    overview = selectors.hearing_overview(process)
    figure_rows = {r.proposal.pk: r for r in _figure_rows(catalogue_overview(catalogue, with_lines=False))}
    review = overview.hmu_review
    can_record = permissions.can_record_hmu(user, process) and process.state == State.HMU_REVIEW
    if can_record and form is None:
        form = HmuReviewForm(
            proposals=[row.proposal for row in overview.rows],
            initial={"statement": review.statement if review else ""},
            initial_stances={pid: (p.stance, p.comment) for pid, p in (review.position_map if review else {}).items()},
        )
    fields = {p.pk: (stance, comment) for p, stance, comment in form.proposal_fields()} if form else {}
    items = [
        {
            "row": row,
            "figures": figure_rows.get(row.proposal.pk),
            "stance_field": fields.get(row.proposal.pk, (None, None))[0],
            "comment_field": fields.get(row.proposal.pk, (None, None))[1],
        }
        for row in overview.rows
    ]
    allowed = _allowed(user, process)
    buttons = _button_forms(
        allowed,
        {"forward_form": forward_form, "back_form": back_form},
        transitions.FORWARD_TO_SIGNOFF,
        transitions.SEND_BACK_TO_HEARING,
    )
    counts = StanceCountTable(stance_count_rows(overview), prefix="c-")
    RequestConfig(request, paginate=False).configure(counts)
    context = _context(
        request,
        catalogue,
        process,
        "hmu",
        overview=overview,
        review=review,
        items=items,
        form=form,
        counts_table=counts,
        forward_form=buttons.get("forward_form"),
        back_form=buttons.get("back_form"),
        may_start_review=transitions.START_HMU_REVIEW.name in allowed and selectors.hearing_finished(process),
    )
    return render(request, "approvals/hmu_review.html", context)


def hmu_review(request, slug):
    catalogue, process = _process_or_404(request, slug)
    if not _may_view_hmu(request.user, process):
        raise PermissionDenied
    if request.method != "POST":
        return _hmu_page(request, catalogue, process)
    if not permissions.can_record_hmu(request.user, process):
        raise PermissionDenied
    proposals = list(catalogue.proposals.order_by("position", "id"))
    form = HmuReviewForm(request.POST, proposals=proposals)
    if form.is_valid():
        try:
            services.save_hmu_review(
                process, actor=request.user, statement=form.cleaned_data["statement"], positions=form.stances()
            )
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("HMU's behandling er gemt."))
            return redirect("approvals:hmu_review", slug)
    return _hmu_page(request, catalogue, process, form=form)


# --- sign-off ----------------------------------------------------------------------------------


def _signoff_page(request, catalogue, process, *, approve_form=None, back_form=None):
    user = request.user
    overview = catalogue_overview(catalogue, with_lines=False)
    hearing = selectors.hearing_overview(process)
    buttons = _button_forms(
        _allowed(user, process),
        {"approve_form": approve_form, "back_form": back_form},
        transitions.SIGN_OFF,
        transitions.SEND_BACK_TO_HMU,
    )
    totals, targets = overview.totals, overview.targets
    context = _context(
        request,
        catalogue,
        process,
        "signoff",
        econ_rows=_figure_rows(overview),
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
    catalogue, process = _process_or_404(request, slug)
    if not _may_view_signoff(request.user, process):
        raise PermissionDenied
    return _signoff_page(request, catalogue, process)


# --- the workflow's buttons ------------------------------------------------------------------

# The pages a button lives on: where an invalid form is shown again and a refusal is said.
PAGES = {
    transitions.CATALOGUE_PAGE: ("approvals:catalogue", _catalogue_page),
    transitions.HMU_PAGE: ("approvals:hmu_review", _hmu_page),
    transitions.SIGNOFF_PAGE: ("approvals:signoff", _signoff_page),
}


@require_POST
def transition(request, slug, action, page=None):
    """POST of any workflow button: the rule's ``may`` (403) → its form → ``services.perform``.

    ``action`` names a rule of approvals.transitions. An invalid form is shown again on
    ``page`` (the button's page: the URL's, a posted ``return_to``, else the rule's); a refused
    step is a message there; after the step the user goes to ``return_to`` or the rule's
    ``done_page``."""
    rule = transitions.RULES.get(action)
    if rule is None:
        raise Http404(_("Handlingen findes ikke."))
    catalogue, process = _process_or_404(request, slug)
    if not rule.may(request.user, process):
        raise PermissionDenied(rule.refused)
    return_to = request.POST.get("return_to")
    return_to = return_to if return_to in PAGES else None
    url_name, render_page = PAGES[return_to or page or rule.page]
    form = rule.form(request.POST, prefix=rule.prefix)
    if not form.is_valid():
        return render_page(request, catalogue, process, **{rule.form_name: form})
    try:
        services.perform(process, rule, actor=request.user, **form.transition_input())
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except WorkflowError as exc:
        _error(request, exc)
        return redirect(url_name, slug)
    messages.success(request, rule.success)
    return redirect(PAGES[return_to or rule.done_page][0], slug)
