"""Celery tasks for memos (notater) after sign-off. Thin: each calls one service."""

from celery import shared_task

from . import memos


@shared_task(name="approvals.memo_tasks.check_memo", ignore_result=True)
def check_memo(catalogue_id):
    """A catalogue was saved: compare it with what was last told; issue a memo when due."""
    memo = memos.check_catalogue(catalogue_id)
    return memo.pk if memo else None


# max_retries=None: deliver() itself marks the row failed after MEMO_DELIVERY_MAX_ATTEMPTS.
@shared_task(bind=True, name="approvals.memo_tasks.deliver_memo", ignore_result=True, max_retries=None)
def deliver_memo(self, delivery_id):
    """Send one memo e-mail (idempotent per delivery row), retried with exponential back-off.

    The back-off is the row's: the retry runs when deliver() set its next attempt."""
    try:
        return memos.deliver(delivery_id)
    except memos.MemoDeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc


@shared_task(name="approvals.memo_tasks.sweep_memos", ignore_result=True)
def sweep_memos():
    """Beat, every minute: check every signed-off catalogue; re-enqueue pending deliveries."""
    result = memos.sweep()
    return {"memos": [m.pk for m in result["memos"]], "requeued": result["requeued"]}
