"""The health endpoints (config.health).

GET /health/ (the load balancer's) asks only what makes this web server unable to serve: its
database. GET /health/monitor/ (monitoring's) asks everything: the database, the broker, a
worker answering a ping and beat's sweep having run recently (these three when a broker is
configured), no e-mail waiting too long and none failed for good. Both answer within about
3 s whatever hangs: a broker that takes the connection and never answers (tests/e2e/silent.py),
a table locked by someone else.

The checks run in threads of their own with their own database connections, so tests that
write rows for them to see commit them (transaction=True)."""

import datetime
import time

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from approvals import services, sweep
from approvals.outbox.models import Email
from config import health as health_module
from tests.approval_factories import Setup
from tests.conftest import require
from tests.e2e.services import Beat, PrivateRedis, Worker, celery_on_broker, database_url, free_port, wait_for
from tests.e2e.silent import SilentServer
from tests.e2e.web import app_environment
from tests.memo_factories import make_memo_with_one_change, memo_emails

pytestmark = pytest.mark.django_db(transaction=True)

# What both endpoints promise; the checks' own timeouts add up to about 3 s (config.health).
ANSWER_WITHIN = 3.5


@pytest.fixture(autouse=True)
def _no_heartbeat_left_over():
    # The cache is a table flush does not empty (nor Redis): each test starts without a sweep.
    cache.delete(sweep.HEARTBEAT_KEY)


def health(client, path="/health/"):
    started = time.monotonic()
    response = client.get(path)
    return response.status_code, response.content.decode(), time.monotonic() - started


def monitor(client):
    return health(client, "/health/monitor/")


def line(text, check):
    [found] = [row for row in text.splitlines() if row.startswith(check)]
    return found


def test_both_answer_without_login_in_plain_text_and_json(client):
    status, text, _took = health(client)
    assert (status, text) == (200, "Database(): OK\n")
    status, text, _took = monitor(client)
    assert status == 200, text
    assert text.splitlines() == [
        "Database(): OK",
        "EmailOutbox(max_age_seconds=3600): OK",
        "FailedEmails(): OK",
    ]  # The embedded default (tasks in process) has no broker, worker or beat to ask.
    response = client.get("/health/monitor/?format=json")
    assert response.status_code == 200 and set(response.json().values()) == {"OK"}


def waiting_since(minutes):
    """One memo e-mail pending since ``minutes`` ago (the memo's others sent)."""
    emails = memo_emails(make_memo_with_one_change())
    emails.update(status=Email.Status.SENT)
    waiting = emails.first()
    Email.objects.filter(pk=waiting.pk).update(
        status=Email.Status.PENDING, queued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return waiting


def test_an_email_waiting_longer_than_the_threshold_is_reported_to_monitoring(client, settings):
    settings.HEALTH_EMAIL_MAX_AGE_SECONDS = 3600
    email = waiting_since(minutes=59)
    assert monitor(client)[0] == 200

    Email.objects.filter(pk=email.pk).update(queued_at=timezone.now() - datetime.timedelta(minutes=61))
    status, text, _took = monitor(client)
    assert status == 500
    assert "oldest undelivered e-mail has waited 36" in line(text, "EmailOutbox")  # 3660 s and a little
    # The load balancer keeps this web server: it can serve.
    assert health(client)[0] == 200
    # Being sent (a worker holds it), it still waits.
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING)
    assert monitor(client)[0] == 500


def test_emails_failed_for_good_are_reported_to_monitoring_until_resent(client):
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)  # two workflow e-mails, one per LMU member
    waiting_since(minutes=1)
    assert monitor(client)[0] == 200

    Email.objects.exclude(status=Email.Status.SENT).update(status=Email.Status.FAILED)
    status, text, _took = monitor(client)
    assert status == 500
    assert line(text, "FailedEmails") == (
        "FailedEmails(): Unavailable: 3 e-mails failed for good (2 workflow e-mails, 1 memo deliveries); "
        "resend or delete them in the admin"
    )
    assert "EmailOutbox(max_age_seconds=3600): OK" in text  # failed is not waiting
    # One bounced address must not take the web servers out of the load balancer.
    assert health(client)[0] == 200

    Email.objects.filter(status=Email.Status.FAILED).update(status=Email.Status.PENDING)  # "send again"
    assert monitor(client)[0] == 200


@pytest.fixture
def refusing_broker(settings):
    """A broker configured (as in production) at an address where nothing listens."""
    with celery_on_broker(f"redis://127.0.0.1:{free_port()}/0"):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        yield


def test_beat_sweep_older_than_the_threshold_is_reported(client, settings, refusing_broker):
    settings.HEALTH_SWEEP_MAX_AGE_SECONDS = 300
    sweep.record_beat_sweep(timezone.now() - datetime.timedelta(minutes=7))
    status, text, took = monitor(client)
    assert status == 500 and took < ANSWER_WITHIN
    assert line(text, "BeatSweep").startswith(
        "BeatSweep(max_age_seconds=300): Unavailable: the sweep has not run for 7 minutes (42"
    )
    assert "since its last run); is Celery beat running?" in line(text, "BeatSweep")
    assert line(text, "Broker").startswith("Broker(): Unavailable: broker unreachable")
    assert health(client)[0] == 200  # a stopped beat does not stop this web server serving

    sweep.record_beat_sweep(timezone.now() - datetime.timedelta(minutes=4))
    assert line(monitor(client)[1], "BeatSweep") == "BeatSweep(max_age_seconds=300): OK"


