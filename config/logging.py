"""The LOGGING setting: every line with time, level and logger, as text or one JSON object a line.

Plain data (no imports of the project), so settings.py can build it from the environment."""

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d %(threadName)s"


def logging_config(log_format="text", level="INFO"):
    """``log_format`` "json" for log collectors (python-json-logger), anything else for text."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    formatters = {
        "text": {"format": TEXT_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
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
        # django-axes tells of every sign-in at INFO; its lockouts are warnings.
        "loggers": {"axes": {"level": "WARNING"}},
    }
