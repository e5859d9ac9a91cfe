"""The outbox: one MemoDelivery row per memo and recipient, each sent at most once.

The memo and its rows are written in one transaction (issuing.py). Afterwards this module
announces the rows as ready (``deliveries_ready``); the task layer, connected in hooks.py,
enqueues one Celery task per row, and the sweep announces rows still pending (broker down at
commit time, a retry lost with a worker). The signal keeps the imports one-way: the tasks
call these services, these services never import the tasks.

Sending claims the row with a conditional UPDATE inside a transaction, so two workers or a
retry never send the same row twice. A failed attempt sets the row's ``next_attempt_at``
(exponential back-off); neither a duplicate task nor the sweep tries it before then."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import MemoDelivery
from .rendering import memo_context, pdf_filename

logger = logging.getLogger(__name__)

# Sent with ``delivery_ids`` (a list) when rows are due to be sent: after the transaction that
# wrote or re-queued them has committed, or by the sweep. hooks.py connects tasks.enqueue_deliveries.
deliveries_ready = Signal()

PENDING_GRACE = timedelta(minutes=1)  # the on_commit enqueue had its chance


class MemoDeliveryFailed(Exception):
    """Sending one delivery failed; the row records the error and when to try again."""

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


def enqueue_deliveries(delivery_ids):
    """Hand deliveries to the worker now. A broker that is down is not an error: the sweep retries."""
    deliveries_ready.send(sender=MemoDelivery, delivery_ids=list(delivery_ids))


def enqueue_on_commit(delivery_ids):
    """Hand deliveries to the worker once the current transaction has committed."""
    delivery_ids = list(delivery_ids)
    transaction.on_commit(lambda: enqueue_deliveries(delivery_ids))


def build_message(delivery):
    memo = delivery.memo
    with translation.override("da"):
        context = {**memo_context(memo), "delivery": delivery, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string("approvals/memos/email_subject.txt", context).split())
        text = render_to_string("approvals/memos/email.txt", context)
        html = render_to_string("approvals/memos/email.html", context)
    sender_email = context["department"]["email"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[sender_email] if sender_email else None,
    )
    message.attach_alternative(html, "text/html")
    message.attach(pdf_filename(memo), bytes(memo.pdf), "application/pdf")
    return message


def deliver(delivery_id):
    """Send one delivery row, at most once. Returns the row's status afterwards.

    The row is claimed by a conditional UPDATE (pending -> attempts + 1) inside a
    transaction that stays open while sending: a second worker's claim waits for it and
    then finds the row no longer pending. On failure the error is recorded and
    MemoDeliveryFailed is raised for the task to retry; after ``max_attempts`` the row is
    marked failed (an administrator can send it again). A row in its back-off period is
    left alone: a duplicate task must not use up an attempt early."""
    error = None
    now = timezone.now()
    with transaction.atomic():
        claimed = MemoDelivery.objects.filter(
            due_for_attempt(now), pk=delivery_id, status=MemoDelivery.Status.PENDING
        ).update(attempts=F("attempts") + 1)
        if not claimed:
            return MemoDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
        delivery = MemoDelivery.objects.select_related(
            "memo__process__catalogue__department", "memo__process__catalogue__agreement"
        ).get(pk=delivery_id)
        try:
            build_message(delivery).send(fail_silently=False)
        except Exception as exc:  # SMTP refusals, connection errors, timeouts
            error = f"{type(exc).__name__}: {exc}"
            delivery.last_error = error[:2000]
            if delivery.attempts >= max_attempts():
                delivery.status = MemoDelivery.Status.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            delivery.save(update_fields=["last_error", "status", "next_attempt_at"])
        else:
            delivery.status = MemoDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    if error:
        logger.warning("Memo delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, error)
        if delivery.status == MemoDelivery.Status.PENDING:
            raise MemoDeliveryFailed(error, retry_in=retry_delay(delivery.attempts).total_seconds())
    return delivery.status


def resend(deliveries):
    """Put failed or pending deliveries back in the queue, due now; sent ones stay sent.

    The status condition is in the UPDATE itself: a row a worker marks sent meanwhile is not
    turned back to pending (and sent again). Returns the number of rows queued."""
    with transaction.atomic():
        ids = list(deliveries.exclude(status=MemoDelivery.Status.SENT).values_list("pk", flat=True))
        count = (
            MemoDelivery.objects.filter(pk__in=ids)
            .exclude(status=MemoDelivery.Status.SENT)
            .update(status=MemoDelivery.Status.PENDING, attempts=0, next_attempt_at=None)
        )
        enqueue_on_commit(ids)
    return count


def overdue_pending(now):
    """Pending rows whose enqueue (or scheduled retry) should have run a while ago; rows in
    their back-off period already have a retry on its way."""
    overdue = now - PENDING_GRACE
    return list(
        MemoDelivery.objects.filter(
            due_for_attempt(overdue), status=MemoDelivery.Status.PENDING, memo__issued_at__lte=overdue
        ).values_list("pk", flat=True)
    )
