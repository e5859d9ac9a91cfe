"""Celery tasks of the catalogues: a large spreadsheet's import in the background."""

from celery import shared_task
from django.db import transaction

from . import import_jobs


@shared_task(name="proposals.tasks.run_import_job", ignore_result=True)
def run_import_job(job_id):
    import_jobs.run_import(job_id)


def enqueue_import(job):
    """Start the job's import once the queuing is committed (at once, in process, without a broker)."""
    transaction.on_commit(lambda: run_import_job.delay(job.pk))
