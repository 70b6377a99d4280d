"""A real server on a free localhost port, for faults that only show with real concurrent HTTP requests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

T = TypeVar("T")


@contextmanager
def serving(app: FastAPI, access_log: bool = False) -> Iterator[str]:
    """Serve an app whose lifespan already ran (app.state is set up) on 127.0.0.1; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log_level = "info" if access_log else "warning"
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level=log_level, access_log=access_log))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not started.wait(0.01):  # wait for the state, not a time
        if server.started:
            started.set()
        if not thread.is_alive():
            raise RuntimeError("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def all_at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(i)`` for i in range(count) in as many threads, released together by a barrier."""
    barrier = threading.Barrier(count)

    def together(index: int) -> T:
        barrier.wait(timeout=30)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(together, range(count)))


def statuses(responses: list[Any]) -> list[int]:
    return sorted(r.status_code for r in responses)
