"""A server that takes TCP connections and never answers: a hanging broker (or any service)
as a network fault looks from the client. Nothing is read or written; connections stay open
until the server stops."""

import socket
import threading


class SilentServer:
    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._connections = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="silent-server")

    def _accept(self):
        self._listener.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)  # kept open, never answered
            self.accepted += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._thread.join(5)
        for connection in self._connections:
            connection.close()
        self._listener.close()

    def url(self, scheme="redis", path="/0"):
        return f"{scheme}://127.0.0.1:{self.port}{path}"
