"""The real server for fault tests: uvicorn on a free 127.0.0.1 port, in a thread or as a process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import uvicorn
from fastapi import FastAPI

T = TypeVar("T")
FOODTRACE = str(Path(sys.executable).with_name("foodtrace"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(state: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    """Poll until ``state()`` gives something truthy; the timeout only guards a broken run."""
    deadline = time.monotonic() + timeout
    while True:
        value = state()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def answers(base: str) -> bool:
    try:
        httpx.get(f"{base}/health/live", timeout=2)
    except httpx.TransportError:
        return False
    return True


@contextmanager
def server_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` in this process (so a test may look at ``app.state``); yields the base address."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2)
    )
    thread = threading.Thread(target=server.run, name="foodtrace-test-server", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), "the server to start")
        assert thread.is_alive(), "the server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def server_process(database_url: str, data: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``foodtrace serve`` as its own process, as in production; killed at the end whatever happened."""
    env = {**os.environ, "FOODTRACE_DATABASE_URL": database_url, "FOODTRACE_DOCUMENTS": str(data / "documents")}
    log = open(data / f"server-{port}.log", "ab")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen([FOODTRACE, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    try:
        wait_for(lambda: process.poll() is not None or answers(f"http://127.0.0.1:{port}"), "the server to start")
        assert process.poll() is None, (data / f"server-{port}.log").read_text()
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()
