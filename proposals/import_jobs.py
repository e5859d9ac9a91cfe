"""Spreadsheet imports in the background, the file kept in the database.

- A file of more than ``settings.IMPORT_IN_BACKGROUND_ROWS`` rows, counted before it is parsed
  (``reading.scan_file``: a CSV file's lines, an XLSX sheet's rows from its XML), never has its
  preview or its import run inside a web request: the upload is kept in the database (an
  ``ImportJob`` row, never a local file: the task may run on another machine) and a Celery
  task (``proposals.tasks.run_import_job``) runs the dry run, telling its progress (rows read
  of the file's rows) while it runs; the admin shows the preview's lines and asks for the
  confirmation (``admin_import.BackgroundImportMixin``), which queues the import itself, with
  the same importer and the same all-or-nothing rule. The file is dropped once imported or
  refused, and a preview never confirmed is dropped after a day.
- A new catalogue made from a file in the admin runs the same way (``create_options``: the
  short name and the facts typed beside the file), through
  ``services.create_catalogue_from_dataset``.

Progress is written on a connection of its own, outside the import's transaction (which
would hide it until the end); SQLite allows one writer at a time, so there the progress is
written before and after the import only."""

import datetime
import secrets

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .models import ImportJob
from .services import catalogue_edit_basis, catalogue_edit_conflict, create_catalogue_from_dataset
from .spreadsheets.errors import CatalogueFileError, RowError
from .spreadsheets.importer import CatalogueImport
from .spreadsheets.outcome import ImportOutcome
from .spreadsheets.reading import load_dataset

STALE_AFTER = datetime.timedelta(days=1)


def drop_stale():
    """Previews never confirmed (and their files) are dropped after a day."""
    stale = timezone.now() - STALE_AFTER
    ImportJob.objects.filter(
        state__in=[ImportJob.State.UPLOADED, ImportJob.State.PREVIEWED], created_at__lt=stale
    ).delete()


def start(
    data,
    *,
    catalogue,
    user,
    file_format,
    file_name,
    rows_total,
    create_themes=False,
    delete_missing=False,
    create_options=None,
    dry_run=True,
    reason="",
):
    """Keep an upload's ``data`` (bytes) in the database, where the task (on any machine) reads
    it, and mark it to be previewed (``dry_run``) or imported; returns the ImportJob. The caller
    queues the task (``tasks.enqueue_import``)."""
    drop_stale()
    return ImportJob.objects.create(
        token=secrets.token_urlsafe(24),
        data=data,
        catalogue=catalogue,
        user=user if getattr(user, "pk", None) else None,
        file_format=file_format,
        file_name=str(file_name or "")[:255],
        rows_total=rows_total,
        create_themes=create_themes,
        delete_missing=delete_missing,
        create_options=create_options,
        dry_run=dry_run,
        reason=reason or "",
        state=ImportJob.State.QUEUED,
    )


def confirm(job_id):
    """The previewed job, queued for its import (at most once); None when it was not waiting
    for a confirmation."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, state=ImportJob.State.PREVIEWED).first()
        if job is None:
            return None
        job.state = ImportJob.State.QUEUED
        job.dry_run = False
        job.rows_done = 0
        job.save(update_fields=["state", "dry_run", "rows_done"])
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
    """Preview or import a queued job's file, all or nothing; returns the outcome (None when the
    job was not waiting)."""
    job = claim(job_id)
    if job is None:
        return None
    progress = _ProgressWriter(job)
    try:
        try:
            dataset = load_dataset(bytes(job.data), job.file_format)
        except CatalogueFileError as exc:
            return _finish(
                job, None, [_("Importen blev afvist; intet er gemt. Fejl:"), *(f"  - {m}" for m in exc.messages)]
            )
        if job.create_options is not None:
            options = dict(job.create_options)
            slug = options.pop("slug", "")
            catalogue, outcome = create_catalogue_from_dataset(
                slug,
                dataset,
                options=options,
                dry_run=job.dry_run,
                user=job.user,
                file_name=job.file_name,
                progress=progress,
                may_administer=(lambda d: access.user_has_permission(job.user, "department.administer", d))
                if job.user
                else None,
            )
            saved = outcome.saved
            if catalogue is not None:
                job.catalogue = catalogue
        else:
            run = CatalogueImport(job.catalogue, create_themes=job.create_themes, delete_missing=job.delete_missing)
            with transaction.atomic():
                # Confirmed on a preview of the catalogue as it was: refused if it has moved since.
                conflict = None
                if job.based_on and not job.dry_run:
                    conflict = catalogue_edit_conflict(job.catalogue, job.based_on)
                if conflict is not None:
                    outcome = ImportOutcome(catalogue=job.catalogue, dry_run=False)
                    outcome.errors = [RowError(None, "", m) for m in conflict.messages()]
                else:
                    outcome = run.run(
                        dataset,
                        dry_run=job.dry_run,
                        user=job.user,
                        file_name=job.file_name,
                        progress=progress,
                        reason=job.reason,
                    )
            saved = run.saved
    finally:
        progress.close()
    if outcome.committed and job.user is not None:
        log_saved(job.user.pk, saved)
    return _finish(job, outcome, outcome.summary_lines())


def _finish(job, outcome, lines):
    ok = outcome is not None and outcome.ok
    if ok and job.dry_run:
        job.state = ImportJob.State.PREVIEWED  # the file is kept for the confirmation
        if job.catalogue_id is not None and job.create_options is None:
            job.based_on = catalogue_edit_basis(job.catalogue)  # what the preview showed
    else:
        job.state = ImportJob.State.DONE if ok else ImportJob.State.FAILED
        job.data = b""  # imported or refused: the file is not kept
    job.summary = [str(line) for line in lines]
    job.finished_at = timezone.now()
    if ok:
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
