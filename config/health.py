"""Health endpoints (django-health-check), both without login, plain text (``?format=json``
for JSON), 200 when healthy and 500 with the failing check named.

``GET /health/`` is for the load balancer: only what makes this web server unable to serve,
its database. A broker that is down, a stopped beat or an e-mail that bounced must not take
every web server out of rotation at once (no page waits on the broker: the outbox holds what
is to be sent).

``GET /health/monitor/`` is for monitoring: the database; with a broker configured (not the
embedded in-process default) the broker, a Celery worker answering a ping and the beat's sweep
having run within HEALTH_SWEEP_MAX_AGE_SECONDS; no e-mail waiting longer than
HEALTH_EMAIL_MAX_AGE_SECONDS; and no e-mail failed for good (it needs an administrator).

Both answer in bounded time, whatever hangs: every check has its own short timeout (socket
timeouts for the broker, statement_timeout and connect_timeout on PostgreSQL), the checks run
side by side in threads, and a check still running when its time is up is reported as timed
out and left behind instead of being waited for."""

import concurrent.futures
import contextlib
import copy
import dataclasses
import datetime

import celery
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from approvals.outbox.selectors import failed_email_counts, oldest_undelivered_email_queued_at
from approvals.sweep import last_beat_sweep_at
from config.celery import app as celery_app

# Seconds. A check's answer is waited for one second longer than its timeout (django-health-check
# lets the client's own timeout report first), so /health/monitor/ answers within about 3 s.
DATABASE_CONNECT_TIMEOUT = 2  # libpq's smallest
DATABASE_STATEMENT_TIMEOUT = 1
BROKER_TIMEOUT = 1
WORKER_PING_TIMEOUT = 1


def seconds(value):
    return datetime.timedelta(seconds=value)


@contextlib.contextmanager
def bounded_queries():
    """This thread's own database connection, its statements limited to
    DATABASE_STATEMENT_TIMEOUT on PostgreSQL, closed afterwards (a check's thread is not a
    request's: nobody else would close it)."""
    connection = connections["default"]
    try:
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {DATABASE_STATEMENT_TIMEOUT * 1000}")
                yield
        else:  # SQLite: no transaction (the settings make each one take the write lock)
            yield
    except DatabaseError as error:
        # The driver's own error names the cause (QueryCanceled: the statement timeout).
        raise ServiceUnavailable(f"database: {type(error.__cause__ or error).__name__}") from error
    finally:
        connection.close()


@dataclasses.dataclass
class Database(HealthCheck):
    """The database answers ``SELECT 1`` on a new connection of its own (connect and statement
    timeouts on PostgreSQL)."""

    timeout: datetime.timedelta = dataclasses.field(default=seconds(DATABASE_CONNECT_TIMEOUT), repr=False)

    def run(self):
        default = connections["default"]
        settings_dict = copy.deepcopy(default.settings_dict)
        if default.vendor == "postgresql":
            settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": DATABASE_CONNECT_TIMEOUT}
        probe = type(default)(settings_dict, "default")
        try:
            with probe.cursor() as cursor:
                if probe.vendor == "postgresql":
                    cursor.execute(f"SET statement_timeout = {DATABASE_STATEMENT_TIMEOUT * 1000}")
                cursor.execute("SELECT 1")
                if cursor.fetchone() != (1,):
                    raise ServiceUnavailable("the database answered SELECT 1 wrongly")
        except ServiceUnavailable:
            raise
        except Exception as error:
            raise ServiceUnavailable(f"database unreachable: {type(error).__name__}") from error
        finally:
            probe.close()


