"""The foodtrace command as a person runs it: seed a demo county, replay a batch, serve the app."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

FOODTRACE = str(Path(sys.executable).with_name("foodtrace"))


def run(database_url: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """``foodtrace`` with ``argv`` as its arguments, against the given store."""
    env = {**os.environ, "FOODTRACE_DATABASE_URL": database_url}
    return subprocess.run([FOODTRACE, *argv], env=env, capture_output=True, text=True, timeout=300)


def seed_demo(database_url: str, days: int) -> dict[str, Any]:
    """``foodtrace demo`` over ``days`` days into the store, which must succeed; its summary."""
    seeded = run(database_url, ["demo", "--days", str(days)])
    assert seeded.returncode == 0, seeded.stderr
    summary: dict[str, Any] = json.loads(seeded.stdout)
    return summary


def test_demo_seeds_a_county_and_history_replays_a_batch(database_url: str) -> None:
    summary = seed_demo(database_url, 8)
    assert summary["schools"] == 3 and summary["suppliers"] == 5
    assert summary["batches"] > 20 and summary["certificates"] > summary["batches"]
    assert summary["issues"] > 0 and summary["samples"] > 0
    assert summary["on_hold"] == 1 and summary["refused_deliveries"] == 1
    assert summary["events"] > summary["batches"] * 4

    table = run(database_url, ["history", summary["held_batch"]])
    assert table.returncode == 0, table.stderr
    assert "入库验收" in table.stdout and "封存" in table.stdout

    replay = run(database_url, ["history", summary["example_batch"].lower().replace("-", ""), "--json"])
    events = json.loads(replay.stdout)
    assert events[0]["what"] == "Received" and events[0]["by"]["role"] == "storekeeper"
    assert [e["version"] for e in events] == list(range(1, len(events) + 1))
    assert any(e["what"] == "IssuedToKitchen" for e in events)

    status = run(database_url, ["projections", "status"])
    assert status.returncode == 0 and "warehouse" in status.stdout and "trace" in status.stdout
    traced = run(database_url, ["trace", "forward", "--supplier", "SUP-HX", "--json"])
    assert traced.returncode == 0 and json.loads(traced.stdout)["batches"]

    again = run(database_url, ["demo", "--if-empty"])
    assert again.returncode == 0 and again.stdout == ""
    assert "already holds records" in again.stderr


def test_history_of_a_mistyped_code_says_what_is_wrong(database_url: str) -> None:
    result = run(database_url, ["history", "7KQ2-M9XH5"])
    assert result.returncode == 2
    assert "check character" in result.stderr and "批次码" in result.stderr


def test_where_says_which_store_is_used(tmp_path: Path) -> None:
    result = run(f"sqlite:///{tmp_path / 'x.sqlite3'}", ["where"])
    assert result.stdout.strip() == f"sqlite:///{tmp_path / 'x.sqlite3'}"


def test_serve_answers_health_over_http(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FOODTRACE_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    server = subprocess.Popen([FOODTRACE, "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_filed_digest_verifies_until_history_is_rewritten(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    assert run(url, ["demo", "--days", "3"]).returncode == 0
    filed = json.loads(run(url, ["digest"]).stdout)
    assert filed["events"] > 0 and len(filed["digest"]) == 64
    later = run(url, ["token", "create", "--person", "inv-1", "--role", "investigator"])  # more records later
    assert later.returncode == 0
    ok = run(url, ["verify", "--events", str(filed["events"]), "--digest", filed["digest"]])
    assert ok.returncode == 0 and ok.stdout.startswith("ok")
    import sqlite3

    with sqlite3.connect(tmp_path / "audit.sqlite3") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 5")
    broken = run(url, ["verify", "--events", str(filed["events"]), "--digest", filed["digest"]])
    assert broken.returncode == 1 and "MISMATCH" in broken.stderr
