"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

Memo tasks live in memo_tasks.py and are imported here so Celery's autodiscovery
(which looks for ``tasks`` modules) registers them."""

from celery import shared_task

from . import notifications
from .memo_tasks import *  # noqa: F401,F403

# Workflow notifications are enqueued by services with transaction.on_commit and get the
# Transition's id; a retry re-renders from the database.
_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**_RETRY)
def notify_hearing_opened(transition_id):
    return notifications.hearing_opened(transition_id)


@shared_task(**_RETRY)
def notify_hmu_review_ready(transition_id):
    return notifications.hmu_review_ready(transition_id)


@shared_task(**_RETRY)
def notify_awaiting_signoff(transition_id):
    return notifications.awaiting_signoff(transition_id)


@shared_task(**_RETRY)
def notify_signed_off(transition_id):
    return notifications.signed_off(transition_id)


@shared_task(**_RETRY)
def notify_sent_back(transition_id):
    return notifications.sent_back(transition_id)


@shared_task
def send_hearing_reminders():
    """Celery beat (settings.CELERY_BEAT_SCHEDULE), daily; idempotent per catalogue/committee/deadline."""
    return notifications.send_hearing_reminders()
