"""The real app over a real store, with the test county and one token per kind of caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.tokens import Credentials
from domain.ledger import Ledger
from domain.registry import RegisterStaff
from domain.values import Principal
from tests.county import ADMIN, DAY, LI, WANG, XH_STOREKEEPER, ZHANG, County, at


@dataclass
class Api:
    client: TestClient
    ledger: Ledger
    county: County
    tokens: dict[str, str]
    documents: Path

    def catch_up(self) -> None:
        self.client.app.state.projections.catch_up()  # type: ignore[attr-defined]

    def set_clock(self, hour: int, minute: int = 0) -> None:
        """The API records the time of day: move it on, as the school day goes."""
        self.ledger.clock = lambda: at(DAY, hour, minute)

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def get(self, who: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=self.headers(who), **kwargs)  # type: ignore[arg-type]

    def post(self, who: str, path: str, json: object = None, key: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = self.headers(who, **({"Idempotency-Key": key} if key else {}))
        return self.client.post(path, json=json, headers=headers, **kwargs)  # type: ignore[arg-type]


LI_PIN = "1357"

# Who calls: name → (person, role, scope)
CALLERS = {
    "admin": (ADMIN.person_id, "admin", None),
    "investigator": ("inv-chen", "investigator", None),
    "logistics": ("county-logistics", "logistics", None),
    "storekeeper": (WANG.person_id, "storekeeper", "CG01"),
    "co_signer": (LI, "storekeeper", "CG01"),
    "kitchen": (ZHANG, "kitchen", "CG01"),
    "principal": ("CG01-principal", "principal", "CG01"),
    "supplier": ("SUP-HX", "supplier", "SUP-HX"),
    "other_supplier": ("SUP-LY", "supplier", "SUP-LY"),
    "other_school": (XH_STOREKEEPER, "storekeeper", "XH01"),
}


@pytest.fixture
def api(ledger: Ledger, tmp_path: Path) -> Iterator[Api]:
    # Views are brought up to date by the tests themselves (api.catch_up()), so every read is deterministic.
    with open_api(ledger, tmp_path, follow_projections=False) as opened:
        yield opened


@contextmanager
def open_api(
    ledger: Ledger,
    tmp_path: Path,
    follow_projections: bool,
    read_wait_seconds: float = 5.0,
    epcis_mapping: Path | None = None,
    **options: Any,
) -> Iterator[Api]:
    """The app over the test county; ``follow_projections``: the views follow the log in a thread, as served.

    ``options``: more of the app's Settings (e.g. ``send_webhooks=True``).
    """
    county = County.set_up(ledger)
    ledger.clock = lambda: at(DAY, 9)  # the API records "now": make now a school day of the test county
    ledger.execute(
        RegisterStaff(person_id="CG01-principal", name="陈校长", school="CG01", roles=["principal"]),
        by=ADMIN,
        at=at(DAY, 6),
    )
    credentials = Credentials(ledger)
    tokens = {
        name: credentials.create_token(person, role, scope, name, ADMIN)[0]
        for name, (person, role, scope) in CALLERS.items()
    }
    credentials.set_pin(ZHANG, "2468", by=Principal(ADMIN.person_id, "admin"))
    credentials.set_pin(LI, LI_PIN, by=Principal(ADMIN.person_id, "admin"))  # co-signs intakes on 王's phone
    documents = tmp_path / "documents"
    settings = Settings(
        database_url="unused://",
        documents_dir=documents,
        follow_projections=follow_projections,
        read_wait_seconds=read_wait_seconds,
        epcis_mapping=epcis_mapping,
        **options,
    )
    with TestClient(create_app(settings, ledger=ledger)) as client:
        yield Api(client, ledger, county, tokens, documents)
