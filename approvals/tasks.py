"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

The workflow's e-mails are outbox rows (approvals.outbox), written in the transaction of their
event; the engine announces them after the commit (``outbox.delivery.rows_ready``) and
``enqueue_rows`` here hands each to ``deliver_email``. Memo tasks live in memos/tasks.py and
are imported here so Celery's autodiscovery (which looks for ``tasks`` modules) registers them."""

import logging

from celery import shared_task
from django.dispatch import receiver

from config.celery import enqueue

from . import notifications
from .memos.tasks import *  # noqa: F401,F403
from .outbox import delivery as outbox

logger = logging.getLogger(__name__)


# max_retries=None: the engine marks the row failed after MEMO_DELIVERY_MAX_ATTEMPTS.
@shared_task(bind=True, name="approvals.tasks.deliver_email", ignore_result=True, max_retries=None)
def deliver_email(self, email_id):
    """Send one workflow e-mail (idempotent per outbox row), retried with the row's back-off."""
    try:
        return outbox.deliver(outbox.EMAILS, email_id)
    except outbox.DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@receiver(outbox.rows_ready, dispatch_uid="approvals_enqueue_email_rows")
def enqueue_rows(sender, *, source, ids, **kwargs):
    """One task per workflow e-mail row (memo rows have their own task, memos/tasks.py). A broker
    that is down or hangs is not an error: the rows stay pending and the sweep announces them
    again (config.celery.enqueue)."""
    if source == outbox.EMAILS.name:
        enqueue(deliver_email, [(email_id,) for email_id in ids])


@shared_task
def send_hearing_reminders():
    """Celery beat (settings.CELERY_BEAT_SCHEDULE), daily; idempotent per catalogue/committee/deadline."""
    return notifications.send_hearing_reminders()
