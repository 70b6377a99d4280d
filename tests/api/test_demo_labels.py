"""Every demo batch's label, at the smallest size, scans back to that batch's card and history."""

from __future__ import annotations

from io import BytesIO

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.cli.demo import seed_demo
from api.settings import Settings
from api.tokens import Credentials
from domain.batch import IngredientBatch
from domain.ledger import Ledger
from domain.values import Principal

ADMIN = Principal("county-admin", "admin")


def batch_codes(ledger: Ledger) -> list[str]:
    topic = f"{IngredientBatch.__module__}:IngredientBatch.Received"
    notifications = ledger.recorder.select_notifications(start=1, limit=1_000_000, topics=[topic])
    return [ledger.mapper.to_domain_event(n).code for n in notifications]  # type: ignore[attr-defined]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_demo_label_scans_back_to_its_batch(ledger: Ledger, tmp_path: object) -> None:
    summary = seed_demo(ledger, days=60)
    token = Credentials(ledger).create_token("inv-1", "investigator", None, "labels", ADMIN)[0]
    headers = {"Authorization": f"Bearer {token}"}
    settings = Settings(database_url="sqlite:///demo", resolver_base="https://trace.county.example")
    codes = batch_codes(ledger)
    assert len(codes) == summary["batches"]
    with TestClient(create_app(settings, ledger=ledger)) as client:
        for code in codes:
            label = client.get(f"/api/v1/batches/{code}/label", params={"size": "40x30", "dpi": 203}, headers=headers)
            found = zxingcpp.read_barcodes(Image.open(BytesIO(label.content)))
            assert len(found) == 1, code
            payload = found[0].text
            assert payload.startswith("https://trace.county.example/")
            card = client.get("/api/v1/scan", params={"payload": payload}, headers=headers)
            assert card.status_code == 200 and card.json()["code"] == code
            history = client.get(card.json()["history_url"], headers=headers).json()["items"]
            assert history[0]["what"] == "Received" and history[0]["details"]["code"] == code
            browser = client.get(payload.removeprefix("https://trace.county.example"), follow_redirects=False)
            assert browser.status_code == 303 and browser.headers["location"] == f"/app/batch/{code}"
