"""Celery tasks of memos, and the enqueuing of them. Thin: each task calls one service.

The task name is the one registered before memos had their own package
("approvals.memo_tasks.check_memo"): messages already in a broker's queue refer to it. A memo's
e-mails are outbox rows, sent by the outbox's one task (approvals.tasks.deliver_email).

This is the top of the memo package: it imports the services, they never import it. hooks.py
connects ``on_catalogue_changed`` to proposals' "look again" signal."""

import logging

from celery import current_app, shared_task, signals
from django.db import transaction

from config.celery import enqueue

from ..models import CatalogueProcess
from . import issuing, rendering

__all__ = ["check_memo"]

logger = logging.getLogger(__name__)


@signals.worker_init.connect(dispatch_uid="approvals_memo_pdf_engine")
def load_pdf_engine(**kwargs):
    """The worker imports WeasyPrint once, before it forks its children (they share it), so
    no memo pays for the import."""
    rendering.pdf_engine()


@shared_task(name="approvals.memo_tasks.check_memo", ignore_result=True)
def check_memo(catalogue_id):
    """A catalogue was saved: compare it with what was last told; issue a memo when due."""
    memo = issuing.check_catalogue(catalogue_id)
    return memo.pk if memo else None


def enqueue_check(catalogue_id):
    if CatalogueProcess.objects.filter(catalogue_id=catalogue_id, state=CatalogueProcess.State.SIGNED_OFF).exists():
        enqueue(check_memo, [(catalogue_id,)])  # not queued: the sweep looks anyway


def enqueue_issue(catalogue_id):
    """After an administrator's "Udsend notat nu" has committed: a worker issues the memo.

    Without a broker (the embedded default) a task would run eagerly, inside the web request
    that asked; then nothing is enqueued and the sweep running beside the web server
    (``manage.py memo_sweep --loop``, started by bin/run) issues it. Returns whether a worker
    was asked."""
    if current_app.conf.task_always_eager:
        return False
    return enqueue(check_memo, [(catalogue_id,)]) == 1  # not queued: the sweep issues it


def on_catalogue_changed(sender, catalogue_id, **kwargs):
    """Receiver of proposals.signals.catalogue_changed: one check per catalogue per commit."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # One import or admin save touches many rows; register the check only once.
        for _sids, func, _robust in connection.run_on_commit:
            if getattr(func, "memo_catalogue_id", None) == catalogue_id:
                return

    def callback():
        enqueue_check(catalogue_id)

    callback.memo_catalogue_id = catalogue_id
    transaction.on_commit(callback, robust=True)
