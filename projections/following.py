"""A follower's loop: one round every so often, in a daemon thread (with the web server) or in this one (a `run`).

The projector (service.py) and the outbox (api/outbox.py) follow the log this way. A round that fails (the
database away, an event that cannot be read) is logged and tried again later: a follower never skips ahead.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Loop:
    def __init__(self, name: str, round: Callable[[], object]) -> None:
        self.name = name
        self.round = round
        self.wake = threading.Event()  # set: the next round starts now, not at the next interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, interval: float) -> None:
        """Run rounds in a daemon thread until ``stop()``."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, args=(interval,), name=self.name, daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stopping.is_set():
            try:
                self.round()
            except Exception:  # a failed round is rolled back: try it again
                log.exception("%s: round failed; retrying", self.name)
                self._stopping.wait(min(10 * interval, 5.0))
            self.wake.wait(interval)
            self.wake.clear()

    @property
    def running(self) -> bool:
        """Rounds run in this process's daemon thread now."""
        return self._thread is not None

    def stop(self) -> None:
        self._stopping.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def run_forever(self, interval: float) -> None:
        """Run rounds in this thread until Ctrl-C, or SIGTERM (which lets the round in hand finish)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self._stopping.set())
        self._stopping.clear()
        with contextlib.suppress(KeyboardInterrupt):
            self._run(interval)


class Follower:
    """What a class that follows the log with its ``_loop`` offers: ``start``, ``stop`` and ``run_forever``."""

    _loop: Loop

    def start(self, interval: float = 0.5) -> None:
        """Follow in a daemon thread until ``stop()`` (the web server)."""
        self._loop.start(interval)

    def stop(self) -> None:
        self._loop.stop()

    def run_forever(self, interval: float = 0.5) -> None:
        """Follow in this thread until Ctrl-C or SIGTERM (a `foodtrace … run` command)."""
        self._loop.run_forever(interval)
