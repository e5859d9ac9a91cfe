"""A large spreadsheet is imported in the background (Celery; in process without a broker),
with its progress in the admin, the file kept in the database, all or nothing."""

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
from tests.importing import csv_bytes, row
from tests.test_memo_delivery import queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def small_threshold(settings):
    settings.IMPORT_IN_BACKGROUND_ROWS = 2


def preview(client, catalogue, data):
    response = client.post(
        reverse("admin:proposals_proposal_import"),
        {"catalogue": catalogue.pk, "format": 0, "import_file": SimpleUploadedFile("stor.csv", data)},
    )
    assert response.status_code == 200
    return response


ROWS = [
    row(code="1", theme="Tema 1", title="Ændret", net=["-1.000"] * 4),
    row(kind="linje", code="1", title="Linje", net=["-1.000"] * 4),
    row(code="2", theme="Tema 1", net=["-5"] * 4),
]


def test_a_large_file_is_imported_by_the_task_and_the_admin_shows_what_it_did(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    response = preview(admin_client, catalogue, csv_bytes(ROWS))
    confirm = response.context["confirm_form"]
    job = ImportJob.objects.get(token=confirm.initial["import_file_name"])
    assert (job.state, job.rows_total) == (ImportJob.State.UPLOADED, 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert len(callbacks) == 1  # the task, started once the queuing is committed
    job_url = reverse("admin:proposals_proposal_import_job", args=[job.token])
    assert response.status_code == 302 and response["Location"] == job_url
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (ImportJob.State.DONE, 3, 3)
    assert bytes(job.data) == b"" and job.file_name == "stor.csv" and job.catalogue == catalogue
    assert sorted(catalogue.proposals.values_list("code", "title")) == [("1", "Ændret"), ("2", "Forslag")]
    assert catalogue.proposals.get(code="1").lines.count() == 1
    assert set(LogEntry.objects.values_list("change_message", flat=True)) == {
        "Oprettet ved import af regneark.",
        "Ændret ved import af regneark.",
    }
    html = admin_client.get(job_url).content.decode()
    assert "Importen er gemt." in html and "Nye forslag (1): 2" in html and "Ændrede forslag (1): 1" in html
    assert 'http-equiv="refresh"' not in html  # done: no more reloading


def test_a_small_file_is_still_imported_in_the_request(admin_client):
    catalogue = make_catalogue(proposals=1)
    confirm = preview(admin_client, catalogue, csv_bytes(ROWS)).context["confirm_form"]
    response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    assert response.status_code == 302 and response["Location"] == reverse("admin:proposals_proposal_changelist")
    assert not ImportJob.objects.exists()
    assert catalogue.proposals.count() == 2


def test_a_bad_row_found_in_the_background_saves_nothing(
    admin_client, small_threshold, django_capture_on_commit_callbacks
):
    catalogue = make_catalogue(proposals=1)
    confirm = preview(admin_client, catalogue, csv_bytes(ROWS)).context["confirm_form"]
    # Between preview and confirmation the catalogue changed so that the file no longer fits:
    # its theme is gone (a theme the catalogue lacks is an error without "create themes").
    catalogue.themes.update(title="Andet tema")
    before = catalogue_snapshot(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert catalogue.proposals.get().title == "Forslag 1" and catalogue.proposals.count() == 1
    html = admin_client.get(response["Location"]).content.decode()
    assert "Importen blev afvist; intet er gemt." in html and "Ukendt tema «Tema 1»" in html
    assert catalogue_snapshot(catalogue) == before


def test_a_running_import_shows_rows_done_and_reloads_itself_without_script(admin_client):
    catalogue = make_catalogue(proposals=1)
    user = make_user("bo", is_staff=True, is_superuser=True)
    import_jobs.note_rows("t1", 4000)
    job = import_jobs.queue_import(
        "t1",
        csv_bytes(ROWS),
        catalogue=catalogue,
        user=user,
        file_format="csv",
        file_name="stor.csv",
        create_themes=False,
        delete_missing=False,
    )
    ImportJob.objects.filter(pk=job.pk).update(rows_done=1500)
    admin_client.force_login(user)
    response = admin_client.get(reverse("admin:proposals_proposal_import_job", args=["t1"]))
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress max="4000" value="1500"' in html and "1.500 af 4.000 rækker læst." in html  # Danish number format
    assert "<script>" not in html.split("</head>")[1]  # nothing inline a strict CSP would block


def test_another_users_import_is_not_shown(client, admin_client, small_threshold):
    catalogue = make_catalogue(proposals=1)
    confirm = preview(admin_client, catalogue, csv_bytes(ROWS)).context["confirm_form"]
    admin_client.post(reverse("admin:proposals_proposal_process_import"), confirm.initial)
    token = ImportJob.objects.get().token
    other = make_user("anden", is_staff=True)
    client.force_login(other)
    assert client.get(reverse("admin:proposals_proposal_import_job", args=[token])).status_code in (403, 404)


def test_a_job_runs_once():
    catalogue = make_catalogue(proposals=1)
    import_jobs.note_rows("t2", 5000)
    job = import_jobs.queue_import(
        "t2",
        csv_bytes(ROWS),
        catalogue=catalogue,
        user=None,
        file_format="csv",
        file_name="stor.csv",
        create_themes=False,
        delete_missing=False,
    )
    assert import_jobs.run_import(job.pk).committed
    assert import_jobs.run_import(job.pk) is None  # a redelivered message finds it done


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_imports_transaction():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time: progress is written before and after the import only")
    catalogue = make_catalogue(proposals=1)
    import_jobs.note_rows("t3", 5000)
    job = import_jobs.queue_import(
        "t3",
        b"",
        catalogue=catalogue,
        user=None,
        file_format="csv",
        file_name="x.csv",
        create_themes=False,
        delete_missing=False,
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
