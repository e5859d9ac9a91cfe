"""The outbox's one sending engine, for every row of every kind.

A row is written in the transaction of its event. After the commit it is announced
(``rows_ready``, the one signal); with a broker its one receiver (approvals.tasks) hands it to
the one task, ``deliver_email``. Without one (the embedded default, Celery in process) nothing
is sent inside the web request, so a mail server that does not answer cannot hold a page: the
sweep beside the web server (``manage.py memo_sweep --loop``) sends what is due.

Sending a row, exactly once as far as SMTP allows:

1. Claim: one conditional UPDATE, committed before the mail server hears of the row, moves a
   due row to "sending", counts the attempt and leases it until ``claimed_until`` (now +
   EMAIL_SEND_LEASE_SECONDS). Two workers, a retry and the sweep never send the same row at
   once: only one UPDATE finds it due.
2. Send, with the Message-ID the row was given when it was written (``Email.message_id``): an
   e-mail sent again is the same message to the receiving servers and mail clients.
3. Record the outcome, on the condition that the claim is still ours (status "sending", our
   attempt and lease): sent; failed for now (back to pending, no attempt before
   ``next_attempt_at``, exponential back-off); failed for good after EMAIL_MAX_ATTEMPTS
   attempts (an administrator can send it again, ``resend``); skipped (nobody to send to).

A worker that dies between 1 and 3 leaves its row "sending" until the lease runs out; then the
sweep hands it on again and it is sent with the same Message-ID. That is the one window in
which a recipient can get a second copy: the mail server accepted the message and the worker
died (or lost the connection) before it recorded so."""

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from . import kinds
from .models import Email

logger = logging.getLogger(__name__)

Status = Email.Status

# Sent with ``ids`` (and ``seconds``, the time it may spend on the broker) when rows are due:
# after the transaction that wrote them has committed, on a resend, or by the sweep. Its one
# receiver (approvals.tasks.enqueue_rows) queues one task per row.
rows_ready = Signal()


class DeliveryFailed(Exception):
    """Sending one row failed; the row records the error and when to try again."""

    def __init__(self, error, retry_in):
        super().__init__(error)
        self.retry_in = retry_in  # seconds


def max_attempts():
    return settings.EMAIL_MAX_ATTEMPTS


def lease():
    return timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)


def retry_delay(attempts):
    """Back-off after the n-th failed attempt: 5 s, 10 s, 20 s, … at most an hour.

    With the default 16 attempts a mail server may be away for about six hours."""
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 3600))


def pending_due(when):
    """Pending rows whose back-off (if any) is over at ``when``."""
    return Q(status=Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=when))


def lease_over(now):
    """Rows a worker claimed and did not finish within its lease (it died, or lost the database)."""
    return Q(status=Status.SENDING, claimed_until__lt=now)


def has_worker():
    """A broker is configured: a worker sends. Without one (Celery in process, the embedded
    default) a task would run inside the caller, a web request: the sweep sends instead."""
    return not current_app.conf.task_always_eager


def announce(ids, *, seconds=None):
    """Hand rows to the worker now (no-op without a broker: the sweep sends them), spending at
    most ``seconds`` on the broker (None: BROKER_ENQUEUE_SECONDS, a web request's share)."""
    ids = list(ids)
    if ids and has_worker():
        rows_ready.send(sender=Email, ids=ids, seconds=seconds)


def announce_on_commit(ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: announce(ids))


def _claim(row_id, now):
    """Lease the row if it is due; committed at once (before anything is sent). Returns the row
    as claimed, or None."""
    until = now + lease()
    with transaction.atomic():
        claimed = Email.objects.filter(pending_due(now) | lease_over(now), pk=row_id).update(
            status=Status.SENDING, attempts=F("attempts") + 1, claimed_until=until
        )
        if not claimed:
            return None
        return Email.objects.get(pk=row_id)


def _finish(row, **fields):
    """Record the outcome of our claim, if it is still ours; returns whether it was."""
    fields.setdefault("claimed_until", None)
    ours = Email.objects.filter(
        pk=row.pk, status=Status.SENDING, attempts=row.attempts, claimed_until=row.claimed_until
    ).update(**fields)
    if not ours:
        logger.warning("e-mail %s: the lease ran out before attempt %s finished", row.pk, row.attempts)
    return bool(ours)


def deliver(row_id):
    """Send one row, at most once at a time. Returns the row's status afterwards.

    A row that is not due (sent, skipped, failed for good, in its back-off, or claimed by a
    worker whose lease has not run out) is left alone: a duplicate task must not use up an
    attempt early. On failure the error is recorded and DeliveryFailed is raised for the task
    to retry; after ``max_attempts`` the row is marked failed."""
    now = timezone.now()
    row = _claim(row_id, now)
    if row is None:
        return Email.objects.filter(pk=row_id).values_list("status", flat=True).first()
    try:
        message = kinds.build_message(row)
        message.extra_headers["Message-ID"] = row.message_id
        message.send(fail_silently=False)
    except kinds.NothingToSend:
        _finish(row, status=Status.SKIPPED, next_attempt_at=None)
        return Status.SKIPPED
    except Exception as exc:  # SMTP refusals, connection errors, timeouts, a broken template
        error = f"{type(exc).__name__}: {exc}"
        failed = row.attempts >= max_attempts()
        status = Status.FAILED if failed else Status.PENDING
        retry_in = retry_delay(row.attempts)
        _finish(row, status=status, last_error=error[:2000], next_attempt_at=None if failed else now + retry_in)
        logger.warning("e-mail %s failed (attempt %s): %s", row_id, row.attempts, error)
        if not failed:
            raise DeliveryFailed(error, retry_in=retry_in.total_seconds()) from exc
        return status
    _finish(row, status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
    return Status.SENT


def resend(rows):
    """Put failed or pending rows back in the queue, due now; sent, skipped and ones being sent
    stay as they are.

    The status condition is in the UPDATE itself: a row a worker marks sent meanwhile is not
    turned back to pending (and sent again). Returns the number of rows queued."""
    settled = [Status.SENT, Status.SKIPPED, Status.SENDING]
    with transaction.atomic():
        ids = list(rows.exclude(status__in=settled).values_list("pk", flat=True))
        count = (
            Email.objects.filter(pk__in=ids)
            .exclude(status__in=settled)
            .update(status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_until=None)
        )
        announce_on_commit(ids)
    return count


def due_rows(now, *, grace=timedelta(0)):
    """Ids of rows to send now: pending ones queued at least ``grace`` ago whose back-off (if
    any) is over, and claimed ones whose lease has run out."""
    before = now - grace
    return list(
        Email.objects.filter((pending_due(before) & Q(queued_at__lte=before)) | lease_over(now))
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)
    )
