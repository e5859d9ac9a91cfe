"""Writes of the committees: an LMU's hearing response (save, submit, reopen, answer late) and
HMU's review. Each runs in one transaction with the catalogue's process row locked first, as the
workflow's steps in approvals.services do, so a response cannot be saved past a state change.

An LMU's save holds the process row shared (FOR SHARE) and its own response row exclusively
(FOR UPDATE): the heard LMUs save side by side (a hundred of them at once queued behind one
another on FOR UPDATE), co-members of one LMU one after the other, and a state change waits for
the saves in flight. The last submissions meet at the hearing round's row, where the one that
completes the hearing is found (``_tell_if_complete``)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import completion, policy, selectors, services, stale_notices
from .deadlines import deadline_passed
from .exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from .models import (
    CatalogueProcess,
    Committee,
    HearingResponse,
    HmuPosition,
    HmuReview,
    ProposalStance,
    Stance,
    Transition,
)
from .services import lock_process, require_actor, share_process
from .stance_versions import CurrentVersions

State = CatalogueProcess.State


# --- hearing responses ---------------------------------------------------------------------


def response_edit_refusal(user, response, process, committee):
    """Why ``user`` may not write ``committee``'s response now, as (kind, message), or None.

    kind is "permission" (not theirs to write: the access policy's answer) or "workflow" (not
    now). The services raise the message; the pages show the form read-only."""
    if not policy.user_has_permission(user, "committee.act_for", committee):
        return ("permission", _("Du er ikke medlem af %(committee)s.") % {"committee": committee})
    if committee.kind != Committee.Kind.LMU or not process.heard_committees.filter(pk=committee.pk).exists():
        return ("permission", _("%(committee)s er ikke hørt på dette katalog.") % {"committee": committee})
    if process.state != State.HEARING:
        return (
            "workflow",
            _("Kataloget er ikke i høring (status: %(state)s).") % {"state": process.get_state_display()},
        )
    if response is not None and response.status == HearingResponse.Status.SUBMITTED:
        return ("workflow", _("Høringssvaret er indsendt og kan ikke længere ændres."))
    reopened = response is not None and bool(response.reopened_reason)
    if process.hearing_deadline is None:
        return ("workflow", _("Høringen har ingen frist."))
    if deadline_passed(process) and not reopened:
        return (
            "workflow",
            _("Høringsfristen %(deadline)s er overskredet; svaret kan ikke længere ændres.")
            % {"deadline": date_format(process.hearing_deadline, "DATE_FORMAT")},
        )
    return None


def can_edit_response(user, response, process, committee):
    return response_edit_refusal(user, response, process, committee) is None


def _clean_stances(versions, stances, *, what):
    """Validate ``{proposal_id: (stance, comment)}`` against the catalogue's proposals (as
    ``versions`` read them); returns ({proposal: (stance or "", comment)}, {id: proposal})."""
    proposals = {row.proposal.pk: row.proposal for row in versions.state.rows}
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


def _insert_stances(model, owner_field, owner_id, rows):
    """Insert ``rows`` [(proposal id, stance, comment, given_on, fingerprint)] in ONE statement,
    whatever their number: they travel as one JSON parameter the database unpacks
    (bulk_create splits into batches of 999 variables on SQLite, so its query count grows)."""
    if not rows:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    columns = ", ".join(
        qn(meta.get_field(name).column)
        for name in (owner_field, "proposal", "stance", "comment", "given_on", "given_on_fingerprint")
    )
    payload = json.dumps([list(row) for row in rows], cls=DjangoJSONEncoder)
    if connection.vendor == "postgresql":
        select = "SELECT %s, (e->>0)::bigint, e->>1, e->>2, e->3, e->>4 FROM jsonb_array_elements(%s::jsonb) AS e"
    elif connection.vendor == "sqlite":
        select = (
            "SELECT %s, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]'), json_extract(e.value, '$[2]'),"
            " json_extract(e.value, '$[3]'), json_extract(e.value, '$[4]') FROM json_each(%s) AS e"
        )
    else:  # another database: correct, in the ORM's batches
        model.objects.bulk_create(
            model(
                **{f"{owner_field}_id": owner_id},
                proposal_id=pk,
                stance=stance,
                comment=comment,
                given_on=given_on,
                given_on_fingerprint=fingerprint,
            )
            for pk, stance, comment, given_on, fingerprint in rows
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(meta.db_table)} ({columns}) {select}", [owner_id, payload])


def _posted_ids(stances):
    """The proposal ids of ``stances`` (keys that are not ids are refused by ``_clean_stances``)."""
    ids = []
    for key in stances or {}:
        try:
            ids.append(int(key))
        except (TypeError, ValueError):
            continue
    return ids


def _store_stances(model, owner_field, owner, cleaned, versions, *, confirmed=()):
    """Write the given stances in bulk: one read, one DELETE and one INSERT whatever the number
    of proposals. An empty stance removes that proposal's row. A new or changed stance, and one
    in ``confirmed`` (proposal ids), is given on the proposal's current version (``versions``,
    stance_versions.CurrentVersions); an unchanged one keeps the version it was given on."""
    existing = {
        pk: (stance, comment)
        for pk, stance, comment in model.objects.filter(**{owner_field: owner}).values_list(
            "proposal_id", "stance", "comment"
        )
    }
    confirmed = set(confirmed)
    replaced, rows = [], []
    for proposal, (stance, comment) in cleaned.items():
        before = existing.get(proposal.pk)
        replace = before is not None and (not stance or before != (stance, comment) or proposal.pk in confirmed)
        if replace:
            replaced.append(proposal.pk)
        if stance and (before is None or replace):
            rows.append((proposal.pk, stance, comment, *versions.stamp(proposal.pk)))
    if replaced:
        model.objects.filter(**{owner_field: owner}, proposal_id__in=replaced).delete()
    _insert_stances(model, owner_field, owner.pk, rows)


def save_hearing_response(process, committee, *, actor, general_comment, stances, submit=False, confirmed=()):
    """Save (and with ``submit=True`` submit) ``committee``'s response; the actor becomes an author.

    ``stances`` is ``{proposal_id: (stance, comment)}``; an empty stance clears that proposal.
    Submitting needs a stance on every proposal except the phase-in pool row. ``confirmed``:
    proposal ids whose stance, given on an earlier version, the LMU keeps for the current one.
    A fixed number of queries, whatever the number of proposals."""
    require_actor(actor)
    with transaction.atomic():
        locked = share_process(process)
        response = _lock_response(locked, committee, create=True)
        refusal = response_edit_refusal(actor, response, locked, committee)  # a new draft: as none
        if refusal:
            kind, message = refusal
            raise (NotPermitted if kind == "permission" else WorkflowError)(message)
        # A draft (one page of the form) stamps the posted proposals only; a submission checks
        # every proposal and looks for stale stances in all of them.
        versions = CurrentVersions(locked.catalogue, proposal_ids=None if submit else _posted_ids(stances))
        cleaned, proposals = _clean_stances(versions, stances, what=_("en holdning"))
        response.general_comment = (general_comment or "").strip()
        _store_stances(ProposalStance, "response", response, cleaned, versions, confirmed=confirmed)
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
        if submit:
            _tell_if_complete(locked)  # the last LMU's answer: HMU is told, once
            stale_notices.observe(
                locked, versions=versions, committee=committee
            )  # kept stances may be on earlier versions
    return response


def _lock_response(process, committee, *, create=False):
    """``committee``'s response to ``process``, locked FOR UPDATE (None if there is none and not
    ``create``). Created as an empty draft when asked: two first saves of one LMU at once insert
    one row (the second's INSERT waits for the first's and does nothing) and lock the same.
    Raising in the caller's transaction rolls the new row back."""
    if create:
        HearingResponse.objects.bulk_create(
            [HearingResponse(process=process, committee=committee)], ignore_conflicts=True
        )
    return HearingResponse.objects.select_for_update().filter(process=process, committee=committee).first()


