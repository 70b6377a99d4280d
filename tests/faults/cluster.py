"""A throwaway PostgreSQL cluster that a fault test may stop and start: never the shared one on 5432.

The cluster lives in a temporary folder, listens on 127.0.0.1 at a free port of 54340–54349, and is stopped and
removed when the ``with`` block ends, whatever happened inside it. Parallel test workers (pytest-xdist) start
their search at different ports, and a port taken between the probe and the start is passed over for the next.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

BIN = Path(os.environ.get("FOODTRACE_PG_BIN", "/usr/lib/postgresql/15/bin"))
PORTS = range(54340, 54350)


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/foodtrace"

    def start(self) -> None:
        self._pg_ctl(["start", "-w", "-t", "60", "-l", str(self.log), "-o", f"-p {self.port}"])

    def stop(self, mode: str = "fast") -> None:
        """Stop now: open sessions are cut, as when the database server goes away."""
        self._pg_ctl(["stop", "-w", "-t", "60", "-m", mode])

    def _pg_ctl(self, args: list[str]) -> None:
        _as_postgres(BIN / "pg_ctl", ["-D", str(self.folder / "data"), *args])


def _as_postgres(program: Path, args: list[str]) -> None:
    """PostgreSQL refuses to run as root: its tools run as the postgres user when we are root."""
    command = [str(program), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _candidate_ports() -> Iterator[int]:
    """The free ports of PORTS, from this worker's own starting point (gw0, gw1, … spread over the range)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = (int(worker) * 3 if worker.isdigit() else 0) % len(PORTS)
    for port in [*PORTS[start:], *PORTS[:start]]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        yield port


def _start_on_a_free_port(cluster: Cluster) -> None:
    """Start on the first port that is still free when the server binds it (another process may win the race)."""
    for port in _candidate_ports():
        cluster.port = port
        logged = cluster.log.stat().st_size if cluster.log.exists() else 0
        try:
            cluster.start()
        except subprocess.CalledProcessError:
            with open(cluster.log, errors="replace") as log:
                log.seek(logged)
                if "could not bind" in log.read():
                    continue
            raise
        return
    pytest.skip("no free port in 54340–54349 for a throwaway PostgreSQL cluster")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A running cluster with an empty database ``foodtrace``; stopped and deleted afterwards."""
    if not (BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {BIN}")
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="foodtrace-cluster-")), 0)
    try:
        if os.geteuid() == 0:
            shutil.chown(cluster.folder, "postgres", "postgres")
        _as_postgres(BIN / "initdb", ["-D", str(cluster.folder / "data"), "-U", "postgres", "-A", "trust", "--no-sync"])
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{cluster.folder}'",
            "fsync = off",  # a test cluster: speed over durability of the machine's crash
            "max_connections = 60",
        ]
        with open(cluster.folder / "data" / "postgresql.conf", "a") as conf:
            conf.write("\n".join(settings) + "\n")
        _start_on_a_free_port(cluster)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE foodtrace")
        yield cluster
    finally:
        with suppress(subprocess.SubprocessError, OSError):
            cluster.stop(mode="immediate")
        shutil.rmtree(cluster.folder, ignore_errors=True)
