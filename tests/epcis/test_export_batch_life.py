"""One batch's whole life as EPCIS 2.0, event by event, on both backends: what each ledger event becomes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from eventsourcing.domain import Aggregate

from api.epcis_schema import schema_error
from domain.batch import IngredientBatch
from domain.handoff import Inspect, Move, PutOnHold, Release, WriteOff
from projections.epcis import MAPPERS, SKIPPED, Naming, batch_epcis_events, document_uri, epcis_event_at, event_id
from projections.epcis_export import batches_document
from projections.service import Projections
from tests.county import LI, SHANGHAI, WANG, ZHANG, County, at, digest, send

BASE = "https://trace.county.example"


def lived(county: County) -> str:
    """Pork received, certified, inspected, held and released, moved, issued to lunch, partly returned (a return
    then corrected), and the rest written off."""
    code = county.ready_to_issue()
    send(
        county.ledger,
        Inspect,
        {"code": code, "stage": "issue", "passed": True, "notes": "", "by": WANG, "at": at(hour=8)},
    )
    send(county.ledger, PutOnHold, {"code": code, "reason": "供应商召回通知", "by": WANG, "at": at(hour=8, minute=10)})
    send(county.ledger, Release, {"code": code, "reason": "复检合格", "by": WANG, "at": at(hour=9)})
    send(county.ledger, Move, {"code": code, "place": "冷藏库（蓝）", "by": WANG, "at": at(hour=9, minute=10)})
    county.issue(code, "8")
    returned = county.return_to_store(code, "1", "剩余", at=at(hour=13))
    county.correct(code, returned["version"], "数量记错", at=at(hour=14))
    send(county.ledger, WriteOff, {"code": code, "reason": "变质", "witness": LI, "by": WANG, "at": at(hour=15)})
    return code


def test_a_batchs_life_maps_to_its_epcis_events(county: County, views: Projections) -> None:
    code = lived(county)
    views.catch_up()
    document = batches_document(views, BASE, [code])
    assert schema_error(document) is None, schema_error(document)
    found = document["epcisBody"]["eventList"]
    steps = [(e["type"], e.get("bizStep"), e.get("disposition")) for e in found]
    certificates = sum(1 for e in found if "certificationInfo" in e)
    assert steps == [
        ("ObjectEvent", "receiving", "in_progress"),
        *[("ObjectEvent", "inspecting", None)] * certificates,
        ("ObjectEvent", "inspecting", "conformant"),
        ("ObjectEvent", "holding", "non_sellable_other"),
        ("ObjectEvent", "storing", "active"),
        ("ObjectEvent", "storing", "active"),
        ("TransformationEvent", "dispensing", None),
        ("ObjectEvent", "receiving", "returned"),
        ("ObjectEvent", "destroying", "destroyed"),
    ]
    received, issued = found[0], found[-3]
    lot = "https://id.gs1.org/01/06901234567892/10/HX260301-2"
    assert received["quantityList"] == [{"epcClass": lot, "quantity": 20.0, "uom": "KGM"}]
    assert received["epcList"] == [f"{BASE}/b/{code}"]
    assert received["sourceList"] == [{"type": "owning_party", "source": f"{BASE}/epcis/supplier/SUP-HX"}]
    assert received["destinationList"] == [{"type": "owning_party", "destination": f"{BASE}/epcis/school/CG01"}]
    assert received["eventTime"] == "2026-03-02T07:30:00+08:00" and received["eventTimeZoneOffset"] == "+08:00"
    assert received["readPoint"]["id"] == f"{BASE}/epcis/school/CG01/place/{quote('冷冻库（红）')}"
    assert found[1]["certificationInfo"][0].startswith("ni:///sha-256;")
    assert issued["inputQuantityList"] == [{"epcClass": lot, "quantity": 8.0, "uom": "KGM"}]
    assert issued["outputEPCList"] == [f"{BASE}/epcis/meal/CG01/2026-03-02/lunch"]
    assert issued["readPoint"]["id"].endswith(f"/place/{quote('冷藏库（蓝）')}")
    assert issued["foodtrace:givenBy"] == WANG.person_id and issued["foodtrace:takenBy"] == ZHANG
    assert found[-2]["errorDeclaration"]["reason"] == "incorrect_data"
    assert found[-1]["quantityList"][0]["quantity"] == 12.0


def test_event_ids_are_stable_and_a_correction_is_the_voided_event_declared_in_error(county: County) -> None:
    code = lived(county)
    stream = list(county.ledger.events.get(county.ledger.batch(code).id))
    names = Naming(BASE, SHANGHAI)
    assert batch_epcis_events(stream, names) == batch_epcis_events(stream, names)
    assert batch_epcis_events(stream, names)[0]["eventID"] == event_id(stream[0].originator_id, 1)
    correction = next(i for i, e in enumerate(stream) if type(e).__name__ == "Corrected")
    before = epcis_event_at(stream[:correction], names)
    declared = epcis_event_at(stream[: correction + 1], names)
    assert before is not None and declared is not None
    assert declared["eventID"] == before["eventID"] and "errorDeclaration" not in before
    assert declared["errorDeclaration"]["declarationTime"].endswith("+08:00")


def test_a_certificate_is_named_by_its_files_digest() -> None:
    assert document_uri(digest("x")) == document_uri(digest("x")) != document_uri(digest("y"))
    assert document_uri("00" * 32) == "ni:///sha-256;AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def test_an_invalid_document_is_caught_by_the_schema(county: County, views: Projections) -> None:
    code = county.receive()
    views.catch_up()
    document: dict[str, Any] = batches_document(views, BASE, [code])
    document["epcisBody"]["eventList"][0]["quantityList"][0]["uom"] = "kg"
    assert schema_error(document) is not None
    document["epcisBody"]["eventList"][0]["quantityList"][0]["uom"] = "KGM"
    document["epcisBody"]["eventList"][0]["eventTime"] = "2026-03-02 07:30"
    assert schema_error(document) == ("$.epcisBody.eventList[0].eventTime", "'2026-03-02 07:30' is not a 'date-time'")


def test_event_time_is_when_it_happened_and_record_time_when_it_was_recorded(county: County) -> None:
    code = county.receive(at=at(hour=9), occurred_at=at(hour=6))  # delivered at 6, written up from the slip at 9
    stream = list(county.ledger.events.get(county.ledger.batch(code).id))
    [received] = batch_epcis_events(stream, Naming(BASE, SHANGHAI))
    assert (received["eventTime"], received["recordTime"]) == ("2026-03-02T06:00:00+08:00", "2026-03-02T09:00:00+08:00")


def test_every_batch_event_class_is_mapped_or_said_to_be_left_out() -> None:
    """A new batch event fails here until EPCIS says what it becomes."""
    events = [v for v in vars(IngredientBatch).values() if isinstance(v, type) and issubclass(v, Aggregate.Event)]
    classes = {event.__name__ for event in events} - {"Event", "Created"}  # the library's bases every aggregate gets
    assert classes == {"Received", "Corrected", *MAPPERS, *SKIPPED}