def test_no_sweep_ever_recorded_counts_from_the_web_servers_start(client, settings, refusing_broker, monkeypatch):
    settings.HEALTH_SWEEP_MAX_AGE_SECONDS = 300
    assert sweep.last_beat_sweep_at() is None
    monkeypatch.setattr(health_module, "PROCESS_STARTED_AT", timezone.now() - datetime.timedelta(minutes=2))
    assert line(monitor(client)[1], "BeatSweep") == "BeatSweep(max_age_seconds=300): OK"  # beat may be starting
    monkeypatch.setattr(health_module, "PROCESS_STARTED_AT", timezone.now() - datetime.timedelta(minutes=6))
    assert "has not run for 6 minutes" in line(monitor(client)[1], "BeatSweep")
    assert "since this web server started" in line(monitor(client)[1], "BeatSweep")


@pytest.mark.services
@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_a_broker_that_never_answers_is_reported_down_within_seconds(client, settings, scheme):
    with SilentServer() as silent, celery_on_broker(silent.url(scheme, "/0" if scheme == "redis" else "//")):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        status, text, took = monitor(client)
        assert silent.accepted >= 1  # it did take the connections
        assert status == 500 and took < ANSWER_WITHIN, (took, text)
        assert line(text, "Broker").startswith("Broker(): Unavailable: ")
        assert line(text, "CeleryWorker").startswith("CeleryWorker(): Unavailable: ")
        assert "Database(): OK" in text
        # The load balancer's probe does not touch the broker at all.
        status, text, took = health(client)
        assert (status, text) == (200, "Database(): OK\n") and took < 1


@pytest.fixture
def private_broker(settings):
    require(PrivateRedis.available(), "needs the redis-server program for a broker the test can stop")
    redis = PrivateRedis()
    redis.start()
    try:
        # Celery's app reads its configuration from the settings once: point it at the broker
        # (and back afterwards) before the setting changes, so the in-process default returns.
        with celery_on_broker(redis.url):
            settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: ask for the broker and a worker
            yield redis
    finally:
        redis.stop()


@pytest.mark.services
def test_broker_and_worker_healthy_then_reported_when_stopped(client, private_broker, tmp_path):
    worker = Worker(
        broker_url=private_broker.url,
        database_url=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        smtp_port=1,
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        sweep.record_beat_sweep()
        status, text, _took = monitor(client)
        assert status == 200, text
        assert "Broker(): OK" in text and "CeleryWorker(): OK" in text and "BeatSweep(max_age_seconds=300): OK" in text
    finally:
        worker.stop()

    status, text, took = monitor(client)
    assert status == 500 and took < ANSWER_WITHIN
    assert "CeleryWorker(): Unavailable: Celery workers unavailable" in text and "Broker(): OK" in text

    private_broker.stop()
    status, text, took = monitor(client)
    assert status == 500 and took < ANSWER_WITHIN
    assert "Broker(): Unavailable: broker unreachable" in text
    assert health(client)[0] == 200


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("runs in the suite's PostgreSQL run (the worker and beat share the test's database)")
    return database_url(connection.settings_dict)


@pytest.mark.services
def test_a_stopped_beat_is_reported(client, settings, private_broker, postgresql, tmp_path):
    """The real beat sends the sweep every second to a real worker, which records it; once beat
    is stopped, monitoring says the sweep has not run."""
    settings.HEALTH_SWEEP_MAX_AGE_SECONDS = 3
    worker = Worker(broker_url=private_broker.url, database_url=postgresql, smtp_port=1, log_path=tmp_path / "w.log")
    beat = Beat(
        broker_url=private_broker.url,
        database_url=postgresql,
        smtp_port=1,
        log_path=tmp_path / "beat.log",
        schedule_path=tmp_path / "schedule",
    )
    beat.env["MEMO_SWEEP_INTERVAL_SECONDS"] = "1"
    worker.start()
    try:
        beat.start()
        wait_for(lambda: sweep.last_beat_sweep_at() is not None, 60, message="a sweep sent by beat, run by the worker")
        assert line(monitor(client)[1], "BeatSweep") == "BeatSweep(max_age_seconds=3): OK"

        beat.stop()
        wait_for(
            lambda: "has not run for" in line(monitor(client)[1], "BeatSweep"), 30, message="the stopped beat reported"
        )
        status, text, _took = monitor(client)
        assert status == 500 and "is Celery beat running?" in line(text, "BeatSweep")
        assert "CeleryWorker(): OK" in text  # only beat is gone
    finally:
        beat.stop()
        worker.stop()


@pytest.mark.services
def test_a_locked_table_costs_monitoring_one_second_not_a_hang(client, postgresql):
    """statement_timeout on the checks' queries: someone holds a lock on the outbox."""
    env = app_environment(postgresql)
    with psycopg.connect(env["DATABASE_URL"], autocommit=False) as locker:
        locker.execute("LOCK TABLE approvals_email IN ACCESS EXCLUSIVE MODE")
        status, text, took = monitor(client)
        assert status == 500 and took < ANSWER_WITHIN, (took, text)
        assert line(text, "EmailOutbox").startswith("EmailOutbox(max_age_seconds=3600): Unavailable: database: ")
        assert "QueryCanceled" in line(text, "EmailOutbox")
        assert health(client)[:2] == (200, "Database(): OK\n")  # the database itself answers
        locker.rollback()
    assert monitor(client)[0] == 200
