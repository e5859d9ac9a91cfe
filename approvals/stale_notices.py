"""Telling an LMU that proposals changed after it gave its stance (issue 23.4).

A heard LMU's submitted stance on a proposal changed since is *stale* (stance_versions): the
LMU may confirm or revise it while the hearing is open (hearing.revise_stale_stance). The
sweep looks at every catalogue in hearing before its deadline and records per LMU which of
its stances are stale (a ``StaleStances`` row: the dashboard's flag). When that record has
not changed for the memo's quiet period (settings.MEMO_QUIET_PERIOD_SECONDS) and holds a
version the LMU was not told of, its members get one e-mail through the outbox, written in
the same transaction: a burst of edits is one e-mail, a later change another."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import notifications
from .deadlines import local_today
from .models import CatalogueProcess, HearingResponse, ProposalStance, StaleStances
from .services import lock_process
from .stance_versions import CurrentVersions, given_stances

logger = logging.getLogger(__name__)
State = CatalogueProcess.State


def open_for_confirmation_q(today=None):
    """Processes whose LMUs may still confirm or revise a stale stance: in hearing, deadline ahead."""
    return Q(state=State.HEARING, hearing_deadline__gte=today or local_today())


def quiet_period():
    return timedelta(seconds=settings.MEMO_QUIET_PERIOD_SECONDS)


def stale_by_committee(process, versions):
    """{committee id: {proposal id (str): current fingerprint}} of the heard LMUs' submitted
    stances given on an earlier version of their proposal (a change a reader would see)."""
    responses = dict(
        HearingResponse.objects.filter(
            process=process, status=HearingResponse.Status.SUBMITTED, committee__in=process.heard_committees.all()
        ).values_list("pk", "committee_id")
    )
    stances = ProposalStance.objects.filter(response_id__in=list(responses))
    found = {}
    for stance in given_stances(stances, "response", versions):
        if stance.stale:
            current = versions.by_pk[stance.proposal_id].fingerprint
            found.setdefault(responses[stance.owner_id], {})[str(stance.proposal_id)] = current
    return found


def observe(process, *, versions=None, now=None):
    """Record what is stale now for each heard LMU of ``process`` (its row locked by the caller)
    and queue the e-mails that are due. Returns the number of e-mails queued."""
    now = now or timezone.now()
    if not CatalogueProcess.objects.filter(open_for_confirmation_q(), pk=process.pk).exists():
        # Nothing can be confirmed any more: the dashboard's flags go.
        StaleStances.objects.filter(process=process).exclude(count=0).update(stale={}, count=0, changed_at=now)
        return 0
    versions = versions or CurrentVersions(process.catalogue)
    found = stale_by_committee(process, versions)
    notices = {n.committee_id: n for n in StaleStances.objects.filter(process=process).select_related("committee")}
    queued = 0
    for committee_id in set(found) | set(notices):
        stale = found.get(committee_id, {})
        notice = notices.get(committee_id)
        if notice is None:
            notice = StaleStances.objects.create(
                process=process, committee_id=committee_id, stale=stale, count=len(stale), changed_at=now
            )
        elif notice.stale != stale:
            # Something moved: the quiet period starts again.
            notice.stale, notice.count, notice.changed_at = stale, len(stale), now
            notice.save(update_fields=["stale", "count", "changed_at"])
        queued += _tell_if_due(process, notice, versions, now)
    return queued


def _tell_if_due(process, notice, versions, now):
    untold = {pk: f for pk, f in notice.stale.items() if notice.told.get(pk) != f}
    if not untold or notice.changed_at is None or now - notice.changed_at < quiet_period():
        return 0
    notice.told, notice.told_at = dict(notice.stale), now
    notice.save(update_fields=["told", "told_at"])
    notice.process = process
    proposals = [row.proposal for row in versions.state.rows if str(row.proposal.pk) in notice.stale]
    return notifications.stale_stances(notice, proposals)


def check_hearings(*, now=None):
    """The sweep's look at every catalogue whose LMUs may confirm (and at those whose flags
    must go). Returns the number of e-mails queued."""
    queued = 0
    flagged = StaleStances.objects.exclude(count=0).values("process_id")
    candidates = CatalogueProcess.objects.filter(open_for_confirmation_q() | Q(pk__in=flagged))
    for process_id in candidates.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                locked = lock_process(CatalogueProcess(pk=process_id))
                queued += observe(locked, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Stale stance check failed for process %s", process_id)
    return queued
