"""The command line tells time on the county's clock (+08:00), readable and --json, whatever the shell's TZ, for a
batch recorded live (its events stored in UTC, as a server's clock gives them)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from tests.clock import COUNTY, live_clock, off_the_county_clock, times_in
from tests.county import DAY, County

FOODTRACE = str(Path(sys.executable).with_name("foodtrace"))


def foodtrace(database_url: str, argv: list[str]) -> str:
    """The command, in a shell whose zone is neither the county's nor UTC."""
    env = {**os.environ, "FOODTRACE_DATABASE_URL": database_url, "TZ": "America/New_York"}
    done = subprocess.run([FOODTRACE, *argv], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def recorded_live(database_url: str) -> str:
    """Pork received at 07:30 and issued at 10:00 on the county's clock, stored in UTC; certified at 07:40."""
    ledger = Ledger(env=eventsourcing_env(database_url))
    try:
        county = County.set_up(ledger)
        code = county.receive(at=live_clock(7, 30))
        county.certify(code)  # typed with the county's offset: the answers read the same either way
        county.issue(code, "5", at=live_clock(10))
        return code
    finally:
        ledger.close()


def test_history_and_the_batch_as_of_a_moment_read_on_the_county_clock(recorded_live: str, database_url: str) -> None:
    events = json.loads(foodtrace(database_url, ["history", recorded_live, "--json"]))
    assert events[0]["at"] == "2026-03-02T07:30:00+08:00" and events[-1]["at"] == "2026-03-02T10:00:00+08:00"
    assert off_the_county_clock(events) == [] and len(list(times_in(events))) >= 2 * len(events)

    table = foodtrace(database_url, ["history", recorded_live])
    assert "2026-03-02 07:30+08:00  入库验收" in table and "2026-03-02 10:00+08:00" in table

    # Asked in UTC: 04:00Z is noon in the county.
    state = json.loads(foodtrace(database_url, ["batch", recorded_live, "--as-of", "2026-03-02T04:00Z", "--json"]))
    assert state["as_of"] == "2026-03-02T12:00:00+08:00" and state["on_hand"] == "15"
    assert off_the_county_clock(state) == []
    readable = foodtrace(database_url, ["batch", recorded_live, "--as-of", "2026-03-01T23:00-05:00"])
    assert f"截至 2026-03-02T12:00:00{COUNTY}" in readable and f"2026-03-02T10:00:00{COUNTY}  出库 5 kg" in readable


def test_a_trace_and_its_export_read_on_the_county_clock(recorded_live: str, database_url: str, tmp_path: Path) -> None:
    meal = ["--school", "CG01", "--date", str(DAY), "--meal", "lunch"]
    trace = json.loads(foodtrace(database_url, ["trace", "backward", *meal, "--json"]))
    assert trace["batches"][0]["received_at"] == "2026-03-02T07:30:00+08:00"
    assert off_the_county_clock(trace) == []

    exported = tmp_path / "trace.csv"
    foodtrace(database_url, ["export", "trace", "backward", *meal, "--format", "csv", "-o", str(exported)])
    rows = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"))))
    assert rows[0][0] == "日期时间（+08:00）" and rows[1][:2] == ["2026-03-02 07:30:00", "入库验收"]

    tokens = foodtrace(database_url, ["token", "create", "--person", "inv-chen", "--role", "investigator"])
    assert tokens.startswith("ft_")
    listed = json.loads(foodtrace(database_url, ["token", "list"]))
    assert listed and off_the_county_clock(listed) == []
