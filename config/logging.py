"""The LOGGING setting: every line with time, level and logger, as text or one JSON object a line.

One clock for every process: the time is UTC in ISO 8601 with the zone written out
(``2026-12-01T09:00:00.123Z``), whatever the process's local time zone (Django sets the one of
TIME_ZONE in its processes, gunicorn's master runs before it; they used to disagree).
Used by Django (settings.LOGGING), gunicorn (config/gunicorn.conf.py) and Celery's worker and
beat (config/celery.py), so LOG_FORMAT=json gives JSON from all of them.

No imports of the project, so the gunicorn configuration can read it before Django is set up."""

import datetime
import ipaddress
import logging

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d %(threadName)s"


def utc_timestamp(created):
    """A record's time: UTC, ISO 8601, milliseconds, ``Z``."""
    moment = datetime.datetime.fromtimestamp(created, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UtcFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):
        return utc_timestamp(record.created)


class UtcJsonFormatter(JsonFormatter):
    def formatTime(self, record, datefmt=None):
        return utc_timestamp(record.created)


def logging_config(log_format="text", level="INFO"):
    """``log_format`` "json" for log collectors (python-json-logger), anything else for text."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    formatters = {
        "text": {"()": "config.logging.UtcFormatter", "format": TEXT_FORMAT},
        "json": {
            "()": "config.logging.UtcJsonFormatter",
            "format": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {log_format: formatters[log_format]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        # django-axes tells of every sign-in at INFO; its lockouts are warnings. WeasyPrint
        # tells of every step of every PDF (and of loading its fonts) at INFO.
        "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
    }


def forwarded_client(peer, forwarded_for, trusted):
    """The client's address for the access log.

    ``peer`` is the address that connected; only when it is a trusted proxy (``trusted(address)``)
    is its X-Forwarded-For believed: read from the right, the first address that is not itself
    a trusted proxy is the client (anything further left was written by the client and may be
    forged). Otherwise the peer is the client."""
    if not forwarded_for or not trusted(peer):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not trusted(hop):
            return hop
    return hops[0] if hops else peer


def access_log_client(wsgi_environ, allowed_ips, allowed_networks):
    """gunicorn's access log atom ``client`` (config/gunicorn.conf.py): the trusted proxies are
    gunicorn's forwarded_allow_ips (FORWARDED_ALLOW_IPS), "*" for any."""

    def trusted(address):
        if "*" in allowed_ips:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in allowed_networks)

    return forwarded_client(wsgi_environ.get("REMOTE_ADDR", "-"), wsgi_environ.get("HTTP_X_FORWARDED_FOR", ""), trusted)
