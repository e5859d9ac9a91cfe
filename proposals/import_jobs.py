"""Large spreadsheet imports in the background, the file kept in the database.

- A file of more than ``settings.IMPORT_IN_BACKGROUND_ROWS`` rows is imported by a Celery
  task (``proposals.tasks.run_import_job``) instead of inside the confirming request: the
  preview notes its rows (``note_rows``), the confirmation keeps the file in the database
  (an ``ImportJob`` row, never a local file: the task may run on another machine) and
  marks it queued (``queue_import``), ``run_import`` imports it with the same importer
  and the same all-or-nothing rule, telling its progress (rows read of the file's rows)
  while it runs, and keeps the outcome's lines; the admin shows them
  (``admin_import.BackgroundImportMixin``). The file itself is dropped once imported.

Progress is written on a connection of its own, outside the import's transaction (which
would hide it until the end); SQLite allows one writer at a time, so there the progress is
written before and after the import only."""

import datetime

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportJob
from .spreadsheets.errors import CatalogueFileError
from .spreadsheets.importer import CatalogueImport
from .spreadsheets.reading import load_dataset


def note_rows(token, rows):
    """The preview has read the upload ``token`` (django-import-export's stored file): a file
    of more than ``settings.IMPORT_IN_BACKGROUND_ROWS`` rows gets a job, to be imported in
    the background once confirmed. Jobs of uploads never confirmed are dropped after a day."""
    stale = timezone.now() - datetime.timedelta(days=1)
    ImportJob.objects.filter(state=ImportJob.State.UPLOADED, created_at__lt=stale).delete()
    if token and rows > settings.IMPORT_IN_BACKGROUND_ROWS:
        ImportJob.objects.update_or_create(token=token, defaults={"rows_total": rows})


def imports_in_background(token):
    """Whether the confirmed upload ``token`` is imported by a task, not in the request."""
    return ImportJob.objects.filter(token=token, state=ImportJob.State.UPLOADED).exists()


def queue_import(token, data, *, catalogue, user, file_format, file_name, create_themes, delete_missing):
    """Keep the confirmed upload's ``data`` (bytes) in the database, where the task (on any
    machine) reads it, and mark it to be imported; returns the ImportJob."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(token=token, state=ImportJob.State.UPLOADED)
        job.data = data
        job.catalogue = catalogue
        job.user = user if getattr(user, "pk", None) else None
        job.file_format = file_format
        job.file_name = str(file_name or "")[:255]
        job.create_themes = create_themes
        job.delete_missing = delete_missing
        job.rows_done = 0
        job.state = ImportJob.State.QUEUED
        job.save()
    return job


def claim(job_id):
    """The queued job, marked running (at most once: a redelivered message finds it taken)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, state=ImportJob.State.QUEUED).first()
        if job is None:
            return None
        job.state = ImportJob.State.RUNNING
        job.save(update_fields=["state"])
    return job


def run_import(job_id):
    """Import a queued job's file into its catalogue, all or nothing; returns the outcome
    (None when the job was not waiting)."""
    job = claim(job_id)
    if job is None:
        return None
    progress = _ProgressWriter(job)
    try:
        try:
            dataset = load_dataset(bytes(job.data), job.file_format)
        except CatalogueFileError as exc:
            return _finish(job, None, [_("Importen blev afvist; intet er gemt. Fejl:"), f"  - {exc}"])
        run = CatalogueImport(job.catalogue, create_themes=job.create_themes, delete_missing=job.delete_missing)
        outcome = run.run(dataset, dry_run=False, user=job.user, file_name=job.file_name, progress=progress)
    finally:
        progress.close()
    if outcome.committed and job.user is not None:
        log_saved(job.user.pk, run.saved)
    return _finish(job, outcome, outcome.summary_lines())


def _finish(job, outcome, lines):
    job.state = ImportJob.State.DONE if outcome is not None and outcome.ok else ImportJob.State.FAILED
    job.summary = [str(line) for line in lines]
    job.data = b""  # imported or refused: the file is not kept
    job.finished_at = timezone.now()
    if outcome is not None and outcome.ok:
        job.rows_done = job.rows_total
    job.save()
    return outcome


def log_saved(user_id, saved):
    """The admin history of each new or changed proposal ([(proposal, created)]) says it came
    from a spreadsheet."""
    for created, flag, message in (
        (True, ADDITION, _("Oprettet ved import af regneark.")),
        (False, CHANGE, _("Ændret ved import af regneark.")),
    ):
        instances = [p for p, was_created in saved if was_created is created and p.pk]
        if instances:
            LogEntry.objects.log_actions(
                user_id, instances, flag, change_message=message, single_object=len(instances) == 1
            )


class _ProgressWriter:
    """``progress(rows_done)`` for the importer: the job's row, on a connection of its own."""

    def __init__(self, job):
        self.job = job
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)  # autocommit, outside the import

    def __call__(self, rows_done):
        if self.connection is None:
            return
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(ImportJob._meta.db_table)} SET {quote('rows_done')} = %s WHERE {quote('id')} = %s",
                [min(rows_done, self.job.rows_total or rows_done), self.job.pk],
            )

    def close(self):
        if self.connection is not None:
            self.connection.close()
