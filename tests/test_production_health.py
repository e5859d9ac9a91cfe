"""GET /health/ for the load balancer: 200 when the database answers, the broker takes a
connection, a Celery worker answers a ping and no e-mail has waited too long; 500 otherwise."""

import datetime

import pytest
from django.utils import timezone

from approvals.outbox.models import Email
from tests.conftest import require
from tests.e2e.services import PrivateRedis, Worker, celery_on_broker
from tests.memo_factories import make_memo_with_one_change, memo_emails

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/health/")
    return response.status_code, response.content.decode()


def test_healthy_without_login_and_in_plain_text(client):
    status, text = health(client)
    assert status == 200
    assert "Database(alias='default'): OK" in text and "EmailOutbox" in text
    # The embedded default (tasks in process) has no broker or worker to ask.
    assert "Broker" not in text and "CeleryWorker" not in text
    json_response = client.get("/health/?format=json")
    assert json_response.status_code == 200 and set(json_response.json().values()) == {"OK"}


def waiting_since(minutes):
    memo = make_memo_with_one_change()
    emails = memo_emails(memo)
    emails.update(status=Email.Status.SENT)
    waiting = emails.first()
    Email.objects.filter(pk=waiting.pk).update(
        status=Email.Status.PENDING, queued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return waiting


def test_an_email_waiting_longer_than_the_threshold_is_unhealthy(client, settings):
    settings.HEALTH_EMAIL_MAX_AGE_SECONDS = 3600
    email = waiting_since(minutes=59)
    assert health(client)[0] == 200

    Email.objects.filter(pk=email.pk).update(queued_at=timezone.now() - datetime.timedelta(minutes=61))
    status, text = health(client)
    assert status == 500
    assert "oldest undelivered e-mail has waited 36" in text  # 3660 s and a little

    # Being sent (a worker holds it), it still waits.
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENDING)
    assert health(client)[0] == 500
    # Sent (or given up as failed: the admin's to resend), it no longer waits.
    Email.objects.filter(pk=email.pk).update(status=Email.Status.FAILED)
    assert health(client)[0] == 200


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
def test_broker_and_worker_healthy_then_unhealthy_when_stopped(client, private_broker, tmp_path):
    worker = Worker(
        broker_url=private_broker.url,
        database_url=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        smtp_port=1,
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        status, text = health(client)
        assert status == 200, text
        assert "Broker(): OK" in text and "CeleryWorker(): OK" in text
    finally:
        worker.stop()

    status, text = health(client)
    assert status == 500
    assert "CeleryWorker(): Unavailable: Celery workers unavailable" in text and "Broker(): OK" in text

    private_broker.stop()
    status, text = health(client)
    assert status == 500 and "Broker(): Unavailable: broker unreachable" in text
