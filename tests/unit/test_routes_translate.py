"""Routes only translate HTTP into a command or a query: they run no SQL, reach into no store, and name callers
only through api/auth.py, whose table the access test checks."""

from __future__ import annotations

import re
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"
ROUTES = [*sorted((API / "routes").glob("*.py")), API / "pages" / "views.py"]


def offending(pattern: str, files: list[Path]) -> list[str]:
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(API.parent)}:{number}: {line.strip()}")
    return found


def test_no_route_reads_app_state_runs_sql_or_replays_from_the_repository() -> None:
    assert not offending(r"app\.state|\bSELECT\b|\.select\(|\.repository\b|\.recorder\b", ROUTES)


def test_callers_are_named_in_one_place() -> None:
    outside_auth = [p for p in sorted(API.rglob("*.py")) if p != API / "auth.py"]
    assert not offending(r"\bAllow\(", outside_auth)
