"""Reads of the outbox."""

from django.db.models import Min

from .models import Email


def oldest_undelivered_email_queued_at():
    """When the e-mail that has waited longest in the outbox was queued (None: nothing waits).

    The health endpoint's one question about e-mail (config.health): rows still pending or
    being sent. A failed one has been given up and is the admin's to resend."""
    waiting = Email.objects.filter(status__in=[Email.Status.PENDING, Email.Status.SENDING])
    return waiting.aggregate(at=Min("queued_at"))["at"]


def failed_email_counts():
    """E-mails given up after every attempt, {"workflow": n, "memo": n}: each waits for an
    administrator to resend or delete it (the health endpoint's monitoring view reports them)."""
    failed = Email.objects.filter(status=Email.Status.FAILED)
    memos = failed.filter(kind=Email.Kind.MEMO).count()
    return {"workflow": failed.count() - memos, "memo": memos}
