"""A receiver a test starts on 127.0.0.1: it records what it is sent, can be told to fail, stopped and restarted.

``Receiver()`` listens on a free port (``url``); ``fail_next(n)`` answers the next n requests with 500; ``stop()``
then ``start()`` takes it down (connections refused) and up again on the same port. ``until(condition, step)``
waits for a state with a bounded deadline, running ``step`` (e.g. an outbox's ``run_once``) between looks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self, check: Callable[[Received], bool] | None = None) -> None:
        self.check = check  # a request it refuses (a bad signature) answers 400 and is not accepted
        self.accepted: list[Received] = []  # answered 2xx, in order
        self.refused: list[Received] = []  # answered 400 or 500
        self._failures = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()

    @property
    def url(self) -> str:
        return self.url_for("hooks")

    def url_for(self, name: str) -> str:
        """An address of its own for one subscriber: what it is sent there has the path ``/name``."""
        return f"http://127.0.0.1:{self.port}/{name}"

    def sent_to(self, name: str) -> list[Received]:
        with self._lock:
            return [r for r in self.accepted if r.path == f"/{name}"]

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver._answer(self, Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _answer(self, handler: BaseHTTPRequestHandler, received: Received) -> None:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                status = 500
            elif self.check is not None and not self.check(received):
                status = 400
            else:
                status = 204
            (self.accepted if status == 204 else self.refused).append(received)
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def until(condition: Callable[[], bool], step: Callable[[], object] = lambda: None, timeout: float = 20.0) -> None:
    """Wait for a state, not a time: run ``step`` and look again until ``condition`` holds, failing at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s")
        step()
        time.sleep(0.02)
