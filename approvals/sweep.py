"""The periodic sweep: what Celery beat runs every minute (``approvals.tasks.sweep``) and
``manage.py memo_sweep [--loop]`` runs beside the web server without a broker. Each part is its
owner's: the memos' (issue what has been quiet long enough, tell HMU of hearings complete by
their deadline, write memo pages a deployment made stale), the hearings' (tell an LMU once
proposals it answered on have changed and been left alone: stale_notices), the catalogues'
(queue again an import whose task never reached the broker) and the outbox's (send or hand on again every
e-mail that is due). It is what makes e-mail independent of save signals and of a broker that
was down."""

import datetime

from django.core.cache import cache
from django.utils import timezone

from proposals.tasks import enqueue_waiting_imports

from . import stale_notices
from .memos import sweep as memo_sweep
from .outbox import sweep as outbox_sweep


def sweep(*, now=None):
    """Returns {"memos": [Memo, ...], "hearings": [HearingCompletion, ...], "pages": n,
    "stale_stances": n (e-mails queued), "imports": n, "emails": n}."""
    now = now or timezone.now()
    result = memo_sweep.sweep(now=now)
    result["stale_stances"] = stale_notices.check_hearings(now=now)
    result["imports"] = enqueue_waiting_imports(now=now, seconds=outbox_sweep.ENQUEUE_SECONDS)
    # After the checks: without a broker their e-mails go out in this same pass (rows written
    # by the checks carry the clock's time, which may be after ``now``).
    result["emails"] = outbox_sweep.sweep(max(now, timezone.now()))
    return result


# Beat's heartbeat: when its sweep last finished, in the cache every web server shares (a
# database table by default, or Redis): one write a minute needs no table of its own, and an
# entry lost with the cache only makes /health/monitor/ count from the web server's start.
HEARTBEAT_KEY = "approvals.sweep:beat-last-run"


def record_beat_sweep(now=None):
    cache.set(HEARTBEAT_KEY, (now or timezone.now()).timestamp(), timeout=None)


def last_beat_sweep_at():
    """When Celery beat's sweep last finished (None: not recorded)."""
    timestamp = cache.get(HEARTBEAT_KEY)
    return None if timestamp is None else datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
