"""gunicorn's threaded worker with a few threads of its own for ``GET /health/`` (config/gunicorn.conf.py).

The load balancer's probe must not wait behind sign-ins: 100 members signing in at once keep
every request thread busy hashing passwords (seconds each on a loaded machine), and a probe
queued behind them timed out, which takes a healthy server out of rotation just when everyone
arrives. Here each new request's first bytes are peeked at (not read) before it is handed to a
thread: ``GET /health/`` (and ``/health/monitor/``) goes to the health threads, everything else
to the request threads. A connection that has sent nothing yet waits in the worker's poller,
without a thread, until it does. The health views bound their own time (config/health.py)."""

import selectors
import socket
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

HEALTH_REQUEST = b"GET /health/"
HEALTH_THREADS = 2


class HealthFirstWorker(ThreadWorker):
    def init_process(self):
        self.health_pool = futures.ThreadPoolExecutor(max_workers=HEALTH_THREADS, thread_name_prefix="health")
        super().init_process()

    def enqueue_req(self, conn):
        asks = asks_for_health(conn)
        if asks is None:
            self._wait_for_first_bytes(conn)
            return
        pool = self.health_pool if asks else self.tpool
        future = pool.submit(self.handle, conn)
        future.add_done_callback(lambda done: self.method_queue.defer(self.finish_request, conn, done))

    def _wait_for_first_bytes(self, conn):
        """As gunicorn parks a connection that sent nothing in time (finish_request): in the
        poller, closed after the keep-alive time; readable, it comes back here."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def handle_exit(self, sig, frame):
        self.health_pool.shutdown(wait=False)
        super().handle_exit(sig, frame)


def asks_for_health(conn):
    """True: the request is ``GET /health/…``; False: another, or unknown (TLS, HTTP/2, a
    closed or broken socket); None: nothing, or only the start of the request line, has arrived
    on a new connection yet (a connection kept alive, or parked once already, is not parked)."""
    if conn.cfg.is_ssl or conn.is_http2:
        return False
    if conn.initialized:
        # A connection kept alive: the parser may hold the next request's bytes already.
        buffered = conn.parser.unreader.buf.getvalue() if conn.parser is not None else b""
        if buffered:
            return buffered.startswith(HEALTH_REQUEST)
    try:
        head = conn.sock.recv(len(HEALTH_REQUEST), socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        head = b""
    except OSError:
        return False
    if len(head) < len(HEALTH_REQUEST) and HEALTH_REQUEST.startswith(head):
        return None if not (conn.initialized or conn.data_ready) else False
    return head == HEALTH_REQUEST
