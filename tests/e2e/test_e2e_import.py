"""End to end: a large spreadsheet uploaded in the admin is previewed, and once confirmed imported,
by a real Celery worker process (Redis broker, the same PostgreSQL database), which reads the
file from the database, tells its progress and leaves the outcome for the admin's page."""

import pytest
from django.db import connection

from proposals import import_jobs
from proposals.models import ImportJob, ProposalYear
from proposals.tasks import enqueue_import
from tests.conftest import require_service
from tests.e2e.services import Worker, database_url, free_port, machine_redis_broker, wait_for
from tests.factories import make_catalogue, make_user
from tests.importing import csv_bytes, row

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT = 120  # seconds, upper bound for the worker to start and import


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the worker process shares the test database)")
    require_service("Redis", "127.0.0.1", 6379)
    with machine_redis_broker("import") as url:
        process = Worker(
            broker_url=url,
            database_url=database_url(connection.settings_dict),
            smtp_port=free_port(),  # sends no e-mail
            log_path=tmp_path / "worker.log",
        )
        process.start()
        try:
            yield process
        finally:
            process.stop()


def test_a_worker_imports_the_file_kept_in_the_database(worker):
    catalogue = make_catalogue(proposals=0, target=None)
    user = make_user("kirsten", is_staff=True)
    rows = [row(code=str(i), theme="Tema 1", title=f"Forslag {i}", net=["-1.000"] * 4) for i in range(1, 1201)]
    data = csv_bytes(rows)
    job = import_jobs.start(
        data, catalogue=catalogue, user=user, file_format="csv", file_name="stor.csv", rows_total=len(rows) + 1
    )
    enqueue_import(job)  # no transaction here: sent at once, to the worker

    def state_in(*states):
        def check():
            job.refresh_from_db()
            return job.state in states

        return check

    wait_for(
        state_in(ImportJob.State.PREVIEWED, ImportJob.State.FAILED),
        WAIT,
        message=f"the preview to finish\n{worker.log()[-3000:]}",
    )
    assert job.state == ImportJob.State.PREVIEWED, job.summary
    assert "Prøvekørsel: intet er gemt." in job.summary and catalogue.proposals.count() == 0
    assert import_jobs.confirm(job.pk) is not None
    enqueue_import(job)
    wait_for(
        state_in(ImportJob.State.DONE, ImportJob.State.FAILED),
        WAIT,
        message=f"the import job to finish\n{worker.log()[-3000:]}",
    )
    assert job.state == ImportJob.State.DONE, job.summary
    assert (job.rows_done, job.rows_total) == (1201, 1201) and bytes(job.data) == b""
    assert (
        "Importen er gemt." in job.summary
        and "Nye forslag (1200): " + ", ".join(map(str, range(1, 1201))) in job.summary
    )
    assert catalogue.proposals.count() == 1200
    history = ProposalYear.history.all()
    assert set(history.values_list("history_user__username", "history_change_reason")) == {
        ("kirsten", "Import af stor.csv")
    }
    assert "proposals.tasks.run_import_job" in worker.log()
