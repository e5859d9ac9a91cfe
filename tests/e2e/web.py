"""The application under gunicorn as a real process, and a browserless client for it (requests
with Django's CSRF token), for the two-server test, the production smoke run and the load
benchmark. Waits are bounded."""

import os
import re
import signal
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from .services import BASE_DIR, _port_open, free_port, wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")
CONFIG = BASE_DIR / "config" / "gunicorn.conf.py"
TEST_SECRET_KEY = "tests-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


def app_environment(database_url, **extra):
    """The environment of an application process: production settings (DEBUG off) on the
    given database; ``extra`` adds or overrides (a value of None removes)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


class Gunicorn:
    """``gunicorn config.wsgi`` on 127.0.0.1:<port> in its own process group."""

    def __init__(self, *, env, log_path, port=None, workers=1, threads=4):
        """``workers``/``threads`` None: the production configuration's (config/gunicorn.conf.py)."""
        self.env = env
        self.port = port or free_port()
        self.log_path = Path(log_path)
        self.workers = workers
        self.threads = threads
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(GUNICORN), *self.arguments()],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: _port_open(self.port) or self.process.poll() is not None, 60, message=f"gunicorn on {self.port}"
        )
        assert self.process.poll() is None, f"gunicorn exited:\n{self.log()[-3000:]}"
        # The port opens before the workers have loaded the application: wait for a page.
        wait_for(lambda: self._answers() or self.process.poll() is not None, 120, message="gunicorn's first page")
        assert self.process.poll() is None, f"gunicorn exited:\n{self.log()[-3000:]}"
        return self

    def _answers(self):
        try:
            with urllib.request.urlopen(f"{self.url}/login/", timeout=30) as response:
                return response.status == 200
        except OSError:
            return False

    def arguments(self):
        # The production configuration where it exists; the command line's settings win.
        arguments = ["-c", str(CONFIG)] if CONFIG.exists() else []
        arguments += ["config.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5"]
        if self.workers is not None:
            arguments += ["--workers", str(self.workers)]
        if self.threads is not None:
            arguments += ["--threads", str(self.threads)]
        return arguments

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
            except ProcessLookupError:
                pass
        self.process = None
        self._log.close()


class _Forms(HTMLParser):
    """Every <form>'s action and its named inputs' values (hidden ones included)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with(html, action_part):
    """The fields of the first form whose action contains ``action_part``."""
    for form in forms_of(html):
        if action_part in form["action"]:
            return form["fields"]
    raise AssertionError(f"no form posting to …{action_part}… in:\n{html[:2000]}")


def csrf_token(session):
    return session.cookies.get("csrftoken")


def login(session, base_url, username, password, path="/login/"):
    """Log in with the password form (the CSRF cookie first); returns the final response."""
    session.get(f"{base_url}{path}", timeout=30)
    response = session.post(
        f"{base_url}{path}",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(session), "next": "/"},
        timeout=30,
    )
    return response


def title_of(html):
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return match.group(1).strip() if match else ""
