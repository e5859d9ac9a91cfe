"""The periodic sweep (Celery beat every minute as ``approvals.memo_tasks.sweep_memos``, or
``manage.py memo_sweep [--loop]`` beside the web server without a broker): issue the memos
whose changes have been quiet long enough, tell HMU of hearings complete by their deadline,
and send or re-announce the outbox's pending e-mails (memos and workflow alike). It is what
makes e-mail independent of save signals and of a broker that was down."""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone

from .. import completion
from ..models import CatalogueProcess
from ..outbox import delivery as outbox
from . import delivery, issuing

logger = logging.getLogger(__name__)


def sweep(*, now=None):
    """Check every signed-off catalogue and every hearing; send (no broker) or re-announce
    (broker) the outbox's pending rows.

    Returns {"memos": [Memo, ...], "hearings": [HearingCompletion, ...], "requeued": n}."""
    now = now or timezone.now()
    issued = []
    for catalogue_id in CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF).values_list(
        "catalogue_id", flat=True
    ):
        try:
            memo = issuing.check_catalogue(catalogue_id, now=now)
        except Exception:  # one broken catalogue must not stop the others
            logger.exception("Memo check failed for catalogue %s", catalogue_id)
            continue
        if memo is not None:
            issued.append(memo)
    hearings = completion.check_hearings(now=now)
    # After the checks: without a broker their e-mails go out in this same pass (rows written
    # by the checks carry the clock's time, which may be after ``now``).
    sent_by = max(now, timezone.now())
    requeued = outbox.sweep(delivery.MEMOS, sent_by) + outbox.sweep(outbox.EMAILS, sent_by)
    return {"memos": issued, "hearings": hearings, "requeued": requeued}


# Beat's heartbeat: when its sweep last finished, in the cache every web server shares (a
# database table by default, or Redis): one write a minute needs no table of its own, and an
# entry lost with the cache only makes /health/monitor/ count from the web server's start.
HEARTBEAT_KEY = "approvals.memos.sweep:beat-last-run"


def record_beat_sweep(now=None):
    cache.set(HEARTBEAT_KEY, (now or timezone.now()).timestamp(), timeout=None)


def last_beat_sweep_at():
    """When Celery beat's sweep last finished (None: not recorded)."""
    timestamp = cache.get(HEARTBEAT_KEY)
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
