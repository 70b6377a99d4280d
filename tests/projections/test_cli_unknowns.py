"""The investigators' commands say clearly what they do not know, and exit non-zero (a typo is not "nothing found");
what they do answer names the log position it reflects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from domain.codes import new_batch_code
from tests.county import County

NOWHERE = new_batch_code()  # a well-formed code no batch has


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["trace", "backward", "--school", "CG99", "--date", "2026-03-02", "--meal", "lunch"], "school CG99"),
        (["trace", "forward", "--supplier", "SUP-XX"], "supplier SUP-XX"),
        (["trace", "forward", "--lot", "HX269999-9"], "lot HX269999-9"),
        (["batch", NOWHERE, "--as-of", "2026-03-02T12:00+08:00"], NOWHERE),
    ],
    ids=["school", "supplier", "lot", "batch"],  # NOWHERE is new each run: parallel workers must agree on names
)
def test_an_unknown_school_supplier_lot_or_batch_is_a_clear_error(
    county: County, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], says: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert says in error and ("未登记" in error or "没有" in error or "不存在" in error)


def test_exporting_an_unknown_schools_ledger_writes_nothing(
    county: County, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    book = tmp_path / "ledger.xlsx"
    assert main(["export", "ledger", "--school", "CG99", "--month", "2026-03", "-o", str(book)]) == 2
    assert "school CG99 is not registered" in capsys.readouterr().err and not book.exists()


def test_a_cli_trace_says_the_log_position_it_reflects(
    county: County, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FOODTRACE_DATABASE_URL", database_url)
    head = county.ledger.recorder.max_notification_id()
    assert main(["trace", "backward", "--school", "CG01", "--date", "2026-03-02", "--meal", "lunch", "--json"]) == 0
    freshness = json.loads(capsys.readouterr().out)["freshness"]
    assert freshness["position"] == freshness["head"] == head and freshness["lag"] == 0
