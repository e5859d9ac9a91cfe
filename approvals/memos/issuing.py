"""Issuing memos: once the changes have been quiet for the quiet period, or at once when an
administrator asked for it ("Udsend notat nu" records the request, request_issue); both in
check_catalogue, run by the worker's task and the sweep, never by a web request.

The memo, its PDF (rendered once, never again) and one outbox e-mail per recipient (with its
delivery row, delivery.py) are written in one transaction; the e-mails are handed to the worker
after commit, and the memo's pages are written then (memo_pages). draft_memo is
the next memo unsaved: what issuing writes and what the admin's preview renders."""

import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from proposals.services import clear_change_marks, marks_to_clear
from proposals.snapshots import catalogue_snapshot

from ..models import CatalogueProcess
from . import addressees, delivery, detection
from .models import Memo, NextMemo
from .rendering import letterhead, render_memo_pdf

logger = logging.getLogger(__name__)


def next_memo_number(process):
    """The number the catalogue's next memo gets (memos are numbered 1, 2, … per catalogue)."""
    return (process.memos.aggregate(n=Max("number"))["n"] or 0) + 1


# Who a memo goes to and as what (parties, managers, extra recipients): addressees.py.
recipients = addressees.recipients


def _lock(process_pk):
    """The process row, locked: every memo write of one catalogue happens under it."""
    return (
        CatalogueProcess.objects.select_for_update(of=("self",))
        .select_related("catalogue__department", "catalogue__agreement")
        .get(pk=process_pk)
    )


def draft_memo(process, *, explanation=None, actor=None, current=None, now=None):
    """The memo that would be issued now, unsaved (no PDF): None when the catalogue is not
    signed off. Its ``changes`` may be empty (nothing to tell).

    ``explanation`` defaults to the paragraph stored for the next memo (NextMemo)."""
    if process.state != CatalogueProcess.State.SIGNED_OFF:
        return None
    told, source = detection.told_state(process)
    if told is None:
        return None
    current = current if current is not None else catalogue_snapshot(process.catalogue)
    now = now or timezone.now()
    if explanation is None:
        explanation = NextMemo.of(process).explanation
    return Memo(
        process=process,
        number=next_memo_number(process),
        issued_at=now,
        issued_by=actor,
        explanation=explanation.strip(),
        previous_snapshot=told,
        snapshot=current,
        changes=detection.changes_to_tell(process, told, source, current),
        letterhead=letterhead(process, now),
    )


def issue_memo(process, *, actor=None, explanation=None, current=None):
    """Issue the next memo of a signed-off catalogue now, if there is anything to tell.

    ``explanation`` (else the stored ``NextMemo.explanation``, which is consumed) becomes a
    paragraph of the memo. Returns the Memo, or None when there are no changes. Called by
    the worker (check_catalogue), the sweep and the command line; the admin asks through
    request_issue."""
    with transaction.atomic():
        process = _lock(process.pk)
        memo = draft_memo(process, explanation=explanation, actor=actor, current=current)
        if memo is None or not memo.changes:
            return None
        memo.pdf = render_memo_pdf(memo)
        memo.save()
        # One e-mail per recipient the letterhead froze (its role is read from there: addressees.role_of).
        frozen = memo.letterhead["addressees"]
        delivery.write_deliveries(memo, [(email, name) for email, name, _role in frozen])
        # Told now: the paragraph is used up, the quiet-period clock stops, a request is met.
        NextMemo.objects.filter(process=process).update(
            explanation="",
            changes_seen_at=None,
            changes_fingerprint="",
            issue_requested_at=None,
            issue_requested_by=None,
        )
    logger.info("Issued memo %s for catalogue %s with %d changes", memo.number, process.catalogue_id, len(memo.changes))
    return memo


def save_explanation(process, explanation):
    """Store the paragraph the next memo will carry."""
    with transaction.atomic():
        _lock(process.pk)
        NextMemo.objects.update_or_create(process_id=process.pk, defaults={"explanation": explanation.strip()})


def request_issue(process, *, actor, explanation):
    """The administrator's "Udsend notat nu": store the paragraph and ask for the memo to be
    issued without waiting for the quiet period. The worker's check (or the sweep) issues it
    in the background; the caller enqueues that check once this has committed."""
    with transaction.atomic():
        _lock(process.pk)
        NextMemo.objects.update_or_create(
            process_id=process.pk,
            defaults={
                "explanation": explanation.strip(),
                "issue_requested_at": timezone.now(),
                "issue_requested_by": actor,
            },
        )


def check_catalogue(catalogue_id, *, now=None):
    """Look at one catalogue; issue its memo once its changes have been quiet long enough.
    The look clears the catalogue's "changed since" marks it saw (detection.catalogues_to_check).

    An administrator's request (request_issue) does not wait for the quiet period; with
    nothing to tell it lapses. Returns the issued Memo or None."""
    now = now or timezone.now()
    with transaction.atomic():
        process = (
            CatalogueProcess.objects.select_for_update(of=("self",))
            .select_related("catalogue")
            .filter(catalogue_id=catalogue_id, state=CatalogueProcess.State.SIGNED_OFF)
            .first()
        )
        if process is None:
            return None
        # The marks are read before the snapshot and only these are cleared: a change that
        # commits after this read (so perhaps after the snapshot) has its own mark left.
        marks = marks_to_clear(catalogue_id)
        current = catalogue_snapshot(process.catalogue)
        changes = detection.pending_changes(process, current=current)
        state = detection.observe(process, current, changed=bool(changes), now=now)
        clear_change_marks(marks)
        if state.issue_requested_at and not changes:
            NextMemo.objects.filter(pk=state.pk).update(issue_requested_at=None, issue_requested_by=None)
        if not changes or not (state.issue_requested_at or detection.is_quiet(state, now)):
            return None
        return issue_memo(process, actor=state.issue_requested_by, current=current)
