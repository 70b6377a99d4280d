"""No call passes more than five arguments by position: past five, a swap (production_date for use_by_date) passes
every type check, so the rest are named. And no ``# fmt: skip`` is left to keep such a call on a few lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["domain", "projections", "api", "labels", "bench", "tests"]
MOST_POSITIONAL = 5


def positional(call: ast.Call) -> int:
    """Arguments given by position; ``*args`` passes a sequence, not values written out: it is not counted."""
    return sum(1 for argument in call.args if not isinstance(argument, ast.Starred))


def long_calls() -> list[tuple[Path, ast.Call]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found += [(path, n) for n in ast.walk(tree) if isinstance(n, ast.Call) and positional(n) > MOST_POSITIONAL]
    return found


def where(path: Path, call: ast.Call) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()[call.lineno - 1 : call.end_lineno]
    kept = " kept by fmt: skip" if any("fmt: skip" in line for line in lines) else ""
    return f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call.func)}(…) {positional(call)} by position{kept}"


def test_no_call_passes_more_than_five_arguments_by_position() -> None:
    assert [where(path, call) for path, call in long_calls()] == []
