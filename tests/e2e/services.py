"""Real services for end-to-end tests: an SMTP server on loopback, a Celery worker process,
a private Redis server, and pointing this process's Celery app at a real broker.

Everything started here is stopped by the caller's fixture finalizer; waits are bounded."""

import asyncio
import email
import email.policy
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, interval=0.2, message="condition"):
    """Poll until predicate() is truthy; return its value or raise AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


# --- SMTP ------------------------------------------------------------------------------


class ReceivedMessage:
    def __init__(self, rcpt_tos, content):
        self.rcpt_tos = list(rcpt_tos)
        self.message = email.message_from_bytes(content, policy=email.policy.default)

    @property
    def subject(self):
        # Unfolded and without the whitespace folding of long encoded headers leaves behind.
        return " ".join(str(self.message["Subject"]).split())

    def pdf_attachments(self):
        return [part for part in self.message.iter_attachments() if part.get_content_type() == "application/pdf"]

    def pdf_text(self):
        from pypdf import PdfReader

        [part] = self.pdf_attachments()
        reader = PdfReader(io.BytesIO(part.get_content()))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    def text_body(self):
        return self.message.get_body(preferencelist=("plain",)).get_content()


class SmtpSink:
    """Handler for aiosmtpd: collects messages; ``refuse = True`` answers 451 (try later).

    ``hold()`` makes the server take a message's data and then not answer (the sender is
    mid-send) until ``release()``; a held message is not accepted (421), as a real server
    does not deliver what it never acknowledged. ``hold(accept=True)``: the server has taken
    the message for delivery (it is in ``received()``) and holds back its "250" until
    ``release()``: what a sender that dies, or loses the connection, after the server accepted
    a message leaves behind."""

    def __init__(self):
        self.messages = []
        self.refused = 0
        self.refuse = False
        self.held = 0
        self._hold = None
        self._accept_held = False
        self._lock = threading.Lock()

    def hold(self, *, accept=False):
        self._accept_held = accept
        self._hold = threading.Event()

    def release(self):
        hold, self._hold = self._hold, None
        if hold is not None:
            hold.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            with self._lock:
                self.refused += 1
            return "451 4.3.2 Midlertidigt ude af drift"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        hold = self._hold
        if hold is not None:
            accepted = self._accept_held
            with self._lock:
                if accepted:
                    self.messages.append(ReceivedMessage(envelope.rcpt_tos, envelope.content))
                self.held += 1
            await asyncio.get_running_loop().run_in_executor(None, hold.wait)
            return "250 Message accepted for delivery" if accepted else "421 4.3.0 Forbindelsen lukkes"
        with self._lock:
            self.messages.append(ReceivedMessage(envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"

    def received(self):
        with self._lock:
            return list(self.messages)


@contextmanager
def smtp_server():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        sink.release()  # a held session must not keep the server from stopping
        controller.stop()


# --- Redis -----------------------------------------------------------------------------


def flush_redis(host, port, db):
    """FLUSHDB on one Redis database (speaks RESP directly; no client needed)."""
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(db))}\r\n{db}\r\n*1\r\n$7\r\nFLUSHDB\r\n".encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = s.recv(1024)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"+OK"), reply


class PrivateRedis:
    """A throw-away redis-server on its own port, so a test can stop and restart "the broker"."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.process = None

    @staticmethod
    def available():
        return shutil.which("redis-server") is not None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(self.port), 10, message=f"redis-server on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


class HangingBroker:
    """A broker that hangs: a TCP server on loopback that accepts every connection and never
    answers a byte (a broker host whose process is stuck, or a firewall that swallows the
    traffic). ``stop()`` closes the connections and frees the port for a real broker."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.accepted = 0
        self._server = None
        self._connections = []
        self._thread = None

    def start(self):
        self._server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._server.settimeout(0.2)
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def _accept(self):
        while self._running:
            try:
                connection, _address = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self._connections.append(connection)  # kept open, never read nor answered
            self.accepted += 1

    def stop(self):
        self._running = False
        if self._thread is not None:
            self._thread.join(5)
        for connection in self._connections:
            connection.close()
        if self._server is not None:
            self._server.close()
        self._server = self._thread = None
        self._connections = []

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


def _port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- Celery ----------------------------------------------------------------------------


def database_url(settings_dict):
    """A DATABASE_URL for the database this test process uses (pytest-django's test database)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


class Worker:
    """A real ``celery -A config worker`` subprocess with its own environment."""

    def __init__(self, *, broker_url, database_url, smtp_port, log_path, concurrency=2, env=None):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "MEMO_QUIET_PERIOD_SECONDS": "0",
            "LOG_LEVEL": "INFO",
            **(env or {}),
        }
        self.concurrency = concurrency
        self.log_path = Path(log_path)
        self.process = None

    def start(self, wait_ready=True):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "-l",
                "INFO",
                "-c",
                str(self.concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"e2e-{os.getpid()}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the pool children too
        )
        if wait_ready:
            wait_for(lambda: "ready." in self.log() or self.process.poll() is not None, 60, message="worker ready")
            assert self.process.poll() is None, f"worker exited:\n{self.log()[-3000:]}"

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self):
        """SIGKILL, as a machine losing power or the OOM killer: no clean-up runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self.process = None
        self._log.close()

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


@contextmanager
def celery_on_broker(broker_url):
    """Point this process's Celery app at a real broker (tests otherwise run tasks in process)."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    app.conf.update(broker_url=broker_url, task_always_eager=False, broker_connection_timeout=2)
    _reset_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_connections(app)


# The machine's Redis (127.0.0.1:6379) serves the end-to-end test files as brokers, each on its
# own database number: bin/test runs test files in parallel, and a worker of one file must not
# take another file's tasks.
REDIS_DATABASES = {"memo": 13, "import": 12, "workflow_email": 11}


@contextmanager
def machine_redis_broker(purpose):
    """This process's Celery app on the machine's Redis, on ``purpose``'s own, emptied database."""
    db = REDIS_DATABASES[purpose]
    flush_redis("127.0.0.1", 6379, db)
    url = f"redis://127.0.0.1:6379/{db}"
    try:
        with celery_on_broker(url):
            yield url
    finally:
        flush_redis("127.0.0.1", 6379, db)


def _reset_connections(app):
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()  # kombu keeps producer pools per broker URL; closed ones must not be reused


class Beat(Worker):
    """A real ``celery -A config beat`` subprocess (the schedule in ``schedule_path``), with the
    Worker's environment; stop() as the Worker's."""

    def __init__(self, *, schedule_path, **kwargs):
        super().__init__(**kwargs)
        self.schedule_path = Path(schedule_path)

    def start(self, wait_ready=True):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "beat", "-s", str(self.schedule_path)],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait_ready:
            wait_for(lambda: "beat: Starting" in self.log() or self.process.poll() is not None, 60, message="beat")
            assert self.process.poll() is None, f"beat exited:\n{self.log()[-3000:]}"
