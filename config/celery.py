import logging
import os
import time

from celery import Celery, signals
from celery.exceptions import Retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("budget")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue(task, calls, *, seconds=None):
    """Queue ``task`` once per argument tuple in ``calls``, spending at most about ``seconds``
    (settings.BROKER_ENQUEUE_SECONDS) on the broker, however it misbehaves; returns how many
    were queued.

    Every caller has already written what the task will do to the database (an outbox row, a
    memo check the sweep repeats, an import job), so a call not queued is late, not lost: the
    beat's sweep queues it again. A web request therefore never waits on a broker that refuses
    (no retries) or hangs (short connect and socket timeouts, and no new publish once the time
    is up). Without a broker (tasks run in process) each call simply runs."""
    from django.conf import settings

    calls = [tuple(args) for args in calls]
    if not calls:
        return 0
    if app.conf.task_always_eager:
        for args in calls:
            try:
                task.apply_async(args)
            except Retry:  # in process: the task recorded its failure and is tried again later
                pass
        return len(calls)
    seconds = settings.BROKER_ENQUEUE_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds
    queued = 0
    options = {"socket_timeout": seconds, "socket_connect_timeout": seconds, "max_retries": 0}
    try:
        with app.connection_for_write(connect_timeout=seconds, transport_options=options) as connection:
            for args in calls:
                if time.monotonic() > deadline:
                    break
                task.apply_async(args, connection=connection, retry=False)
                queued += 1
    except Exception as error:  # refused, timed out, reset: the sweep queues them later
        logger.warning("broker unavailable (%s: %s)", type(error).__name__, error)
    if queued < len(calls):
        logger.warning("queued %s of %s %s tasks; the sweep queues the rest", queued, len(calls), task.name)
    return queued


@signals.celeryd_init.connect
@signals.setup_logging.connect
def use_the_applications_logging(**kwargs):
    """The worker and beat log as the web processes do (settings.LOGGING: UTC time, JSON with
    LOG_FORMAT=json, the level of LOG_LEVEL): with a setup_logging receiver Celery leaves the
    root logger alone instead of putting its own plain-text handler on it. Already when the
    worker starts (celeryd_init), so its first warnings are lines of the same kind. The
    -l/--loglevel option is not used; LOG_LEVEL is the one setting."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # as Django does: warnings are log lines too
