"""The one sending engine of the outbox, for every kind of row (a ``Source``): workflow
e-mails (``Email``, below) and memo deliveries (approvals.memos.delivery).

A row is written in the transaction of its event. After the commit it is announced
(``rows_ready``); with a broker the task layer (approvals.tasks, connected there) hands it to a
worker. Without one (the embedded default, Celery in process) nothing is sent inside the web
request, so a mail server that does not answer cannot hold a page: the sweep beside the web
server (``manage.py memo_sweep --loop``) sends what is due.

Sending claims the row with a conditional UPDATE inside a transaction that stays open while
sending, so two workers, a retry and the sweep never send the same row twice. A failed attempt
sets the row's ``next_attempt_at`` (exponential back-off); nobody tries it before then. After
``MEMO_DELIVERY_MAX_ATTEMPTS`` attempts the row is marked failed; an administrator can send it
again (``resend``)."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from .models import Email

logger = logging.getLogger(__name__)

PENDING, SENT, FAILED, SKIPPED = Email.Status.PENDING, Email.Status.SENT, Email.Status.FAILED, Email.Status.SKIPPED

# Sent with ``source`` (its name) and ``ids`` when rows are due, after the transaction that
# wrote them has committed, or by the sweep; approvals.tasks enqueues one task per row.
rows_ready = Signal()

PENDING_GRACE = timedelta(minutes=1)  # with a broker: the on_commit enqueue had its chance


@dataclass(frozen=True)
class Source:
    """One kind of outbox row: its model, how a row becomes a message, and when it was queued."""

    name: str
    model: type
    build_message: Callable = field(repr=False)  # row -> EmailMessage
    queued_at: str = "queued_at"  # lookup of when the row was queued (the sweep's and health's age)
    related: tuple = ()  # select_related when sending


class NothingToSend(Exception):
    """A row's builder found nobody to send it to; the row is marked skipped, not failed."""


class DeliveryFailed(Exception):
    """Sending one row failed; the row records the error and when to try again."""

    def __init__(self, error, retry_in):
        super().__init__(error)
        self.retry_in = retry_in  # seconds


def max_attempts():
    return settings.MEMO_DELIVERY_MAX_ATTEMPTS


def retry_delay(attempts):
    """Back-off after the n-th failed attempt: 5 s, 10 s, 20 s, … at most an hour.

    With the default 16 attempts a mail server may be away for about six hours."""
    return timedelta(seconds=min(5 * 2 ** (attempts - 1), 3600))


def due_for_attempt(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def has_worker():
    """A broker is configured: a worker sends. Without one (Celery in process, the embedded
    default) a task would run inside the caller, a web request: the sweep sends instead."""
    return not current_app.conf.task_always_eager


def announce(source, ids):
    """Hand rows to the worker now (no-op without a broker: the sweep sends them)."""
    ids = list(ids)
    if ids and has_worker():
        rows_ready.send(sender=source.model, source=source.name, ids=ids)


def announce_on_commit(source, ids):
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: announce(source, ids))


def deliver(source, row_id):
    """Send one row, at most once. Returns the row's status afterwards.

    The row is claimed by a conditional UPDATE (pending and due -> attempts + 1) inside a
    transaction that stays open while sending: a second worker's claim waits for it and then
    finds the row no longer pending. On failure the error is recorded and DeliveryFailed is
    raised for the task to retry; after ``max_attempts`` the row is marked failed. A row in its
    back-off period is left alone: a duplicate task must not use up an attempt early."""
    model = source.model
    error = None
    now = timezone.now()
    with transaction.atomic():
        claimed = model.objects.filter(due_for_attempt(now), pk=row_id, status=PENDING).update(
            attempts=F("attempts") + 1
        )
        if not claimed:
            return model.objects.filter(pk=row_id).values_list("status", flat=True).first()
        row = model.objects.select_related(*source.related).get(pk=row_id)
        try:
            source.build_message(row).send(fail_silently=False)
        except NothingToSend:
            row.status = SKIPPED
            row.next_attempt_at = None
            row.save(update_fields=["status", "next_attempt_at"])
            return row.status
        except Exception as exc:  # SMTP refusals, connection errors, timeouts, a broken template
            error = f"{type(exc).__name__}: {exc}"
            row.last_error = error[:2000]
            if row.attempts >= max_attempts():
                row.status = FAILED
                row.next_attempt_at = None
            else:
                row.next_attempt_at = now + retry_delay(row.attempts)
            row.save(update_fields=["last_error", "status", "next_attempt_at"])
        else:
            row.status = SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.next_attempt_at = None
            row.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    if error:
        logger.warning("%s %s failed (attempt %s): %s", source.name, row_id, row.attempts, error)
        if row.status == PENDING:
            raise DeliveryFailed(error, retry_in=retry_delay(row.attempts).total_seconds())
    return row.status


def resend(source, rows):
    """Put failed or pending rows back in the queue, due now; sent ones stay sent.

    The status condition is in the UPDATE itself: a row a worker marks sent meanwhile is not
    turned back to pending (and sent again). Returns the number of rows queued."""
    with transaction.atomic():
        ids = list(rows.exclude(status__in=[SENT, SKIPPED]).values_list("pk", flat=True))
        count = (
            source.model.objects.filter(pk__in=ids)
            .exclude(status__in=[SENT, SKIPPED])
            .update(status=PENDING, attempts=0, next_attempt_at=None)
        )
        announce_on_commit(source, ids)
    return count


def due_rows(source, now, *, grace=timedelta(0)):
    """Ids of pending rows queued at least ``grace`` ago whose back-off (if any) is over."""
    queued_before = now - grace
    return list(
        source.model.objects.filter(
            due_for_attempt(queued_before), status=PENDING, **{f"{source.queued_at}__lte": queued_before}
        )
        .order_by(source.queued_at, "pk")
        .values_list("pk", flat=True)
    )


def sweep(source, now=None):
    """The sweep's part for one source. With a worker: re-announce rows whose enqueue (or
    retry) should have run a while ago (broker down at commit, a retry lost with a worker).
    Without one: send every due row here. Returns how many rows were handed on or tried."""
    now = now or timezone.now()
    if has_worker():
        ids = due_rows(source, now, grace=PENDING_GRACE)
        announce(source, ids)
        return len(ids)
    ids = due_rows(source, now)
    for row_id in ids:
        try:
            deliver(source, row_id)
        except DeliveryFailed:
            pass  # recorded on the row, tried again after its back-off
    return len(ids)


# --- workflow e-mails ------------------------------------------------------------------------


# E-mails of a kind written when they are sent, not when their event happened (a password
# reset's link must not wait in the database): kind -> builder(row) -> EmailMessage, raising
# NothingToSend when the row has nobody to go to. Registered by the apps that own the kinds.
BUILDERS = {}


def register_builder(kind, builder):
    BUILDERS[kind] = builder


def build_email(row):
    """The message of a workflow e-mail: rendered when the event happened and stored, or by its
    kind's builder now."""
    if row.kind in BUILDERS:
        return BUILDERS[row.kind](row)
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.email]
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


EMAILS = Source("email", Email, build_email)
