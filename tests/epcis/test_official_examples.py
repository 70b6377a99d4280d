"""GS1's official examples that ship goods import as announcements, with the county's mapping for what it does not
know; each imported one, received, exports valid EPCIS again (the round trip)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.epcis_schema import epcis_folder, schema_error
from domain.gs1 import gtin_check_digit
from domain.ledger import Ledger
from projections.epcis_export import batches_document
from tests.api.conftest import Api, open_api
from tests.county import LI

EXAMPLES = epcis_folder() / "examples"
SGTIN_GTIN = "1061414107346" + gtin_check_digit("1061414107346")  # urn:epc:id:sgtin:0614141.107346.*
MAPPING = {
    # GS1's examples name GTINs and places the county does not know: a test supplier's catalogue maps them.
    "products": {
        SGTIN_GTIN: {"product": "纯牛奶", "category": "other", "unit": "box", "shelf_days": 21},
        "70614141123451": {"product": "纯牛奶（整箱）", "category": "other", "unit": "box", "shelf_days": 21},
    },
    "default_school": "CG01",  # the examples name no destination: they are delivered to the test school
}


def shipping_examples() -> list[Path]:
    def ships(path: Path) -> bool:
        body = json.loads(path.read_text())["epcisBody"]
        events = body.get("eventList") or body.get("queryResults", {}).get("resultsBody", {}).get("eventList", [])
        return any(e.get("type") == "ObjectEvent" and e.get("bizStep") == "shipping" for e in events)

    return sorted(p for p in EXAMPLES.glob("*.jsonld") if ships(p))


def moved_to_today(path: Path) -> dict[str, Any]:
    """As published, but shipped this morning: a delivery dated 2005 is outside the ledger's date window."""
    text = re.sub(r'"eventTime": ?"[^"]+"', '"eventTime": "2026-03-02T06:00:00+08:00"', path.read_text())
    text = re.sub(r'"eventTimeZoneOffset": ?"[^"]+"', '"eventTimeZoneOffset": "+08:00"', text)
    moved: dict[str, Any] = json.loads(text)
    return moved


@pytest.fixture
def mapped_api(ledger: Ledger, tmp_path: Path) -> Iterator[Api]:
    mapping = tmp_path / "epcis-mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False))
    with open_api(ledger, tmp_path, follow_projections=False, epcis_mapping=mapping) as opened:
        yield opened


def test_six_official_examples_ship_goods() -> None:
    assert len(shipping_examples()) == 6
    assert all(schema_error(json.loads(p.read_text())) is None for p in shipping_examples())


@pytest.mark.parametrize("example", [p.name for p in shipping_examples()])
def test_an_official_shipping_example_imports(mapped_api: Api, example: str) -> None:
    sent = moved_to_today(EXAMPLES / example)
    assert schema_error(sent) is None
    answers = mapped_api.post("supplier", "/api/v1/epcis/capture", json=sent).json()["events"]
    shipped = [a for a in answers if a["status"] == 201]
    others = [a for a in answers if a["status"] != 201]
    if "error-declaration" in example:  # declared in error: it withdraws the announcement it made, none here yet
        assert [(a["status"], a["code"]) for a in answers[:1]] == [(404, "not_found")]
        return
    assert len(shipped) == 1 and all(a["field"] == "type" for a in others)  # the receiving event is no shipment
    delivery = mapped_api.get("supplier", f"/api/v1/deliveries/{shipped[0]['announcement_id']}").json()
    assert (delivery["school"], delivery["unit"]) == ("CG01", "box")
    assert delivery["product"] == MAPPING["products"][delivery["gtin"]]["product"]  # type: ignore[index]
    assert delivery["quantity"] == "2" and delivery["supplier_lot"] == "2017-2018"
    receipt = {"place": "干货库", "co_signers": [LI], "sensory_ok": True}
    code = mapped_api.post("storekeeper", f"/api/v1/deliveries/{delivery['announcement_id']}/receive", json=receipt)
    assert code.status_code == 201, code.text
    mapped_api.catch_up()
    views = mapped_api.client.app.state.projections  # type: ignore[attr-defined]
    exported = batches_document(views, "https://ft.example.invalid", [code.json()["code"]])
    assert schema_error(exported) is None
    received = exported["epcisBody"]["eventList"][0]
    assert received["quantityList"][0]["epcClass"].startswith(f"https://id.gs1.org/01/{delivery['gtin']}/10/")


def test_an_example_as_published_is_refused_per_event_for_its_dates(mapped_api: Api) -> None:
    sent = json.loads((EXAMPLES / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    answers = mapped_api.post("supplier", "/api/v1/epcis/capture", json=sent).json()["events"]
    assert [a["status"] for a in answers] == [422, 422]
    assert answers[0]["field"] in ("production_date", "use_by_date", "expected_on")


def test_an_error_declaration_withdraws_what_the_event_announced(mapped_api: Api) -> None:
    shipped = moved_to_today(EXAMPLES / "Example_9.6.1-ObjectEvent.jsonld")
    shipped["epcisBody"]["eventList"] = shipped["epcisBody"]["eventList"][:1]
    [announced] = mapped_api.post("supplier", "/api/v1/epcis/capture", json=shipped).json()["events"]
    declared = json.loads(json.dumps(shipped))
    declared["epcisBody"]["eventList"][0]["errorDeclaration"] = {
        "declarationTime": "2026-03-02T07:00:00+08:00",
        "reason": "did_not_occur",
    }
    [withdrawn] = mapped_api.post("supplier", "/api/v1/epcis/capture", json=declared).json()["events"]
    assert withdrawn["status"] == 201 and withdrawn["announcement_id"] == announced["announcement_id"]
    status = mapped_api.get("supplier", f"/api/v1/deliveries/{announced['announcement_id']}").json()["status"]
    assert status == "withdrawn"