def broker_connection():
    """A connection to the broker whose every wait is short (connect, and each socket read and
    write: a broker that takes the connection and then never answers is down, not waited for)."""
    url = celery_app.conf.broker_write_url or celery_app.conf.broker_url
    if url.startswith(("redis", "rediss")):
        options = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
    elif url.startswith(("amqp", "pyamqp")):
        options = {"read_timeout": BROKER_TIMEOUT, "write_timeout": BROKER_TIMEOUT}
    else:
        options = {}
    return celery_app.connection_for_write(connect_timeout=BROKER_TIMEOUT, transport_options=options)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (Redis or RabbitMQ) takes a connection and answers on it."""

    timeout: datetime.timedelta = dataclasses.field(default=seconds(BROKER_TIMEOUT), repr=False)

    def run(self):
        try:
            with broker_connection() as connection:
                connection.ensure_connection(max_retries=0)  # one try: no back-off sleeps here
                connection.default_channel  # noqa: B018 (Redis: a PING answered; AMQP: the handshake)
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error


@dataclasses.dataclass
class CeleryWorker(HealthCheck):
    """A worker answers a ping on the broker (the first answer is enough)."""

    app: celery.Celery = dataclasses.field(default_factory=lambda: celery_app, repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=seconds(BROKER_TIMEOUT + WORKER_PING_TIMEOUT), repr=False)

    def run(self):
        try:
            with broker_connection() as connection:
                connection.ensure_connection(max_retries=0)
                answers = self.app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1, connection=connection)
        except Exception as error:
            raise ServiceUnavailable(f"broker unreachable: {type(error).__name__}") from error
        if not answers:
            raise ServiceUnavailable("Celery workers unavailable")


@dataclasses.dataclass
class BeatSweep(HealthCheck):
    """Celery beat's sweep (memos, hearing deadlines, pending e-mails) ran within
    ``max_age_seconds``: it records each run in the shared cache (approvals.memos.sweep)."""

    max_age_seconds: int = 300
    timeout: datetime.timedelta = dataclasses.field(default=seconds(DATABASE_CONNECT_TIMEOUT), repr=False)

    def run(self):
        with bounded_queries():  # the default cache is a database table
            last_run = last_beat_sweep_at()
        now = timezone.now()
        if last_run is None:
            # Never recorded (a new installation, or an emptied cache): give beat the same time
            # from this web process's start before calling it stopped.
            last_run, since = PROCESS_STARTED_AT, "this web server started"
        else:
            since = "its last run"
        waited = now - last_run
        if waited > datetime.timedelta(seconds=self.max_age_seconds):
            minutes = int(waited.total_seconds() // 60)
            raise ServiceUnavailable(
                f"the sweep has not run for {minutes} minutes ({int(waited.total_seconds())} s since {since}); "
                "is Celery beat running?"
            )


@dataclasses.dataclass
class EmailOutbox(HealthCheck):
    """No e-mail has waited longer than ``max_age_seconds`` (SMTP down, or no worker sending)."""

    max_age_seconds: int = 3600
    timeout: datetime.timedelta = dataclasses.field(default=seconds(DATABASE_CONNECT_TIMEOUT), repr=False)

    def run(self):
        with bounded_queries():
            queued_at = oldest_undelivered_email_queued_at()
        if queued_at is None:
            return
        waited = timezone.now() - queued_at
        if waited > datetime.timedelta(seconds=self.max_age_seconds):
            raise ServiceUnavailable(f"oldest undelivered e-mail has waited {int(waited.total_seconds())} s")


@dataclasses.dataclass
class FailedEmails(HealthCheck):
    """No e-mail has failed for good (every attempt refused: an administrator resends or
    deletes it under E-mails or on its memo)."""

    timeout: datetime.timedelta = dataclasses.field(default=seconds(DATABASE_CONNECT_TIMEOUT), repr=False)

    def run(self):
        with bounded_queries():
            counts = failed_email_counts()
        total = sum(counts.values())
        if total:
            raise ServiceUnavailable(
                f"{total} e-mails failed for good ({counts['workflow']} workflow e-mails, "
                f"{counts['memo']} memo deliveries); resend or delete them in the admin"
            )


PROCESS_STARTED_AT = timezone.now()


def broker_configured():
    return not settings.CELERY_TASK_ALWAYS_EAGER


def load_balancer_checks():
    return [Database()]


def monitoring_checks():
    checks = [Database()]
    if broker_configured():
        checks += [Broker(), CeleryWorker(), BeatSweep(max_age_seconds=settings.HEALTH_SWEEP_MAX_AGE_SECONDS)]
    checks += [EmailOutbox(max_age_seconds=settings.HEALTH_EMAIL_MAX_AGE_SECONDS), FailedEmails()]
    return checks


@contextlib.contextmanager
def executor_left_behind():
    """Threads for the checks; a check still running when its time is up is not waited for
    (the default executor's shutdown, and a ``with`` executor's, would wait)."""
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")
    try:
        yield executor
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


class HealthView(HealthCheckView):
    """GET /health/: the load balancer's."""

    def get_checks(self):
        return load_balancer_checks()

    def get_executor(self):
        return executor_left_behind()

    def render_to_response(self, context, **response_kwargs):
        # No HTML page (its inline style breaks the CSP, and a load balancer reads the status).
        return self.render_to_response_text(response_kwargs.get("status", 200))


class MonitorView(HealthView):
    """GET /health/monitor/: monitoring's, everything."""

    def get_checks(self):
        return monitoring_checks()
