"""GET /health/ for the load balancer (django-health-check): 200 when healthy, 500 when not.

Checks: the database; with a broker configured (not the embedded in-process default) the
broker and a Celery worker answering a ping; and no e-mail waiting in the outbox longer than
HEALTH_EMAIL_MAX_AGE_SECONDS. The answer is plain text (``?format=json`` for JSON)."""

import dataclasses
import datetime

import celery
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from approvals.outbox.selectors import oldest_undelivered_email_queued_at
from config.celery import app as celery_app


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (Redis or RabbitMQ) accepts a connection."""

    timeout: datetime.timedelta = dataclasses.field(default=datetime.timedelta(seconds=3), repr=False)

    def run(self):
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error


@dataclasses.dataclass
class CeleryWorker(Ping):
    """A worker answers a ping on the broker (django-health-check's Ping, named for the report)."""

    app: celery.Celery = dataclasses.field(default_factory=lambda: celery_app, repr=False)


@dataclasses.dataclass
class EmailOutbox(HealthCheck):
    """No e-mail has waited longer than ``max_age_seconds`` (SMTP down, or no worker sending)."""

    max_age_seconds: int = 3600

    async def run(self):
        # In the request's own thread (thread_sensitive), where Django closes its connection.
        queued_at = await sync_to_async(oldest_undelivered_email_queued_at)()
        if queued_at is None:
            return
        waited = timezone.now() - queued_at
        if waited > datetime.timedelta(seconds=self.max_age_seconds):
            raise ServiceUnavailable(f"oldest undelivered e-mail has waited {int(waited.total_seconds())} s")


def configured_checks():
    checks = [Database()]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        # limit=1: answer as soon as one worker replies.
        checks += [Broker(), CeleryWorker(timeout=datetime.timedelta(seconds=3), limit=1)]
    checks.append(EmailOutbox(max_age_seconds=settings.HEALTH_EMAIL_MAX_AGE_SECONDS))
    return checks


class HealthView(HealthCheckView):
    def get_checks(self):
        return configured_checks()

    def render_to_response(self, context, **response_kwargs):
        # No HTML page (its inline style breaks the CSP, and a load balancer reads the status).
        return self.render_to_response_text(response_kwargs.get("status", 200))
