"""What the budget parties have not been told yet, and since when it has been quiet.

Change detection compares STATES: the last state the budget parties were told about (the
latest issued memo's snapshot, else the approved sign-off's snapshot) against
``catalogue_snapshot`` now. Save signals only say "look again"; each one also leaves a
"changed since" mark in the changing transaction (proposals' CatalogueChange), and the periodic
sweep looks at the catalogues with marks (catalogues_to_check), so its cost follows the
changes, not the years of signed-off catalogues. Bulk updates and raw SQL leave no mark: the
sweep's slow full check (each catalogue again once a day) finds them.

Batching: a look that finds changes records in the process's NextMemo when it first saw
this state (``changes_seen_at``) and a fingerprint of it; a further change resets the clock;
the memo is due once the state has been quiet for ``settings.MEMO_QUIET_PERIOD_SECONDS``
(approvals.memos.issuing.check_catalogue issues it)."""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q

from proposals.history_selectors import stated_reasons_since
from proposals.selectors import changed_catalogues
from proposals.snapshots import catalogue_snapshot, snapshot_diff

from ..models import CatalogueProcess, SignOff
from .models import Memo, NextMemo

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
    """Record one look at a process (its row locked by the caller) and return its NextMemo.

    Nothing to tell clears the clock; a state not seen before (re)starts it at ``now``. The
    look itself is recorded (``checked_at``): the sweep's full check counts from it."""
    state = NextMemo.objects.filter(process=process).first() or NextMemo(process_id=process.pk)
    if not changed:
        state.changes_seen_at, state.changes_fingerprint = None, ""
    else:
        seen = fingerprint(current)
        if seen != state.changes_fingerprint or state.changes_seen_at is None:
            # Something moved since the last look: the quiet period starts again.
            state.changes_seen_at, state.changes_fingerprint = now, seen
    state.checked_at = now
    if state.pk is None:
        state.save()
    else:
        state.save(update_fields=["changes_seen_at", "changes_fingerprint", "checked_at"])
    return state


def full_check_period():
    return timedelta(seconds=settings.MEMO_FULL_CHECK_SECONDS)


def catalogues_to_check(now):
    """The ids of the signed-off catalogues the sweep looks at now, in two queries however many
    there are: those changed since their last look (a change mark), those whose changes have
    been quiet for the quiet period, those whose memo an administrator asked for; and, as the
    safety net for writes that leave no mark, up to MEMO_FULL_CHECKS_PER_SWEEP of those not
    looked at for MEMO_FULL_CHECK_SECONDS, the least recently looked at (never: first)."""
    signed_off = CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF)
    due = signed_off.filter(
        Q(catalogue_id__in=changed_catalogues())
        | Q(next_memo__issue_requested_at__isnull=False)
        | Q(next_memo__changes_seen_at__lte=now - quiet_period())
    ).values_list("catalogue_id", flat=True)
    stale = (
        signed_off.filter(
            Q(next_memo__isnull=True)
            | Q(next_memo__checked_at__isnull=True)
            | Q(next_memo__checked_at__lt=now - full_check_period())
        )
        .order_by(F("next_memo__checked_at").asc(nulls_first=True), "pk")
        .values_list("catalogue_id", flat=True)[: settings.MEMO_FULL_CHECKS_PER_SWEEP]
    )
    return sorted(set(due) | set(stale))


def is_quiet(state, now):
    """Whether the changes ``state`` saw have been left alone for the quiet period."""
    return state.changes_seen_at is not None and now - state.changes_seen_at >= quiet_period()


def due_at(process):
    """When the pending changes will be issued automatically (None when nothing is pending)."""
    seen_at = NextMemo.of(process).changes_seen_at
    if seen_at is None:
        return None
    return seen_at + quiet_period()