def _tell_if_complete(process):
    """``completion.tell_if_complete`` for a submission that holds the process row shared: the
    submissions of the last LMUs could each miss the other's (not yet committed) and none tell
    HMU. Locking the current round's opening row (the completion's key) in turn, each reads the
    responses after the one before it committed; only submissions wait here, at their end."""
    opening = selectors.hearing_round_opening(process)
    if opening is not None:
        Transition.objects.select_for_update().filter(pk=opening.pk).exists()
    completion.tell_if_complete(process)


def stale_stance_refusal(actor, response, process, committee):
    """Why ``actor`` may not confirm or revise a stance of ``committee``'s response that was given
    on an earlier version of its proposal, as (kind, message), or None: as for editing the
    response, except that a submitted one may (a changed proposal needs the LMU's word again)."""
    if response is not None and response.status == HearingResponse.Status.SUBMITTED:
        response = None  # judged as if not yet written: member, heard, in hearing, before the deadline
    return response_edit_refusal(actor, response, process, committee)


def revise_stale_stance(process, committee, proposal_id, *, actor, stance, comment):
    """The LMU confirms (same stance and comment) or revises its stance on a proposal changed
    since the stance was given, also in a submitted response while the hearing is open; the
    stance is then given on the proposal's current version."""
    require_actor(actor)
    with transaction.atomic():
        locked = share_process(process)
        response = _lock_response(locked, committee)
        refusal = stale_stance_refusal(actor, response, locked, committee)
        if refusal:
            kind, message = refusal
            raise (NotPermitted if kind == "permission" else WorkflowError)(message)
        row = response and ProposalStance.objects.filter(response=response, proposal_id=proposal_id).first()
        if row is None:
            raise WorkflowError(_("Der er ingen holdning til forslaget at bekræfte."))
        versions = CurrentVersions(locked.catalogue)
        cleaned, _proposals = _clean_stances(versions, {proposal_id: (stance, comment)}, what=_("en holdning"))
        if not any(s for s, _c in cleaned.values()):
            raise WorkflowError(_("Vælg en holdning til forslaget."))
        _store_stances(ProposalStance, "response", response, cleaned, versions, confirmed={int(proposal_id)})
        response.authors.add(actor)
        response.save(update_fields=["updated_at"])
        stale_notices.observe(
            locked, versions=versions, committee=committee
        )  # the dashboard's flag goes with the last one
    return response


