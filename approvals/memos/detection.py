"""What the budget parties have not been told yet, and since when it has been quiet.

Change detection compares STATES: the last state the budget parties were told about (the
latest issued memo's snapshot, else the approved sign-off's snapshot) against
``catalogue_snapshot`` now. Save signals only say "look again"; the periodic sweep looks at
every signed-off catalogue anyway, so bulk updates and raw SQL are found too.

Batching: a look that finds changes records in the process's MemoState when it first saw
this state (``changes_seen_at``) and a fingerprint of it; a further change resets the clock;
the memo is due once the state has been quiet for ``settings.MEMO_QUIET_PERIOD_SECONDS``
(approvals.memos.issuing.check_catalogue issues it)."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings

from proposals.history_selectors import stated_reasons_since
from proposals.snapshots import catalogue_snapshot, snapshot_diff

from ..models import CatalogueProcess, SignOff
from .models import Memo, MemoState

CATALOGUE_CHANGE_KINDS = ("catalogue_field", "target", "stated_fte")


def quiet_period():
    return timedelta(seconds=settings.MEMO_QUIET_PERIOD_SECONDS)


def approved_signoff(process):
    return process.signoffs.filter(decision=SignOff.Decision.APPROVED).order_by("-decided_at", "-id").first()


def told_state(process):
    """(snapshot, source) of what the budget parties were last told: a Memo or a SignOff.

    None when the catalogue has no approved sign-off with a snapshot."""
    signoff = approved_signoff(process)
    if signoff is None or signoff.snapshot is None:
        return None, None
    # Only its snapshot and date are read: its PDF and other documents stay in the database.
    memo = process.memos.order_by("-number").only("pk", "process_id", "number", "issued_at", "snapshot").first()
    # A new sign-off after earlier memos starts the story again from what was approved.
    if memo is not None and memo.issued_at >= signoff.decided_at:
        return memo.snapshot, memo
    return signoff.snapshot, signoff


def changes_to_tell(process, told, source, current):
    """The changes since what was told, each carrying the reasons administrators stated for
    the changes of its proposal (or of the catalogue itself) since then."""
    changes = snapshot_diff(told, current)
    since = source.issued_at if isinstance(source, Memo) else source.decided_at
    reasons = stated_reasons_since(process.catalogue, since) if changes else {}
    for change in changes:
        code = "" if change["kind"] in CATALOGUE_CHANGE_KINDS else change.get("code", "")
        if reasons.get(code):
            change["reasons"] = reasons[code]
    return changes


def fingerprint(snapshot):
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def pending_changes(process, *, current=None):
    """The changes not yet told, as snapshot_diff dicts; [] when not signed off."""
    if process.state != CatalogueProcess.State.SIGNED_OFF:
        return []
    told, _source = told_state(process)
    if told is None:
        return []
    return snapshot_diff(told, current if current is not None else catalogue_snapshot(process.catalogue))


def observe(process, current, *, changed, now):
    """Record one look at a process (its row locked by the caller) and return its MemoState.

    Nothing to tell clears the clock; a state not seen before (re)starts it at ``now``."""
    state = MemoState.objects.filter(process=process).first() or MemoState(process_id=process.pk)
    if not changed:
        if state.changes_seen_at or state.changes_fingerprint:
            MemoState.objects.filter(pk=state.pk).update(changes_seen_at=None, changes_fingerprint="")
            state.changes_seen_at, state.changes_fingerprint = None, ""
        return state
    seen = fingerprint(current)
    if seen != state.changes_fingerprint or state.changes_seen_at is None:
        # Something moved since the last look: the quiet period starts again.
        state.changes_seen_at, state.changes_fingerprint = now, seen
        MemoState.objects.update_or_create(
            process_id=process.pk, defaults={"changes_seen_at": now, "changes_fingerprint": seen}
        )
    return state


def is_quiet(state, now):
    """Whether the changes ``state`` saw have been left alone for the quiet period."""
    return state.changes_seen_at is not None and now - state.changes_seen_at >= quiet_period()


def due_at(process):
    """When the pending changes will be issued automatically (None when nothing is pending)."""
    seen_at = MemoState.of(process).changes_seen_at
    if seen_at is None:
        return None
    return seen_at + quiet_period()
