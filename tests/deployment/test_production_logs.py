"""Logs as production writes them: gunicorn (its own lines and the access log), the Celery worker
and Celery beat, started as real processes with LOG_FORMAT=json. Every line on their stderr is
one JSON object with its time in UTC (ISO 8601, ``Z``), one clock for all (Django runs in
Europe/Copenhagen; the lines do not). The access log names the client from X-Forwarded-For
only when the request came from a trusted proxy (FORWARDED_ALLOW_IPS)."""

import datetime
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require
from tests.e2e.services import CELERY, PrivateRedis, free_port, wait_for
from tests.e2e.web import GUNICORN, app_environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.services


def json_lines(text):
    """Every line parsed as JSON (a line that is not fails the test, naming it)."""
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON log line: {line!r}\nin:\n{text[-3000:]}")
    return records


def assert_utc_now(records):
    now = datetime.datetime.now(datetime.UTC)
    for record in records:
        stamp = record["time"]
        assert stamp.endswith("Z") and "T" in stamp, stamp
        moment = datetime.datetime.fromisoformat(stamp)
        assert moment.utcoffset() == datetime.timedelta(0)
        # The same clock as this test's UTC (a local time would be an hour or two off).
        assert abs((moment - now).total_seconds()) < 600, (stamp, now)
        assert {"level", "logger", "message"} <= set(record), record


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    # No page or task here reads a table: the database needs no migrations.
    tmp_path = tmp_path_factory.mktemp("logs")
    env = app_environment(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_FORMAT="json", LOG_LEVEL="INFO", CELERY_BROKER_URL=None
    )
    return env, tmp_path


def start(command, env, tmp_path, name):
    stdout, stderr = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=stdout.open("wb"),
        stderr=stderr.open("wb"),
        start_new_session=True,
    )
    return process, stderr


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def get(port, path, source="127.0.0.1", headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        return connection.getresponse().status
    finally:
        connection.close()


def test_gunicorn_logs_json_in_utc_with_the_client_from_the_trusted_proxy(environment):
    env, tmp_path = environment
    port = free_port()
    process, stderr = start(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "FORWARDED_ALLOW_IPS": "127.0.0.1"},
        tmp_path,
        "gunicorn",
    )
    try:

        def up():
            assert process.poll() is None, stderr.read_text()
            try:
                return get(port, "/login/") == 200
            except OSError:
                return False

        wait_for(up, 60, message="gunicorn answering")
        # Through the trusted proxy (127.0.0.1): the client is the address the proxy added,
        # the right-most one; what the client itself sent further left is not believed.
        assert get(port, "/login/?via=proxy", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}) == 200
        # From an address that is no trusted proxy (127.0.0.2): its header is ignored.
        assert get(port, "/login/?via=direct", source="127.0.0.2", headers={"X-Forwarded-For": "203.0.113.66"}) == 200
        wait_for(lambda: "via=direct" in stderr.read_text(), 10, message="the access log line")
    finally:
        stop(process)

    records = json_lines(stderr.read_text())
    assert_utc_now(records)
    loggers = {record["logger"] for record in records}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers, loggers
    assert any("Booting worker" in record["message"] for record in records)  # the master's and the worker's clock
    access = {
        record["message"].split(" ", 1)[1].split()[1]: record["message"]
        for record in records
        if record["logger"] == "gunicorn.access"
    }
    assert access["/login/?via=proxy"].startswith('203.0.113.9 "GET /login/?via=proxy HTTP/1.1" 200 ')
    assert access["/login/?via=direct"].startswith('127.0.0.2 "GET /login/?via=direct HTTP/1.1" 200 ')


def test_celery_worker_and_beat_log_json_in_utc(environment):
    require(PrivateRedis.available(), "needs the redis-server program for a broker of the test's own")
    env, tmp_path = environment
    redis = PrivateRedis()
    redis.start()
    env = {**env, "CELERY_BROKER_URL": redis.url, "CELERY_TASK_ALWAYS_EAGER": "0"}
    worker = beat = None
    try:
        worker, worker_log = start(
            [
                str(CELERY),
                "-A",
                "config",
                "-q",
                "worker",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-n",
                "logs@%h",
            ],
            env,
            tmp_path,
            "worker",
        )
        wait_for(lambda: "ready." in worker_log.read_text() or worker.poll() is not None, 60, message="worker ready")
        # A task of Celery's own (it needs no tables): the worker's lines about running it.
        send = "from config.celery import app; app.send_task('celery.accumulate', args=(1, 2))"
        subprocess.run([sys.executable, "-c", send], cwd=BASE_DIR, env=env, check=True, timeout=60)
        wait_for(lambda: "succeeded in" in worker_log.read_text(), 60, message="the task done")

        beat, beat_log = start(
            [str(CELERY), "-A", "config", "-q", "beat", "-s", str(tmp_path / "schedule")],
            {**env, "LOG_LEVEL": "DEBUG"},  # more of its lines (and kombu's) to read
            tmp_path,
            "beat",
        )
        wait_for(lambda: "Ticking with max interval" in beat_log.read_text(), 60, message="beat running")
        time.sleep(1)
    finally:
        for process in (beat, worker):
            if process is not None:
                stop(process)
        redis.stop()

    worker_records = json_lines(worker_log.read_text())
    assert_utc_now(worker_records)
    messages = [record["message"] for record in worker_records]
    assert any(message.endswith(" ready.") for message in messages)
    assert any("celery.accumulate[" in m and "succeeded in" in m for m in messages), messages

    beat_records = json_lines(beat_log.read_text())
    assert_utc_now(beat_records)
    assert "beat: Starting..." in [record["message"] for record in beat_records]
    assert {record["logger"] for record in beat_records} >= {"celery.beat"}
