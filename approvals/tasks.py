"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

The workflow's e-mails follow ``approvals.signals.process_state_changed`` (sent after a step
has committed): ``enqueue_notification`` enqueues the task of the step's rule. Memo tasks live
in memos/tasks.py and are imported here so Celery's autodiscovery (which looks for ``tasks``
modules) registers them."""

import logging

from celery import shared_task
from django.dispatch import receiver

from . import notifications, transitions
from .memos.tasks import *  # noqa: F401,F403
from .signals import process_state_changed

logger = logging.getLogger(__name__)

# A retry re-renders from the database (the Transition's id), for the recipients not yet reached.
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


# The e-mail that follows each step (every rule has one; a test checks).
NOTIFICATIONS = {
    transitions.OPEN_HEARING: notify_hearing_opened,
    transitions.START_HMU_REVIEW: notify_hmu_review_ready,
    transitions.FORWARD_TO_SIGNOFF: notify_awaiting_signoff,
    transitions.SIGN_OFF: notify_signed_off,
    transitions.SEND_BACK_TO_HMU: notify_sent_back,
    transitions.SEND_BACK_TO_HEARING: notify_sent_back,
}


@receiver(process_state_changed, dispatch_uid="approvals_notify_state_change")
def enqueue_notification(sender, rule, transition, **kwargs):
    """Enqueue the e-mails of a committed step. A broker that is down loses the e-mail, not the step."""
    try:
        NOTIFICATIONS[rule].delay(transition.pk)
    except Exception:  # the step is committed; a lost notification must not undo or hide it
        logger.exception("Could not enqueue the notification of %s (transition %s)", rule.name, transition.pk)


@shared_task
def send_hearing_reminders():
    """Celery beat (settings.CELERY_BEAT_SCHEDULE), daily; idempotent per catalogue/committee/deadline."""
    return notifications.send_hearing_reminders()
