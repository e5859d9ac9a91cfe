"""The periodic sweep's part for e-mail (Celery beat every minute through approvals.sweep, or
``manage.py memo_sweep [--loop]`` beside the web server without a broker): with a worker,
announce again the rows whose enqueue should have run a while ago (the broker was down or
hung at commit, a retry was lost with a worker, a worker died holding a row's lease); without
one, send every due row here."""

from datetime import timedelta

from django.utils import timezone

from . import delivery

# With a broker: the on-commit enqueue had its chance.
PENDING_GRACE = timedelta(minutes=1)
# The sweep is no web request: it may spend this long queueing (a request's share,
# BROKER_ENQUEUE_SECONDS, queues a few dozen tasks on a busy machine; the sweep all that wait).
ENQUEUE_SECONDS = 30


def sweep(now=None):
    """Returns how many rows were handed on (with a worker) or tried (without)."""
    now = now or timezone.now()
    if delivery.has_worker():
        ids = delivery.due_rows(now, grace=PENDING_GRACE)
        delivery.announce(ids, seconds=ENQUEUE_SECONDS)
        return len(ids)
    ids = delivery.due_rows(now)
    for row_id in ids:
        try:
            delivery.deliver(row_id)
        except delivery.DeliveryFailed:
            pass  # recorded on the row, tried again after its back-off
    return len(ids)
