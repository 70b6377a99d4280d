"""Fail fast when PostgreSQL is away, and recover by itself when it returns.

Out of the box the eventsourcing library retries a failed statement 10 times, each time waiting up to 30 s for a
pooled connection: with the database server stopped, every request hung for minutes. Here each datastore asks,
when a statement fails or no pooled connection is ready (and none did its work within the last second), whether
the server answers a fresh connection at all.
If not, it raises ``DatabaseUnavailable`` (not one of the errors the library retries), which the API answers with
503 at once. While the server is known to be away, each use asks again at most once a second, so the first
request after the server returns goes through: nothing needs restarting.

A server that is down answers "connection refused" at once; one cut off by the network takes up to
``PROBE_SECONDS`` (libpq's minimum connect timeout is 2 s) before it counts as away.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing import postgres
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.utils import Environment, EnvType
from psycopg_pool import PoolTimeout

PROBE_SECONDS = 2  # connect timeout of a probe
RECHECK_SECONDS = 1.0  # while away, how often a request may ask again
POOL_WAIT_SECONDS = "5"  # how long a request waits for a pooled connection while the server is up but busy
RECONNECT_SECONDS = 2.0  # the pool stops backing off after this, so it reconnects on demand once the server is back
FAIL_FAST_POSTGRES = "api.database:FailFastPostgresFactory"  # the PERSISTENCE_MODULE setting that selects it


class DatabaseUnavailable(Exception):
    """The database server does not answer now; the same request may be sent again shortly."""


class Reachability:
    """Whether one database server answers, asked by opening a fresh connection; shared by its datastores."""

    def __init__(self, conninfo: dict[str, Any]) -> None:
        self._conninfo = conninfo
        self._lock = threading.Lock()
        self._answered = True
        self._asked_at = float("-inf")
        self._used_at = float("-inf")  # when a pooled connection last did its work

    @property
    def known_away(self) -> bool:
        return not self._answered

    def used(self) -> None:
        """A statement went through: the server answers (no lock; a lost update only means one probe more)."""
        self._used_at = time.monotonic()

    def used_lately(self) -> bool:
        return time.monotonic() - self._used_at < RECHECK_SECONDS

    def answers(self, max_age: float) -> bool:
        """Ask the server, unless another thread got an answer within ``max_age`` seconds (one asks at a time)."""
        with self._lock:
            if time.monotonic() - self._asked_at >= max_age:
                self._answered = self._probe()
                self._asked_at = time.monotonic()
            return self._answered

    def _probe(self) -> bool:
        try:
            psycopg.connect(**self._conninfo, connect_timeout=PROBE_SECONDS, autocommit=True).close()
        except psycopg.Error:
            return False
        return True


_servers: dict[tuple[str, str, str], Reachability] = {}
_servers_lock = threading.Lock()


def reachability_of(conninfo: dict[str, Any]) -> Reachability:
    """One Reachability per server and database, so the ledger and the views learn of an outage together."""
    key = (str(conninfo["host"]), str(conninfo["port"]), str(conninfo["dbname"]))
    with _servers_lock:
        return _servers.setdefault(key, Reachability(conninfo))


class FailFastDatastore(postgres.PostgresDatastore):
    reachability: Reachability

    @contextmanager
    def get_connection(self) -> Iterator[Any]:
        reachability = self.reachability
        # No pooled connection ready: the server may be away, unless a connection did its work within the last
        # second. Under load every connection is often busy, and a probe each second (a fresh connection, under
        # the lock every such request then waited on) held requests up for tens of milliseconds.
        if reachability.known_away or (not reachability.used_lately() and self._no_connection_ready()):
            self._unless_server_answers(max_age=RECHECK_SECONDS)
        try:
            with super().get_connection() as connection:
                yield connection
        except (OperationalError, InterfaceError) as error:
            if isinstance(error.__cause__, PoolTimeout):
                raise DatabaseUnavailable("no database connection became free in time") from error
            self._unless_server_answers(max_age=0.25, error=error)  # a statement failed: is the server there?
            raise
        reachability.used()

    def _no_connection_ready(self) -> bool:
        return bool(self.pool.get_stats().get("pool_available", 0) == 0)

    def _unless_server_answers(self, max_age: float, error: Exception | None = None) -> None:
        if not self.reachability.answers(max_age):
            raise DatabaseUnavailable("the database server does not answer") from error


class FailFastPostgresFactory(postgres.PostgresFactory):
    """The library's PostgreSQL factory with a datastore that fails fast (``PERSISTENCE_MODULE`` names this class)."""

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        datastore = self.datastore
        datastore.__class__ = FailFastDatastore  # same state, one method more; the library builds it inline
        assert isinstance(datastore, FailFastDatastore)
        conninfo = datastore.pool.kwargs
        assert isinstance(conninfo, dict)
        datastore.reachability = reachability_of(conninfo)
        datastore.pool.reconnect_timeout = RECONNECT_SECONDS
