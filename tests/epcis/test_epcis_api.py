"""GET /api/v1/epcis/events and POST /api/v1/epcis/capture through the real app, on both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from api.epcis_schema import schema_error
from domain.handoff import Move
from projections.epcis import CONTEXT
from tests.api.conftest import Api
from tests.county import DAY, LI, WANG, at

SCHOOL = "https://ft.example.invalid/epcis/school/CG01"
PORK_LOT = "https://id.gs1.org/01/06901234567892/10/HX260301-2"


def shipping(event_id: str, **changes: Any) -> dict[str, Any]:
    """恒鑫's ERP ships 20 kg of pork lot HX260301-2 to CG01, in the county's own vocabulary."""
    event: dict[str, Any] = {
        "eventID": event_id,
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "eventTime": "2026-03-02T06:00:00+08:00",
        "eventTimeZoneOffset": "+08:00",
        "quantityList": [{"epcClass": PORK_LOT, "quantity": 20, "uom": "KGM"}],
        "destinationList": [{"type": "owning_party", "destination": SCHOOL}],
        "bizTransactionList": [
            {"type": "inv", "bizTransaction": "urn:foodtrace:inv:FP20260302001"},
            {"type": "desadv", "bizTransaction": f"https://erp.hengxin.example/desadv/DN-{event_id[-4:]}"},
        ],
        "foodtrace:product": "猪肉（前腿）",  # an OBSERVE event has no ilmd: the lot's facts go beside its fields
        "foodtrace:category": "meat",
        "foodtrace:productionDate": "2026-03-01",
        "cbvmda:itemExpirationDate": "2026-03-05",
    }
    event.update(changes)
    return event


def document(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-02T06:01:00+08:00",
        "epcisBody": {"eventList": list(events)},
    }


def test_a_suppliers_shipping_events_become_announcements_the_storekeeper_receives(api: Api) -> None:
    sent = document(shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000001"))
    assert schema_error(sent) is None
    answer = api.post("supplier", "/api/v1/epcis/capture", json=sent)
    assert answer.status_code == 200, answer.text
    [event] = answer.json()["events"]
    assert event["status"] == 201 and event["event_id"].endswith("0001")
    announced = api.get("supplier", f"/api/v1/deliveries/{event['announcement_id']}").json()
    assert announced["school"] == "CG01" and announced["reference"] == "DN-0001"
    assert (announced["quantity"], announced["unit"], announced["gtin"]) == ("20", "kg", "06901234567892")
    assert (announced["supplier_lot"], announced["use_by_date"]) == ("HX260301-2", "2026-03-05")
    again = api.post("supplier", "/api/v1/epcis/capture", json=sent).json()["events"]
    assert again == [event]  # the eventID is the key: a retry announces nothing new
    assert len(api.get("supplier", "/api/v1/deliveries").json()["items"]) == 1
    receipt = {"place": "冷冻库（红）", "co_signers": [LI], "sensory_ok": True}
    received = api.post("storekeeper", f"/api/v1/deliveries/{event['announcement_id']}/receive", json=receipt)
    assert received.status_code == 201, received.text
    api.catch_up()
    found = api.get("storekeeper", "/api/v1/epcis/events", params={"MATCH_epcClass": PORK_LOT}).json()
    assert schema_error(found) is None
    [receiving] = found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert receiving["bizStep"] == "receiving" and receiving["quantityList"][0]["epcClass"] == PORK_LOT


def test_an_invalid_document_is_refused_whole_with_the_schemas_path(api: Api) -> None:
    broken = document(shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000002"), shipping("not a uri"))
    broken["epcisBody"]["eventList"][0]["eventTime"] = "2026-03-02 06:00"
    answer = api.post("supplier", "/api/v1/epcis/capture", json=broken)
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_epcis" and answer.json()["field"].startswith("$.epcisBody.eventList[")
    assert api.get("supplier", "/api/v1/deliveries").json()["items"] == []


def test_a_valid_document_is_answered_event_by_event(api: Api) -> None:
    elsewhere = [{"type": "owning_party", "destination": "https://other.county.example/school/9"}]
    sent = document(
        shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000003"),
        shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000004", destinationList=elsewhere),
        shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000005", bizStep="receiving"),
        shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000006", eventTime="2026-03-09T06:00:00+08:00"),
    )
    answers = api.post("supplier", "/api/v1/epcis/capture", json=sent).json()["events"]
    assert [(a["status"], a["field"]) for a in answers] == [
        (201, None),
        (422, "school"),
        (422, "type"),
        (422, "expected_on"),  # arrives after its use-by date: the rule POST /deliveries applies
    ]
    assert all(a["zh"] and a["en"] for a in answers[1:])


def test_a_supplier_captures_only_as_itself_and_an_admin_names_the_supplier(api: Api) -> None:
    sent = document(shipping("urn:uuid:5f0d7e52-2b1c-4b8e-9a41-000000000007"))
    assert api.post("admin", "/api/v1/epcis/capture", json=sent).status_code == 422
    answer = api.post("admin", "/api/v1/epcis/capture", json=sent, params={"supplier": "SUP-LY"})
    assert answer.json()["events"][0]["status"] == 201
    assert api.get("supplier", "/api/v1/deliveries").json()["items"] == []
    assert api.post("storekeeper", "/api/v1/epcis/capture", json=sent).status_code == 403


def events_of(api: Api, who: str, **params: str) -> list[dict[str, Any]]:
    answer = api.get(who, "/api/v1/epcis/events", params=params)
    assert answer.status_code == 200, answer.text
    assert schema_error(answer.json()) is None
    found: list[dict[str, Any]] = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return found


def test_the_query_is_scoped_to_the_callers_school_or_supplier(api: Api) -> None:
    code = api.county.ready_to_issue()
    api.county.issue(code, "5")
    api.catch_up()
    mine = events_of(api, "storekeeper")
    assert mine and {e["foodtrace:batch"] for e in mine} == {code}
    assert events_of(api, "investigator", MATCH_epc=code) == mine
    assert events_of(api, "investigator", MATCH_epc=code.replace("-", "").lower()) == mine  # as a person types it
    assert events_of(api, "supplier", MATCH_epc=f"https://ft.example.invalid/b/{code}") == mine
    assert events_of(api, "other_school", MATCH_epc=code) == []
    assert events_of(api, "other_school", EQ_bizLocation=SCHOOL) == []
    assert events_of(api, "other_supplier") == []
    assert api.get("investigator", "/api/v1/epcis/events").status_code == 422


def test_the_query_filters_by_step_and_time_and_pages(api: Api) -> None:
    code = api.county.ready_to_issue()
    api.county.issue(code, "5")
    api.catch_up()
    everything = events_of(api, "investigator", EQ_bizLocation="CG01")
    [issued] = events_of(api, "investigator", EQ_bizLocation="CG01", EQ_bizStep="dispensing")
    assert issued["type"] == "TransformationEvent"
    at_ten = events_of(api, "principal", GE_eventTime="2026-03-02T10:00:01+08:00", LT_eventTime="2026-03-02T10:01Z")
    assert at_ten == []  # nothing after the 10:00 issue
    assert events_of(api, "principal", GE_eventTime="2026-03-02T02:00:00Z", LT_eventTime="2026-03-02T10:01+08:00") == [
        issued
    ]
    pages, cursor = [], None
    while True:
        params = {"EQ_bizLocation": "CG01", "limit": "2", **({"cursor": cursor} if cursor else {})}
        answer = api.get("investigator", "/api/v1/epcis/events", params=params).json()
        pages += answer["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        cursor = answer["foodtrace:next_cursor"]
        if cursor is None:
            break
    assert pages == everything and len(everything) > 2


def test_a_batch_received_before_the_range_shows_when_it_was_only_moved_in_it(api: Api) -> None:
    # Given a batch received on the 2nd, and moved to another store place the next day, and nothing else
    code = api.county.receive()
    api.ledger.execute(Move(code=code, place="冷冻库2号（红）"), by=WANG, at=at(DAY + timedelta(days=1), 9))
    api.catch_up()
    # When an auditor asks for what happened from the 3rd
    found = events_of(api, "investigator", EQ_bizLocation="CG01", GE_eventTime="2026-03-03T00:00:00+08:00")
    # Then the move is there (bizStep storing), and the receipt, before the range, is not
    assert [(e["bizStep"], e["foodtrace:batch"]) for e in found] == [("storing", code)]


def test_without_gs1s_schema_the_capture_says_so_and_records_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FOODTRACE_EPCIS_SCHEMA", str(tmp_path / "nowhere.json"))
    answer = api.post(
        "supplier", "/api/v1/epcis/capture", json=document(shipping("urn:uuid:5f0d7e52-0000-0000-0000-0"))
    )
    assert answer.status_code == 503 and answer.json()["code"] == "epcis_schema_missing"
    assert api.get("supplier", "/api/v1/deliveries").json()["items"] == []
