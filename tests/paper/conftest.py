"""The demo county's full month (November 2026, CG01 as in the issue), seeded once per test session in SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from api.cli.demo import seed_demo
from api.settings import Settings, eventsourcing_env
from domain.ledger import Ledger
from projections.service import Projections
from tests.paper.office import Office, tools_or_skip

MONTH = "2026-11"
SEEDED_ON = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))  # 60 days: October and all of November


@dataclass
class DemoMonth:
    url: str
    ledger: Ledger
    views: Projections
    summary: dict[str, Any]


@pytest.fixture(scope="session")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoMonth]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ledger.sqlite3'}"
    ledger = Ledger(env=eventsourcing_env(url))
    ledger.clock = lambda: SEEDED_ON
    summary = seed_demo(ledger, days=60)
    views = Projections(eventsourcing_env(url), Settings(database_url=url).profile())
    views.catch_up()
    yield DemoMonth(url, ledger, views, summary)
    views.close()
    ledger.close()


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    tools_or_skip("soffice", "pdfinfo", "pdftotext")
    return Office(tmp_path_factory.mktemp("libreoffice-profile"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
