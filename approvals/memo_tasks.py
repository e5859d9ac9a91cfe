"""Celery tasks for memos (notater) after sign-off. Thin: each calls one service."""

from celery import shared_task

from . import memos


@shared_task(name="approvals.memo_tasks.check_memo", ignore_result=True)
def check_memo(catalogue_id):
    """A catalogue was saved: compare it with what was last told; issue a memo when due."""
    memo = memos.check_catalogue(catalogue_id)
    return memo.pk if memo else None


@shared_task(
    name="approvals.memo_tasks.deliver_memo",
    ignore_result=True,
    autoretry_for=(memos.MemoDeliveryFailed,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=None,  # deliver() itself marks the row failed after MEMO_DELIVERY_MAX_ATTEMPTS
)
def deliver_memo(delivery_id):
    """Send one memo e-mail (idempotent per delivery row), retried with exponential back-off."""
    return memos.deliver(delivery_id)


@shared_task(name="approvals.memo_tasks.sweep_memos", ignore_result=True)
def sweep_memos():
    """Beat, every minute: check every signed-off catalogue; re-enqueue pending deliveries."""
    result = memos.sweep()
    return {"memos": [m.pk for m in result["memos"]], "requeued": result["requeued"]}
