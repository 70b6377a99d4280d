"""The investigators' commands, through the same parser and dispatch that ``foodtrace`` wires in."""

from __future__ import annotations

import argparse
import json
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from api.cli.investigate import COMMANDS, dispatch, register
from api.settings import Settings
from tests.county import DAY, County, at


def foodtrace(database_url: str, command: str) -> int:
    """``command`` as typed after ``foodtrace``, run in this process against the given store."""
    parser = argparse.ArgumentParser(prog="foodtrace")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(shlex.split(command))
    assert args.command in COMMANDS
    return dispatch(Settings(database_url=database_url), args)


@pytest.fixture
def lunch(county: County) -> str:
    code = county.ready_to_issue()
    county.issue(code, "5")
    return code


def test_trace_backward_prints_the_meals_batches_as_json(
    lunch: str, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert foodtrace(database_url, "trace backward --school CG01 --date 2026-03-02 --meal lunch --json") == 0
    trace = json.loads(capsys.readouterr().out)
    assert [b["code"] for b in trace["batches"]] == [lunch]


def test_trace_forward_by_lot_prints_where_it_went(
    lunch: str, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert foodtrace(database_url, "trace forward --lot HX260301-2") == 0
    assert f"{lunch}  CG01  猪肉（前腿）  批号 HX260301-2  SUP-HX  20 kg  → 2026-03-02 午餐" in capsys.readouterr().out


def test_trace_forward_combines_a_lot_with_its_supplier_and_product(
    county: County, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pork = county.receive()
    other_supplier = county.receive(supplier="SUP-LY", product="青菜", category="plant", gtin=None,
                                    place="蔬菜库（绿）", at=at(hour=7, minute=50))  # same lot number  # fmt: skip

    assert foodtrace(database_url, "trace forward --lot HX260301-2 --supplier SUP-HX --product 猪肉(前腿) --json") == 0

    found = [b["code"] for b in json.loads(capsys.readouterr().out)["batches"]]
    assert found == [pork] and other_supplier not in found


def test_projections_status_and_rebuild(lunch: str, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert foodtrace(database_url, "projections rebuild trace") == 0
    rebuilt = json.loads(capsys.readouterr().out)
    assert foodtrace(database_url, "projections status") == 0
    status = capsys.readouterr().out.splitlines()
    assert rebuilt["name"] == "trace" and rebuilt["notifications"] > 0
    assert status[0].startswith("warehouse") and not status[0].endswith(" 0")  # rebuilt only the trace
    assert status[1].startswith("trace") and status[1].endswith("lag        0")


def test_batch_as_of_shows_the_stock_before_the_issue(
    lunch: str, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert foodtrace(database_url, f"batch {lunch} --as-of {at(hour=9).isoformat()} --json") == 0
    before = json.loads(capsys.readouterr().out)
    assert foodtrace(database_url, f"batch {lunch} --as-of {at(hour=11).isoformat()} --json") == 0
    after = json.loads(capsys.readouterr().out)
    assert (before["on_hand"], after["on_hand"]) == ("20", "15")
    assert [m["kind"] for m in after["movements"]] == ["issue"]
    assert len(after["certificates"]) == 4


def test_exports_write_the_files(lunch: str, database_url: str, tmp_path: Path) -> None:
    trace, ledger = tmp_path / "trace.xlsx", tmp_path / "ledger.xlsx"
    assert foodtrace(database_url, f"export trace forward --lot HX260301-2 -o {trace}") == 0
    assert foodtrace(database_url, f"export ledger --school CG01 --month 2026-03 -o {ledger}") == 0
    lunch_csv = f"--school CG01 --date {DAY.isoformat()} --meal lunch --format csv -o {tmp_path / 't.csv'}"
    assert foodtrace(database_url, f"export trace backward {lunch_csv}") == 0

    assert load_workbook(trace).active.max_row == 7  # header, receipt, four certificates, issue
    assert load_workbook(ledger).active.max_row == 5  # title, school, header, in, out
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_an_unknown_view_is_an_error_message(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert foodtrace(database_url, "projections rebuild stock") == 2
    assert "no view named 'stock'" in capsys.readouterr().err


def test_batch_as_of_a_day_past_its_use_by_date_says_expired(
    lunch: str, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Received on DAY with use-by DAY + 3: usable on that day, expired the day after.
    assert foodtrace(database_url, f"batch {lunch} --as-of {at(DAY + timedelta(days=3), 20).isoformat()}") == 0
    assert "已过期" not in capsys.readouterr().out
    assert foodtrace(database_url, f"batch {lunch} --as-of {at(DAY + timedelta(days=4), 8).isoformat()}") == 0
    assert "已过期（保质期至 2026-03-05）" in capsys.readouterr().out
