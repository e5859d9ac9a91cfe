"""Celery tasks of the catalogues: a large spreadsheet's import in the background."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from config.celery import enqueue

from . import import_jobs
from .models import ImportJob

# A queued job older than this whose task has not started may never have reached the broker.
WAITING_GRACE = timedelta(minutes=1)


@shared_task(name="proposals.tasks.run_import_job", ignore_result=True)
def run_import_job(job_id):
    import_jobs.run_import(job_id)


def enqueue_import(job):
    """Start the job's import once the queuing is committed (at once, in process, without a
    broker). A broker that refuses or hangs costs the request at most BROKER_ENQUEUE_SECONDS;
    the job stays queued and the sweep queues it again (``enqueue_waiting_imports``)."""
    job_id = job.pk
    transaction.on_commit(lambda: enqueue(run_import_job, [(job_id,)]))


def enqueue_waiting_imports(*, now=None, seconds=None):
    """The sweep's part for imports: queue again every job confirmed a while ago and still
    waiting. A job whose message is in the queue after all is imported once: the second task
    finds it taken (``import_jobs.claim``). Returns how many were queued."""
    now = now or timezone.now()
    waiting = ImportJob.objects.filter(state=ImportJob.State.QUEUED, created_at__lte=now - WAITING_GRACE)
    return enqueue(run_import_job, [(job_id,) for job_id in waiting.values_list("pk", flat=True)], seconds=seconds)
