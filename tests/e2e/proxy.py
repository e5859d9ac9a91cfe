"""The municipality's TLS proxy in front of gunicorn, as far as the application can tell: a
reverse proxy on loopback that forwards every request and appends the address it was reached
from to X-Forwarded-For (after whatever the client sent there), as nginx's
``$proxy_add_x_forwarded_for`` does. Clients bind to different loopback addresses
(127.0.0.2, 127.0.0.3 …, ``client_session``) to be different people behind it."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from requests.adapters import HTTPAdapter

from .services import free_port

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class ReverseProxy:
    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.port = free_port()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                forwarded = [self.headers.get("X-Forwarded-For"), self.client_address[0]]
                headers["X-Forwarded-For"] = ", ".join(hop for hop in forwarded if hop)
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    response = upstream.getresponse()
                    content = response.read()
                    self.send_response(response.status, response.reason)
                    for key, value in response.getheaders():
                        if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                finally:
                    upstream.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class _SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source_address, **kwargs):
        self.source_address = source_address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client_session(source_address):
    """A requests session whose connections come from ``source_address`` (a 127.x.y.z address)."""
    session = requests.Session()
    session.mount("http://", _SourceAddressAdapter(source_address))
    return session
