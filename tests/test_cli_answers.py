"""What the command line answers when there is nothing to give: an empty export, a filed digest longer than the
log, a demo summary of a store the demo never seeded. Each says so plainly instead of a false result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import run, seed_demo


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('answers') / 'demo.sqlite3'}"
    return url, seed_demo(url, 4)


def test_a_ledger_export_of_a_month_without_records_writes_no_file(
    demo_store: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, summary = demo_store
    empty = tmp_path / "2021-03.xlsx"
    result = run(url, ["export", "ledger", "--school", "CG01", "--month", "2021-03", "-o", str(empty)])
    assert result.returncode == 1 and not empty.exists()
    month = summary["example_meal"]["date"][:7]
    assert "没有出入库记录" in result.stderr and "no movements in 2021-03" in result.stderr
    assert "months with records: " in result.stderr and f"to {month}" in result.stderr  # where to look instead

    full = tmp_path / f"{month}.xlsx"
    written = run(url, ["export", "ledger", "--school", "CG01", "--month", month, "-o", str(full)])
    assert written.returncode == 0 and full.read_bytes().startswith(b"PK")


def test_a_trace_export_with_nothing_in_it_writes_no_file(
    demo_store: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, summary = demo_store
    output = tmp_path / "incident.xlsx"
    the_first_lunch = ["--school", "CG01", "--date", "2021-03-02", "--meal", "lunch"]
    nothing = run(url, ["export", "trace", "backward", *the_first_lunch, "-o", str(output)])
    assert nothing.returncode == 1 and not output.exists()
    assert "没有出库或留样记录" in nothing.stderr and "nothing was issued or sampled" in nothing.stderr
    forward = run(url, ["export", "trace", "forward", "--supplier", "SUP-HX", "--to", "2021-03-02", "-o", str(output)])
    assert forward.returncode == 1 and not output.exists() and "no batch matches" in forward.stderr

    meal = summary["example_meal"]
    its_meal = ["--school", meal["school"], "--date", meal["date"], "--meal", meal["meal"]]
    lunch = run(url, ["export", "trace", "backward", *its_meal, "--format", "csv", "-o", str(output)])
    assert lunch.returncode == 0 and summary["example_batch"] in output.read_text(encoding="utf-8-sig")


def test_verify_with_more_events_than_the_log_holds_is_not_a_tamper_alarm(
    demo_store: tuple[str, dict[str, Any]],
) -> None:
    url, _ = demo_store
    filed = json.loads(run(url, ["digest"]).stdout)
    result = run(url, ["verify", "--events", "99999", "--digest", filed["digest"]])
    assert result.returncode == 2
    assert f"the log holds only {filed['events']} events" in result.stderr
    assert f"日志只有 {filed['events']} 个事件" in result.stderr
    assert "MISMATCH" not in result.stderr and "history was changed" not in result.stderr
    assert run(url, ["verify", "--events", str(filed["events"]), "--digest", filed["digest"]]).returncode == 0


def test_the_demo_summary_is_kept_per_store(demo_store: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    url, summary = demo_store
    assert run(url, ["demo", "--summary", "example_batch"]).stdout.strip() == summary["example_batch"]
    assert run(url, ["demo", "--summary", "example_meal.date"]).stdout.strip() == summary["example_meal"]["date"]
    assert json.loads(run(url, ["demo", "--summary"]).stdout) == summary
    missing = run(url, ["demo", "--summary", "newcomer.nothing"])
    assert missing.returncode == 2 and "has no newcomer.nothing" in missing.stderr

    other = run(f"sqlite:///{tmp_path / 'other.sqlite3'}", ["demo", "--summary"])
    assert other.returncode == 2 and "not seeded by `foodtrace demo`" in other.stderr
    again = run(url, ["demo", "--if-empty"])
    assert again.returncode == 0 and "foodtrace demo --summary" in again.stderr
