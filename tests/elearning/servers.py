"""Real TCP servers that behave like a broken Redis, for the outage tests: they count what they
are asked, so a test can tell whether the site tried at all."""

import socket
import threading


class BrokenServer:
    """Listens on a free local port. `hang=True`: accepts connections and reads what it is sent
    but never answers (a Redis that hangs); otherwise closes each connection at once (a Redis
    going down)."""

    def __init__(self, *, hang: bool):
        self.hang = hang
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.connections = 0
        self.received = 0
        self._open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if not self.hang:
                conn.close()
                continue
            self._open.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += 1

    def close(self):
        self.listener.close()
        for conn in self._open:
            conn.close()
