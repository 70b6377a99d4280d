"""Every export of a demo county validates against GS1's EPCIS 2.0 schema: its batches, lots, schools, an incident."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from api.cli.demo import seed_demo
from api.epcis_schema import schema_error
from api.settings import eventsourcing_env
from domain.ledger import Ledger
from projections.epcis_export import (
    batch_codes_of_incident,
    batch_codes_of_lot,
    batches_document,
    school_document,
)
from projections.service import Projections
from tests.api.test_demo_labels import batch_codes

BASE = "https://trace.county.example"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Projections, dict[str, Any]]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'ledger.sqlite3'}"
    ledger = Ledger(env=eventsourcing_env(url))
    summary = seed_demo(ledger, days=12)
    views = Projections(eventsourcing_env(url), ledger=ledger)
    views.catch_up()
    yield views, summary
    views.close()
    ledger.close()


def valid(document: dict[str, Any]) -> dict[str, Any]:
    assert schema_error(document) is None, schema_error(document)
    return document


def events(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["epcisBody"]["eventList"]
    return found


def test_every_demo_batch_exports_valid_epcis(demo: tuple[Projections, dict[str, Any]]) -> None:
    views, _ = demo
    codes = batch_codes(views.ledger)
    for code in codes:
        exported = events(valid(batches_document(views, BASE, [code])))
        assert exported[0]["bizStep"] == "receiving" and exported[0]["foodtrace:batch"] == code
    everything = events(valid(batches_document(views, BASE, codes)))
    steps = {e["bizStep"] for e in everything}
    assert {"receiving", "inspecting", "holding", "dispensing"} <= steps
    assert len({e["eventID"] for e in everything}) == len(everything)


def test_the_demos_lots_export_valid_epcis_with_digital_links(demo: tuple[Projections, dict[str, Any]]) -> None:
    views, summary = demo
    batch = views.ledger.batch(summary["example_batch"])
    with_gtin = next(c for c in batch_codes(views.ledger) if views.ledger.batch(c).gtin)
    for code in (batch.code, with_gtin):
        one = views.ledger.batch(code)
        codes = batch_codes_of_lot(views, one.supplier_id, one.product, one.supplier_lot)
        assert code in codes
        received = [e for e in events(valid(batches_document(views, BASE, codes))) if e["bizStep"] == "receiving"]
        classes = {q["epcClass"] for e in received for q in e["quantityList"]}
        assert len(classes) == 1
        if one.gtin:
            assert classes == {f"https://id.gs1.org/01/{one.gtin}/10/{one.lot}"}
        else:
            assert classes.pop().startswith(f"{BASE}/epcis/lot/{one.supplier_id}/")


def test_each_demo_school_exports_its_days(demo: tuple[Projections, dict[str, Any]]) -> None:
    views, summary = demo
    day = date.fromisoformat(summary["example_meal"]["date"])
    for school in ("CG01", "CG02", "XH01"):
        document = valid(school_document(views, BASE, school, date(2020, 1, 1), date(2030, 1, 1)))
        assert {e["bizLocation"]["id"] for e in events(document)} == {f"{BASE}/epcis/school/{school}"}
    one_day = events(valid(school_document(views, BASE, "CG01", day, day)))
    assert one_day and {e["eventTime"][:10] for e in one_day} == {day.isoformat()}


def test_an_incident_exports_its_meal_and_the_same_lots_elsewhere(demo: tuple[Projections, dict[str, Any]]) -> None:
    views, summary = demo
    meal = summary["example_meal"]
    codes = batch_codes_of_incident(views, meal["school"], date.fromisoformat(meal["date"]), meal["meal"])
    exported = events(valid(batches_document(views, BASE, codes)))
    meal_uri = f"{BASE}/epcis/meal/{meal['school']}/{meal['date']}/{meal['meal']}"
    into_meal = [e for e in exported if e["type"] == "TransformationEvent" and e["outputEPCList"] == [meal_uri]]
    assert into_meal and all(e["inputQuantityList"][0]["quantity"] > 0 for e in into_meal)
