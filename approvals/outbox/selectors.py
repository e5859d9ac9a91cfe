"""Reads of the outbox (both kinds of row)."""

from django.db.models import Min

from ..memos.models import MemoDelivery
from .models import Email


def oldest_undelivered_email_queued_at():
    """When the e-mail that has waited longest in the outbox was queued (None: nothing waits).

    The health endpoint's one question about e-mail (config.health): workflow e-mails and memo
    deliveries still pending. A failed one has been given up and is the admin's to resend."""
    times = [
        Email.objects.filter(status=Email.Status.PENDING).aggregate(at=Min("queued_at"))["at"],
        MemoDelivery.objects.filter(status=MemoDelivery.Status.PENDING).aggregate(at=Min("memo__issued_at"))["at"],
    ]
    times = [at for at in times if at is not None]
    return min(times) if times else None


def failed_email_counts():
    """E-mails given up after every attempt, {"workflow": n, "memo": n}: each waits for an
    administrator to resend or delete it (the health endpoint's monitoring view reports them)."""
    return {
        "workflow": Email.objects.filter(status=Email.Status.FAILED).count(),
        "memo": MemoDelivery.objects.filter(status=MemoDelivery.Status.FAILED).count(),
    }
