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
# Threaded workers, one process per core (a process runs Python on one core at a time), each
# with GUNICORN_THREADS request threads: the pages wait on the database, and a password hash
# (hashlib, the GIL released) runs beside the others' Python. Each worker keeps two threads of
# its own for GET /health/ (config/gunicorn_worker.py), so the load balancer's probe never waits
# behind a burst of sign-ins. Database connections: up to workers × (threads + 2) + the health
# checks' own, below PostgreSQL's max_connections (100) with room for the worker and beat.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "config.gunicorn_worker.HealthFirstWorker")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker silent this long is restarted. A threaded worker's main loop answers while its
# threads work, so this catches a hung process, not one slow request (imports and memo PDFs run
# in the worker or the sweep, never in a request).
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
