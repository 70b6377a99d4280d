"""The demo county's full month (November 2026, CG01 as in the issue), seeded once per test session in SQLite.

The tests of this folder share one xdist group, so the month is seeded once (seconds on a busy machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli.demo import seed_demo
from api.settings import Settings, eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from domain.values import Principal
from projections.service import Projections
from tests.paper.office import Office, tools_or_skip

MONTH = "2026-11"
SEEDED_ON = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMIN = Principal("county-admin", "admin")
DAYS = 33  # all of November, and two school days of October to carry over


@dataclass
class DemoMonth:
    url: str
    ledger: Ledger
    views: Projections
    summary: dict[str, Any]

    @contextmanager
    def served(self, folder: Path) -> Iterator[TestClient]:
        """The app over this month's store, its files and signing key in ``folder``."""
        settings = Settings(database_url=self.url, documents_dir=folder / "documents", signing_key=folder / "key.pem")
        with TestClient(create_app(settings, ledger=self.ledger)) as client:
            yield client

    def bearer(self, person: str, role: str, scope: str | None = None) -> dict[str, str]:
        token = Credentials(self.ledger).create_token(person, role, scope, f"{role} of the paper tests", ADMIN)[0]
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoMonth]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ledger.sqlite3'}"
    ledger = Ledger(env=eventsourcing_env(url))
    ledger.clock = lambda: SEEDED_ON
    summary = seed_demo(ledger, days=DAYS)
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
