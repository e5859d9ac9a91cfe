"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

Memo tasks live in memo_tasks.py and are imported here so Celery's autodiscovery
(which looks for ``tasks`` modules) registers them."""

from celery import shared_task

from . import notifications
from .memo_tasks import *  # noqa: F401,F403

# Workflow notifications are enqueued by services with transaction.on_commit and get the
# Transition's id; a retry re-renders from the database, for the recipients not yet reached.
_TASK = {"bind": True, "max_retries": 5}


def _notify(task, notify, transition_id, only_user_ids):
    try:
        return notify(transition_id, only_user_ids=only_user_ids)
    except notifications.NotificationFailed as exc:
        countdown = 30 * 2**task.request.retries  # 30 s, 1 min, 2 min, ...
        raise task.retry(args=[transition_id, exc.failed_user_ids], exc=exc, countdown=countdown) from exc


@shared_task(**_TASK)
def notify_hearing_opened(self, transition_id, only_user_ids=None):
    return _notify(self, notifications.hearing_opened, transition_id, only_user_ids)


@shared_task(**_TASK)
def notify_hmu_review_ready(self, transition_id, only_user_ids=None):
    return _notify(self, notifications.hmu_review_ready, transition_id, only_user_ids)


@shared_task(**_TASK)
def notify_awaiting_signoff(self, transition_id, only_user_ids=None):
    return _notify(self, notifications.awaiting_signoff, transition_id, only_user_ids)


@shared_task(**_TASK)
def notify_signed_off(self, transition_id, only_user_ids=None):
    return _notify(self, notifications.signed_off, transition_id, only_user_ids)


@shared_task(**_TASK)
def notify_sent_back(self, transition_id, only_user_ids=None):
    return _notify(self, notifications.sent_back, transition_id, only_user_ids)


@shared_task
def send_hearing_reminders():
    """Celery beat (settings.CELERY_BEAT_SCHEDULE), daily; idempotent per catalogue/committee/deadline."""
    return notifications.send_hearing_reminders()
