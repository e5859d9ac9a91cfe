"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

Every e-mail is an outbox row (approvals.outbox), written in the transaction of its event; the
engine announces rows after the commit (``outbox.delivery.rows_ready``, the one signal) and
``enqueue_rows`` here, its one receiver, hands each to ``deliver_email``, the one task that
sends a row of any kind. Memo tasks live in memos/tasks.py and are imported here so Celery's
autodiscovery (which looks for ``tasks`` modules) registers them."""

import logging

from celery import shared_task
from django.dispatch import receiver

from config.celery import enqueue

from . import notifications
from . import sweep as periodic
from .memos.tasks import *  # noqa: F401,F403
from .outbox import delivery as outbox

logger = logging.getLogger(__name__)


# max_retries=None: the engine marks the row failed after EMAIL_MAX_ATTEMPTS.
@shared_task(bind=True, name="approvals.tasks.deliver_email", ignore_result=True, max_retries=None)
def deliver_email(self, email_id):
    """Send one outbox row (at most once at a time), retried with the row's back-off."""
    try:
        return outbox.deliver(email_id)
    except outbox.DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@receiver(outbox.rows_ready, dispatch_uid="approvals_enqueue_email_rows")
def enqueue_rows(sender, *, ids, seconds=None, **kwargs):
    """One task per row. A broker that is down or hangs is not an error: the rows stay pending
    and the sweep announces them again (config.celery.enqueue)."""
    enqueue(deliver_email, [(email_id,) for email_id in ids], seconds=seconds)


@shared_task(name="approvals.tasks.sweep", ignore_result=True)
def sweep():
    """Celery beat, every minute (settings.CELERY_BEAT_SCHEDULE): approvals.sweep."""
    result = periodic.sweep()
    periodic.record_beat_sweep()  # /health/monitor/ tells when this stops happening
    return {"memos": [m.pk for m in result["memos"]], "emails": result["emails"], "imports": result["imports"]}


@shared_task
def send_hearing_reminders():
    """Celery beat (settings.CELERY_BEAT_SCHEDULE), daily; idempotent per catalogue/committee/deadline."""
    return notifications.send_hearing_reminders()
