"""Memo e-mails in the outbox: one MemoDelivery row per memo and recipient, each sent at most
once by the outbox's one engine (approvals.outbox.delivery: claim, back-off, failed, resend,
sweep), like every other e-mail. This module says how a memo row becomes a message.

The memo and its rows are written in one transaction (issuing.py). Afterwards the rows are
announced as ready (``deliveries_ready``); the task layer, connected in hooks.py, enqueues one
Celery task per row (with a broker; without one the sweep sends them). The signal keeps the
imports one-way: the tasks call these services, these services never import the tasks."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import translation

from ..outbox import delivery as outbox
from . import links
from .models import MemoDelivery
from .rendering import memo_context, pdf_filename

logger = logging.getLogger(__name__)

# Sent with ``delivery_ids`` (a list) when rows are due to be sent: after the transaction that
# wrote or re-queued them has committed, or by the sweep. hooks.py connects tasks.enqueue_deliveries.
deliveries_ready = Signal()

# Kept under their old names: the memo tasks and tests use them.
MemoDeliveryFailed = outbox.DeliveryFailed
max_attempts = outbox.max_attempts
retry_delay = outbox.retry_delay
due_for_attempt = outbox.due_for_attempt


def enqueue_deliveries(delivery_ids):
    """Hand deliveries to the worker now. Without a broker nothing is sent here (that would be
    inside a web request or an issue); the sweep sends them."""
    delivery_ids = list(delivery_ids)
    if delivery_ids and outbox.has_worker():
        deliveries_ready.send(sender=MemoDelivery, delivery_ids=delivery_ids)


def enqueue_on_commit(delivery_ids):
    """Hand deliveries to the worker once the current transaction has committed."""
    delivery_ids = list(delivery_ids)
    transaction.on_commit(lambda: enqueue_deliveries(delivery_ids))


def build_message(delivery):
    memo = delivery.memo
    with translation.override("da"):
        context = {
            **memo_context(memo),
            "delivery": delivery,
            "site_url": settings.SITE_URL,
            # The parties have no login: their own signed, read-only link to this memo.
            "reader_url": links.reader_url(delivery),
            "reader_link_days": settings.MEMO_READER_LINK_MAX_AGE_DAYS,
        }
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


MEMOS = outbox.Source(
    "memo",
    MemoDelivery,
    build_message,
    queued_at="memo__issued_at",
    related=("memo__process__catalogue__department", "memo__process__catalogue__agreement"),
)


def _announce_memo_rows(sender, *, source, ids, **kwargs):
    """The engine's announcements of memo rows (a resend, the sweep) go to the memo's own task."""
    if source == MEMOS.name:
        deliveries_ready.send(sender=MemoDelivery, delivery_ids=ids)


outbox.rows_ready.connect(_announce_memo_rows, dispatch_uid="approvals_memo_rows_ready")


def deliver(delivery_id):
    """Send one memo delivery, at most once (the outbox's engine). Returns its status afterwards."""
    return outbox.deliver(MEMOS, delivery_id)


def resend(deliveries):
    """Put failed or pending deliveries back in the queue, due now; sent ones stay sent."""
    return outbox.resend(MEMOS, deliveries)