def _reopen_reason(actor, reason, process):
    """The checks before an administrator reopens (or opens late) a response; the reason, stripped."""
    require_actor(actor)
    if not policy.user_has_permission(actor, "process.reopen_response", process):
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
        if locked.status != HearingResponse.Status.SUBMITTED and not deadline_passed(process):
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
        if not deadline_passed(process):
            raise WorkflowError(_("Høringsfristen er ikke overskredet; udvalget kan stadig skrive sit svar."))
        response, created = HearingResponse.objects.get_or_create(
            process=process, committee=committee, defaults={"reopened_reason": reason}
        )
    if not created:
        return reopen_hearing_response(response, actor=actor, reason=reason)
    return response


# --- HMU review ------------------------------------------------------------------------------


def save_hmu_review(process, *, actor, statement, positions, confirmed=()):
    """HMU's statement and per-proposal positions ``{proposal_id: (stance, comment)}``;
    ``confirmed`` as for a hearing response. A fixed number of queries."""
    require_actor(actor)
    with transaction.atomic():
        locked = lock_process(process)
        if not policy.user_has_permission(actor, "process.record_hmu", locked):
            raise NotPermitted(_("Kun HMU's medlemmer kan registrere HMU's holdning."))
        if locked.state != State.HMU_REVIEW:
            raise TransitionNotAllowed(
                _("HMU's holdning kan kun registreres under HMU-behandlingen (status: %(state)s).")
                % {"state": locked.get_state_display()}
            )
        # The posted positions' proposals only (HMU's form posts one page).
        versions = CurrentVersions(locked.catalogue, proposal_ids=_posted_ids(positions))
        cleaned, _proposals = _clean_stances(versions, positions, what=_("HMU's holdning"))
        review, _created = HmuReview.objects.get_or_create(process=locked)
        review.statement = (statement or "").strip()
        review.updated_by = actor
        review.save(update_fields=["statement", "updated_by", "updated_at"])
        _store_stances(HmuPosition, "review", review, cleaned, versions, confirmed=confirmed)
    return review


def save_hmu_review_and_take_step(process, rule, *, actor, statement, positions, confirmed=(), **step):
    """HMU's review saved and the workflow step ``rule`` (a rule of approvals.transitions taken
    from the HMU page: forward to sign-off, send back to hearing; ``step``: its form's
    ``transition_input``) taken, in ONE transaction: a refused step saves nothing either, so
    the page can show everything typed again and nothing is half done."""
    with transaction.atomic():
        review = save_hmu_review(process, actor=actor, statement=statement, positions=positions, confirmed=confirmed)
        services.perform(process, rule, actor=actor, **step)
    return review
