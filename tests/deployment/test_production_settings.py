"""Settings safe by default, from the environment: each case a real `manage.py` process with
exactly the environment given (nothing inherited but PATH), as the IT department would start it."""

import gzip
import json
import os
import re
import secrets
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

try:  # sentry-sdk compresses with brotli when it is installed (locust brings it), else gzip
    import brotli
except ImportError:
    brotli = None

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR / "deploy"))
import envfile  # noqa: E402  (deploy/envfile.py: the env file as systemd reads it)

PRODUCTION_ENV = BASE_DIR / "deploy" / "production.env.example"

SHOW_SETTINGS = """
import json
from django.conf import settings
keys = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
        "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_PORT"]
print(json.dumps({k: getattr(settings, k) for k in keys}))
"""


def documented_production_env(tmp_path):
    """deploy/production.env.example as systemd reads it (deploy/envfile.py), its placeholders
    filled in and its database a local one."""
    env = {name: value for name, value in envfile.read(PRODUCTION_ENV).items() if not name.startswith("DATABASE_")}
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["EMAIL_HOST_PASSWORD"] = "secret"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'check.sqlite3'}"
    return env


def manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_documented_production_settings_pass_check_deploy(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=documented_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_come_from_the_environment(tmp_path):
    result = manage("shell", "-c", SHOW_SETTINGS, env=documented_production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://budget.kommune.example"],
        "ALLOWED_HOSTS": ["budget.kommune.example"],
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "budget@kommune.example",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_PORT": 587,
    }


def test_without_secret_key_it_refuses_to_start_outside_debug(tmp_path):
    result = manage("check", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert "DEBUG=1 for development only" in result.stderr


def test_debug_is_off_unless_asked_for_and_then_runs_without_a_key(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    off = manage("shell", "-c", SHOW_SETTINGS, env={**database, "SECRET_KEY": "x" * 60})
    assert json.loads(off.stdout.strip().splitlines()[-1])["DEBUG"] is False
    on = manage("shell", "-c", SHOW_SETTINGS, env={**database, "DEBUG": "1"})
    assert on.returncode == 0, on.stderr
    shown = json.loads(on.stdout.strip().splitlines()[-1])
    # Development defaults: plain http works (bin/run).
    assert shown["DEBUG"] is True and shown["SECURE_SSL_REDIRECT"] is False and shown["SESSION_COOKIE_SECURE"] is False


def test_tls_and_ssl_together_are_refused(tmp_path):
    result = manage(
        "check", env={"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1", "DATABASE_URL": "sqlite:///:memory:"}
    )
    assert result.returncode != 0 and "not both" in result.stderr


LOG_SCRIPT = "import logging; logging.getLogger('approvals.memos').warning('notat %s sendt', 7)"


def test_log_lines_have_time_level_and_logger(tmp_path):
    result = manage("shell", "-c", LOG_SCRIPT, env={"DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"})
    [line] = [line for line in result.stderr.splitlines() if "notat 7 sendt" in line]
    time, level, logger, *message = line.split(" ")
    # UTC in ISO 8601, the zone written out (Django's processes run in Europe/Copenhagen).
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", time), time
    assert (level, logger, " ".join(message)) == ("WARNING", "approvals.memos", "notat 7 sendt")


def test_log_lines_as_json(tmp_path):
    env = {"DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:", "LOG_FORMAT": "json"}
    result = manage("shell", "-c", LOG_SCRIPT, env=env)
    [record] = [json.loads(line) for line in result.stderr.splitlines() if "notat 7 sendt" in line]
    assert record["level"] == "WARNING" and record["logger"] == "approvals.memos"
    assert record["message"] == "notat 7 sendt" and record["time"][:2] == "20" and record["time"].endswith("Z")


class _SentryIngest(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        type(self).received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_ingest():
    _SentryIngest.received = []
    server = HTTPServer(("127.0.0.1", 0), _SentryIngest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_errors_go_to_sentry_when_sentry_dsn_is_set(sentry_ingest):
    dsn = f"http://publickey@127.0.0.1:{sentry_ingest.server_port}/42"
    script = "import sentry_sdk; sentry_sdk.capture_exception(ValueError('prøvefejl')); sentry_sdk.flush(10)"
    env = {"DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:", "SENTRY_DSN": dsn}
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert [path for path, _body in _SentryIngest.received] == ["/api/42/envelope/"]
    [(_path, body)] = _SentryIngest.received
    assert b"ValueError" in body and ("prøvefejl".encode() in body or b"pr\\u00f8vefejl" in body)


def test_every_environment_variable_is_in_the_readme_table():
    """README, Production → Environment variables names each variable the settings read."""
    read = set()
    for source in ("config/settings.py", "config/gunicorn.conf.py"):
        text = (BASE_DIR / source).read_text()
        read |= set(
            re.findall(r"""(?:environ\.get|environ\[|env_bool|env_list)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", text)
        )
    readme = (BASE_DIR / "README.md").read_text()
    table = readme[readme.index("### Environment variables") :]
    table = table[: table.index("\n## ")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert len(read) > 40
    assert read - documented == set()
