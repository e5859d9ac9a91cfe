"""A large spreadsheet is previewed and imported in the background (Celery; in process without a
broker), never inside a web request: the upload's rows are counted before it is parsed, the
preview's progress and lines are on the admin's job page with the confirmation, the file is
kept in the database, and the import is all or nothing."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from approvals import sweep
from config.celery import app
from proposals import import_jobs
from proposals.models import ImportJob
from proposals.snapshots import catalogue_snapshot
from proposals.tasks import run_import_job
from tests.factories import make_catalogue, make_user
from tests.importing import csv_bytes, row, xlsx_bytes
from tests.memos.test_memo_delivery import queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_IN_BACKGROUND_ROWS = 2


def upload(client, catalogue, data, name="stor.csv", fmt=0):
    return client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": fmt, "import_file": SimpleUploadedFile(name, data)},
    )


ROWS = [
    row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4),
    row(kind="linje", code="1", title="Linje", net=["-1.000"] * 4),
    row(code="2", theme="Tema 1", net=["-5"] * 4),
]


def test_a_large_file_is_previewed_then_imported_by_the_task(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    before = catalogue_snapshot(catalogue)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(admin_client, catalogue, csv_bytes(ROWS))
    assert len(callbacks) == 1  # the preview's task, started once the job is committed
    job = ImportJob.objects.get()
    job_url = reverse("admin:proposals_proposal_import_job", args=[job.token])
    assert response.status_code == 302 and response["Location"] == job_url
    assert (job.state, job.dry_run, job.rows_total) == (ImportJob.State.PREVIEWED, True, 4)  # header + 3 rows
    assert bytes(job.data) == csv_bytes(ROWS) and job.file_name == "stor.csv"
    assert catalogue_snapshot(catalogue) == before  # a preview writes nothing
    html = admin_client.get(job_url).content.decode()
    assert "Prøvekørsel: intet er gemt." in html and "Nye forslag (1): 2" in html and "Ændrede forslag (1): 1" in html
    assert "Læst: CSV-fil (UTF-8, semikolonsepareret), kolonneoverskrifter i række 1." in html
    assert 'name="confirm"' in html and 'http-equiv="refresh"' not in html

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(job_url, {"confirm": "1"})
    assert len(callbacks) == 1 and response["Location"] == job_url
    job.refresh_from_db()
    assert (job.state, job.dry_run, job.rows_done, job.rows_total) == (ImportJob.State.DONE, False, 4, 4)
    assert bytes(job.data) == b""  # imported: the file is not kept
    assert sorted(catalogue.proposals.values_list("code", "title")) == [("1", "Ændret"), ("2", "Forslag")]
    assert catalogue.proposals.get(code="1").lines.count() == 1
    assert set(LogEntry.objects.values_list("change_message", flat=True)) == {
        "Oprettet ved import af regneark.",
        "Ændret ved import af regneark.",
    }
    html = admin_client.get(job_url).content.decode()
    assert "Importen er gemt." in html and 'name="confirm"' not in html
    # A second confirmation (a double click, a reload) queues nothing.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(job_url, {"confirm": "1"})
    assert callbacks == []


def test_the_upload_request_only_counts_rows_it_never_parses_a_large_file(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    # The task is not run here: what the request itself did is all there is.
    catalogue = make_catalogue(proposals=1)
    data = xlsx_bytes([*ROWS, row(code="3", theme="Tema 1", net=["x"])])  # a bad cell only a parse would find
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client, catalogue, data, name="stor.xlsx", fmt=1)
    assert response.status_code == 302 and len(callbacks) == 1
    job = ImportJob.objects.get()
    assert (job.state, job.rows_total, job.summary) == (ImportJob.State.QUEUED, 5, [])  # counted from the sheet's XML


def test_a_small_file_is_still_previewed_and_imported_in_the_request(admin_client):
    catalogue = make_catalogue(proposals=1)
    response = upload(admin_client, catalogue, csv_bytes(ROWS))
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert response.status_code == 302 and response["Location"] == reverse("admin:proposals_proposal_changelist")
    assert not ImportJob.objects.exists()
    assert catalogue.proposals.count() == 2


def test_a_bad_row_found_by_the_background_preview_saves_nothing_and_asks_nothing(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    before = catalogue_snapshot(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, catalogue, csv_bytes([*ROWS, row(code="3", theme="Tema 7")]))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and bytes(job.data) == b""
    html = admin_client.get(response["Location"]).content.decode()
    assert "Importen blev afvist; intet er gemt." in html and "Række 5, kolonne «Tema»: Ukendt tema «Tema 7»" in html
    assert 'name="confirm"' not in html
    assert catalogue_snapshot(catalogue) == before


def test_a_catalogue_changed_between_preview_and_confirmation_is_checked_again(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, catalogue, csv_bytes(ROWS))
    # Between preview and confirmation the catalogue changed so that the file no longer fits:
    # its theme is gone (a theme the catalogue lacks is an error without "create themes").
    catalogue.themes.update(title="Andet tema")
    before = catalogue_snapshot(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"confirm": "1"})
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    html = admin_client.get(response["Location"]).content.decode()
    assert "Importen blev afvist; intet er gemt." in html and "Ukendt tema «Tema 1»" in html
    assert catalogue_snapshot(catalogue) == before


def test_a_running_preview_shows_rows_done_and_reloads_itself_without_script(admin_client):
    catalogue = make_catalogue(proposals=1)
    user = make_user("bo", is_staff=True, is_superuser=True)
    job = import_jobs.start(
        csv_bytes(ROWS), catalogue=catalogue, user=user, file_format="csv", file_name="stor.csv", rows_total=4000
    )
    ImportJob.objects.filter(pk=job.pk).update(rows_done=1500)
    admin_client.force_login(user)
    response = admin_client.get(reverse("admin:proposals_proposal_import_job", args=[job.token]))
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress max="4000" value="1500"' in html and "1.500 af 4.000 rækker læst." in html  # Danish number format
    assert "Filen prøvekøres i baggrunden;" in html
    assert "<script>" not in html.split("</head>")[1]  # nothing inline a strict CSP would block


def test_another_users_import_is_not_shown_nor_confirmed(
    client, admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, catalogue, csv_bytes(ROWS))
    job = ImportJob.objects.get()
    other = make_user("anden", is_staff=True)
    client.force_login(other)
    url = reverse("admin:proposals_proposal_import_job", args=[job.token])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"confirm": "1"}).status_code in (403, 404)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED


def test_a_job_runs_once():
    catalogue = make_catalogue(proposals=1)
    job = import_jobs.start(
        csv_bytes(ROWS),
        catalogue=catalogue,
        user=None,
        file_format="csv",
        file_name="stor.csv",
        rows_total=4,
        dry_run=False,
    )
    assert import_jobs.run_import(job.pk).committed
    assert import_jobs.run_import(job.pk) is None  # a redelivered message finds it done


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_imports_transaction():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time: progress is written before and after the import only")
    catalogue = make_catalogue(proposals=1)
    job = import_jobs.start(
        b"", catalogue=catalogue, user=None, file_format="csv", file_name="x.csv", rows_total=5000, dry_run=False
    )
    progress = import_jobs._ProgressWriter(job)
    observer = connections.create_connection("default")
    try:
        with transaction.atomic():
            progress(1000)
            with observer.cursor() as cursor:
                cursor.execute(f"SELECT rows_done FROM {ImportJob._meta.db_table} WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (1000,)
    finally:
        progress.close()
        observer.close()


def test_the_sweep_queues_again_an_import_whose_task_never_reached_the_broker(monkeypatch):
    """The broker was down when the import was confirmed: the job waits, queued, and the sweep
    (beat, every minute) publishes its task again; a job confirmed just now is left to its own."""
    catalogue = make_catalogue(proposals=1)
    waiting = ImportJob.objects.create(token="venter", state=ImportJob.State.QUEUED, catalogue=catalogue)
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    ImportJob.objects.create(token="ny", state=ImportJob.State.QUEUED, catalogue=catalogue)
    ImportJob.objects.create(token="kører", state=ImportJob.State.RUNNING, catalogue=catalogue)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")  # kombu's in-process queue as the broker
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    assert sweep.sweep()["imports"] == 1
    assert [args for name, args in queued_tasks() if name == run_import_job.name] == [[waiting.pk]]
