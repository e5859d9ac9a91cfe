"""gunicorn's settings: `gunicorn -c config/gunicorn.conf.py config.wsgi` (Dockerfile, systemd
unit, README "Production"). The environment overrides the sizes; logs go to stderr in the
application's format (UTC time, level, logger; JSON with LOG_FORMAT=json), the access log with
the client's address as the trusted proxy tells it."""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gunicorn.glogging import Logger  # noqa: E402

from config.logging import access_log_client, logging_config  # noqa: E402

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: the pages are database-bound; a few per core.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A memo's PDF (WeasyPrint) and an import of a large sheet take seconds, not minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A fresh process now and then, so no slow leak grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The TLS proxy's address(es) whose X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a possibly slow disk (containers).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"


class AccessLogger(Logger):
    """gunicorn's logger with one more access log atom, ``client``: the address X-Forwarded-For
    names when the request came from a proxy in forwarded_allow_ips, else the peer's."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["client"] = access_log_client(environ, self.cfg.forwarded_allow_ips, self.cfg.forwarded_allow_networks())
        return atoms


logger_class = AccessLogger
accesslog = "-"
access_log_format = '%(client)s "%(r)s" %(s)s %(b)s %(M)sms'
_level = os.environ.get("LOG_LEVEL", "INFO")
_logging = logging_config(os.environ.get("LOG_FORMAT", "text"), _level)
logconfig_dict = {
    **_logging,
    "loggers": {
        **_logging["loggers"],
        "gunicorn.error": {"level": _level, "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
