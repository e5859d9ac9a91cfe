import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("budget")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
