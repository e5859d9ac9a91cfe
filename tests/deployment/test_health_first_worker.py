"""The load balancer's GET /health/ never waits behind busy request threads (issue 26): the
gunicorn worker (config/gunicorn_worker.py) peeks at a new request's first bytes and hands a
health probe to threads of its own."""

import socket
import subprocess
import sys
import threading
import types

import pytest
import requests

from config.gunicorn_worker import asks_for_health
from tests.e2e.services import BASE_DIR
from tests.e2e.web import Gunicorn, app_environment


def connection(sent=b"", *, initialized=False, data_ready=False):
    ours, theirs = socket.socketpair()
    if sent:
        theirs.sendall(sent)
    conn = types.SimpleNamespace(
        sock=ours,
        cfg=types.SimpleNamespace(is_ssl=False),
        is_http2=False,
        initialized=initialized,
        data_ready=data_ready,
        parser=None,
    )
    return conn, theirs


@pytest.mark.parametrize(
    ("sent", "data_ready", "expected"),
    [
        (b"GET /health/ HTTP/1.1\r\nHost: x\r\n\r\n", False, True),
        (b"GET /health/monitor/ HTTP/1.1\r\n\r\n", False, True),
        (b"POST /login/ HTTP/1.1\r\n\r\n", False, False),
        (b"GET /healthz HTTP/1.1\r\n\r\n", False, False),
        (b"", False, None),  # nothing yet: wait in the poller
        (b"GET /he", False, None),  # the request line's start: wait for the rest
        (b"GET /he", True, False),  # waited once already: to the request threads
        (b"", True, False),
    ],
)
def test_a_new_connection_is_told_by_its_first_bytes(sent, data_ready, expected):
    conn, theirs = connection(sent, data_ready=data_ready)
    try:
        assert asks_for_health(conn) is expected
        # Peeked, not read: the request's parser still gets every byte.
        if sent:
            assert conn.sock.recv(1000, socket.MSG_DONTWAIT) == sent
    finally:
        conn.sock.close()
        theirs.close()


def test_a_kept_alive_connection_is_told_by_what_its_parser_holds_or_the_socket():
    conn, theirs = connection(b"GET /health/ HTTP/1.1\r\n\r\n", initialized=True)
    buffered = types.SimpleNamespace(getvalue=lambda: b"POST /login/ HTTP/1.1\r\n")
    conn.parser = types.SimpleNamespace(unreader=types.SimpleNamespace(buf=buffered))
    try:
        assert asks_for_health(conn) is False  # the parser's bytes come first
        conn.parser.unreader.buf = types.SimpleNamespace(getvalue=lambda: b"")
        assert asks_for_health(conn) is True
    finally:
        conn.sock.close()
        theirs.close()


def test_health_answers_while_the_only_request_thread_is_busy(tmp_path):
    """One worker, one request thread, held by a request whose body trickles in a byte at a
    time (as a sign-in holds it while its password is hashed): the login page waits, /health/
    answers."""
    env = app_environment(f"sqlite:///{tmp_path / 'db.sqlite3'}", CELERY_BROKER_URL=None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    server = Gunicorn(env=env, log_path=tmp_path / "gunicorn.log", workers=1, threads=1).start()
    stuck = socket.create_connection(("127.0.0.1", server.port))
    done = threading.Event()

    def trickle():
        while not done.wait(0.5):
            stuck.sendall(b"a")

    trickler = threading.Thread(target=trickle)
    try:
        stuck.sendall(
            b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername="
        )
        trickler.start()
        for _ in range(3):
            response = requests.get(f"{server.url}/health/", timeout=8)
            assert response.status_code == 200, server.log()[-2000:]
        with pytest.raises(requests.Timeout):  # 3 s: the login page waits behind the held thread
            requests.get(f"{server.url}/login/", timeout=3)
    finally:
        done.set()
        if trickler.is_alive():
            trickler.join()
        stuck.close()
        server.stop()
