"""Writes of the committees: an LMU's hearing response (save, submit, reopen, answer late) and
HMU's review. Each runs in one transaction with the catalogue's process row locked first, as the
workflow's steps in approvals.services do, so a response cannot be saved past a state change."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal

from . import permissions
from .exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from .models import CatalogueProcess, HearingResponse, HmuPosition, HmuReview, ProposalStance, Stance
from .services import lock_process, require_actor

State = CatalogueProcess.State


# --- hearing responses ---------------------------------------------------------------------


def _clean_stances(process, stances, *, what):
    """Validate ``{proposal_id: (stance, comment)}``; returns {proposal: (stance or "", comment)}."""
    proposals = {p.pk: p for p in Proposal.objects.filter(catalogue_id=process.catalogue_id)}
    valid = set(Stance.values)
    cleaned = {}
    for key, value in (stances or {}).items():
        try:
            proposal = proposals[int(key)]
        except (KeyError, TypeError, ValueError):
            raise WorkflowError(_("Forslag %(id)s hører ikke til kataloget.") % {"id": key}) from None
        stance, comment = value if isinstance(value, (tuple, list)) else (value, "")
        stance = (stance or "").strip()
        comment = (comment or "").strip()
        if stance and stance not in valid:
            raise WorkflowError(
                _("Ugyldig holdning »%(stance)s« til forslag %(code)s.") % {"stance": stance, "code": proposal.code}
            )
        if comment and not stance:
            raise WorkflowError(
                _("Vælg %(what)s til forslag %(code)s, når der er skrevet en kommentar.")
                % {"what": what, "code": proposal.code}
            )
        cleaned[proposal] = (stance, comment)
    return cleaned, proposals


def _store_stances(model, owner_field, owner, cleaned):
    """Upsert the given stances; an empty stance removes that proposal's row."""
    existing = {row.proposal_id: row for row in model.objects.filter(**{owner_field: owner})}
    for proposal, (stance, comment) in cleaned.items():
        row = existing.get(proposal.pk)
        if not stance:
            if row:
                row.delete()
        elif row is None:
            model.objects.create(**{owner_field: owner}, proposal=proposal, stance=stance, comment=comment)
        elif (row.stance, row.comment) != (stance, comment):
            row.stance, row.comment = stance, comment
            row.save(update_fields=["stance", "comment"])


def save_hearing_response(process, committee, *, actor, general_comment, stances, submit=False):
    """Save (and with ``submit=True`` submit) ``committee``'s response; the actor becomes an author.

    ``stances`` is ``{proposal_id: (stance, comment)}``; an empty stance clears that proposal.
    Submitting needs a stance on every proposal except the phase-in pool row."""
    require_actor(actor)
    with transaction.atomic():
        locked = lock_process(process)
        response = HearingResponse.objects.select_for_update().filter(process=locked, committee=committee).first()
        refusal = permissions.response_edit_refusal(actor, response, locked, committee)
        if refusal:
            kind, message = refusal
            raise (NotPermitted if kind == "permission" else WorkflowError)(message)
        cleaned, proposals = _clean_stances(locked, stances, what=_("en holdning"))
        if response is None:
            response = HearingResponse.objects.create(process=locked, committee=committee)
        response.general_comment = (general_comment or "").strip()
        _store_stances(ProposalStance, "response", response, cleaned)
        response.authors.add(actor)
        fields = ["general_comment", "updated_at"]
        if submit:
            answered = set(ProposalStance.objects.filter(response=response).values_list("proposal_id", flat=True))
            missing = [p for p in proposals.values() if not p.is_phase_in and p.pk not in answered]
            if missing:
                missing.sort(key=lambda p: (p.position, p.pk))
                # Raising rolls back the whole save: nothing is half-saved.
                raise WorkflowError(
                    _("Angiv en holdning til alle forslag før indsendelse. Mangler: %(codes)s.")
                    % {"codes": ", ".join(p.code for p in missing)}
                )
            response.status = HearingResponse.Status.SUBMITTED
            response.submitted_at = timezone.now()
            response.submitted_by = actor
            fields += ["status", "submitted_at", "submitted_by"]
        response.save(update_fields=fields)
    return response


def _reopen_reason(actor, reason, process):
    """The checks before an administrator reopens (or opens late) a response; the reason, stripped."""
    require_actor(actor)
    if not permissions.can_reopen_response(actor, process):
        raise NotPermitted(_("Kun en administrator kan genåbne et høringssvar."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Angiv en begrundelse for at genåbne høringssvaret."))
    return reason


def _lock_in_hearing(process):
    """The process, locked, if it is in hearing (responses can only be reopened then)."""
    process = lock_process(process)
    if process.state != State.HEARING:
        raise TransitionNotAllowed(
            _("Høringssvar kan kun genåbnes, mens kataloget er i høring (status: %(state)s).")
            % {"state": process.get_state_display()}
        )
    return process


def reopen_hearing_response(response, *, actor, reason):
    """An administrator reopens a response as a draft (also past the deadline), stating why."""
    reason = _reopen_reason(actor, reason, response.process)
    with transaction.atomic():
        process = _lock_in_hearing(response.process)
        locked = HearingResponse.objects.select_for_update().get(pk=response.pk)
        if locked.status != HearingResponse.Status.SUBMITTED and not permissions.deadline_passed(process):
            raise WorkflowError(_("Høringssvaret er ikke indsendt og kan stadig redigeres."))
        locked.status = HearingResponse.Status.DRAFT
        locked.submitted_at = None
        locked.submitted_by = None
        locked.reopened_reason = reason
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "reopened_reason", "updated_at"])
    for field in ("status", "submitted_at", "submitted_by_id", "reopened_reason", "updated_at"):
        setattr(response, field, getattr(locked, field))
    return response


def allow_late_response(process, committee, *, actor, reason):
    """An administrator lets a heard LMU that never wrote anything answer after the deadline:
    an empty draft that stays editable, with the reason. (One with a response: reopen it.)"""
    reason = _reopen_reason(actor, reason, process)
    with transaction.atomic():
        process = _lock_in_hearing(process)
        if not permissions.deadline_passed(process):
            raise WorkflowError(_("Høringsfristen er ikke overskredet; udvalget kan stadig skrive sit svar."))
        response, created = HearingResponse.objects.get_or_create(
            process=process, committee=committee, defaults={"reopened_reason": reason}
        )
    if not created:
        return reopen_hearing_response(response, actor=actor, reason=reason)
    return response


# --- HMU review ------------------------------------------------------------------------------


def save_hmu_review(process, *, actor, statement, positions):
    """HMU's statement and per-proposal positions ``{proposal_id: (stance, comment)}``."""
    require_actor(actor)
    with transaction.atomic():
        locked = lock_process(process)
        if not permissions.can_record_hmu(actor, locked):
            raise NotPermitted(_("Kun HMU's medlemmer kan registrere HMU's holdning."))
        if locked.state != State.HMU_REVIEW:
            raise TransitionNotAllowed(
                _("HMU's holdning kan kun registreres under HMU-behandlingen (status: %(state)s).")
                % {"state": locked.get_state_display()}
            )
        cleaned, _proposals = _clean_stances(locked, positions, what=_("HMU's holdning"))
        review, _created = HmuReview.objects.get_or_create(process=locked)
        review.statement = (statement or "").strip()
        review.updated_by = actor
        review.save(update_fields=["statement", "updated_by", "updated_at"])
        _store_stances(HmuPosition, "review", review, cleaned)
    return review
