"""A PostgreSQL restart or failover drops every connection the application holds. The next
request on a web worker (persistent connections, CONN_MAX_AGE) and the next task on a Celery
worker must get a fresh connection, not an error (settings: CONN_HEALTH_CHECKS).

The real parts: gunicorn with one worker and one thread (so the request surely reuses the
connection the worker kept), a Celery worker on a private Redis, the sweep loop that runs
beside the web server without a broker, pg_terminate_backend."""

import subprocess
import sys
import time

import pytest
import requests
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.db import connection

from tests.conftest import require
from tests.e2e.services import BASE_DIR, PrivateRedis, Worker, celery_on_broker, database_url, wait_for
from tests.e2e.web import Gunicorn, app_environment, login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("terminating the application's connections needs PostgreSQL (the suite's PostgreSQL run)")
    return database_url(connection.settings_dict)


# The application's processes started here name their connections (libpq reads PGAPPNAME), so
# the test drops exactly theirs: the test process's other threads (the live server of the
# browser tests on this pytest worker) keep theirs.
APPLICATION_NAME = "stale-connections-test"


def environment(database_url, **extra):
    return app_environment(database_url, PGAPPNAME=APPLICATION_NAME, **extra)


def terminate_application_connections():
    """What a restart of PostgreSQL does to the application: every connection it held is gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def application_connections():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_the_next_request_after_the_connections_were_dropped_succeeds(postgresql, tmp_path, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the server's own hashers
    get_user_model().objects.create_superuser("admin", "admin@example.dk", "forbindelse-123")
    server = Gunicorn(
        env=environment(postgresql, CELERY_BROKER_URL=None),
        log_path=tmp_path / "gunicorn.log",
        workers=1,
        threads=1,
    ).start()
    try:
        session = requests.Session()
        assert login(session, server.url, "admin", "forbindelse-123").url == f"{server.url}/"
        assert session.get(f"{server.url}/admin/", timeout=30).status_code == 200

        assert terminate_application_connections() >= 1  # the web worker's kept connection among them

        # The first request after it, on the same worker and thread, and the ones after.
        for path in ("/admin/", "/kataloger/", "/admin/"):
            response = session.get(f"{server.url}{path}", timeout=30)
            assert response.status_code == 200, f"{path}: {response.status_code}\n{server.log()[-3000:]}"
        assert "OperationalError" not in server.log()
    finally:
        server.stop()


def test_the_next_task_after_the_connections_were_dropped_succeeds(postgresql, tmp_path):
    require(PrivateRedis.available(), "needs the redis-server program for a broker of the test's own")
    redis = PrivateRedis()
    redis.start()
    worker = Worker(
        broker_url=redis.url,
        database_url=postgresql,
        smtp_port=1,
        log_path=tmp_path / "worker.log",
        env={"PGAPPNAME": APPLICATION_NAME},
    )
    try:
        worker.start()
        with celery_on_broker(redis.url) as app:

            def sweep(count):
                # The beat's sweep, which reads every signed-off catalogue and the outbox.
                app.send_task("approvals.tasks.sweep")
                wait_for(
                    lambda: worker.log().count("approvals.tasks.sweep[") >= 2 * count,  # received, then done
                    60,
                    message=f"sweep no. {count} done",
                )

            sweep(1)
            # Celery's Django fixup closes the worker's connection after each task, so a restart
            # between tasks finds none to break; one dropped during a task is the task's retry.
            wait_for(lambda: application_connections() == 0, 10, message="the worker holds no connection")
            terminate_application_connections()
            sweep(2)
        log = worker.log()
        assert log.count("approvals.tasks.sweep[") == 4 and log.count("succeeded in") == 2, log[-3000:]
        assert "OperationalError" not in log, log[-3000:]
    finally:
        worker.stop()
        redis.stop()


def test_the_sweep_loop_beside_the_web_server_outlives_dropped_connections(postgresql, tmp_path):
    """``manage.py memo_sweep --loop`` (the sweep without a broker) keeps going."""
    log = tmp_path / "sweep.log"
    with log.open("wb") as output:
        loop = subprocess.Popen(
            [sys.executable, "manage.py", "memo_sweep", "--loop", "--interval", "1", "--send-interval", "1"],
            cwd=BASE_DIR,
            env=environment(postgresql, CELERY_BROKER_URL=None),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: loop.poll() is not None or application_connections(), 60, message="the loop connected")
            assert loop.poll() is None, log.read_text()
            assert terminate_application_connections() >= 1
            time.sleep(4)  # at least three more passes, each of which would have met the dead connection
            assert loop.poll() is None, log.read_text()
            # A pass that met the dropped connection mid-query may have failed and said so; the
            # ones after it found a new connection.
            assert log.read_text().count("The sweep's pass failed on the database") <= 1, log.read_text()
        finally:
            loop.terminate()
            loop.wait(15)
