"""The API keeps its promises: the live OpenAPI document breaks nothing a client generated from the committed
snapshot (openapi.json) relies on. A change that must break it rewrites the snapshot on purpose, in the same commit:
`make openapi` (README: API versioning policy)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.settings import Settings
from tests.contract.breaking import breaking_changes

SNAPSHOT = Path(__file__).resolve().parents[2] / "openapi.json"
LIVE = create_app(Settings(database_url="sqlite:///unused")).openapi()
Json = dict[str, Any]


def test_the_live_document_breaks_nothing_the_snapshot_promised() -> None:
    snapshot = json.loads(SNAPSHOT.read_text("utf-8"))
    assert breaking_changes(snapshot, LIVE) == [], (
        "the API changed in a way that breaks generated clients; if that is meant, run `make openapi` and commit "
        "openapi.json with the change (and say so in the README's API versioning policy)"
    )


def changed(change: Callable[[Json], None]) -> Json:
    document = copy.deepcopy(LIVE)
    change(document)
    return document


def schema(name: str) -> Callable[[Json], Json]:
    return lambda document: document["components"]["schemas"][name]


announce = schema("AnnouncementRequest")
announced = schema("DeliveryChanged")
BREAKING = {
    "an operation removed": lambda d: d["paths"]["/api/v1/deliveries"].pop("post"),
    "a path removed": lambda d: d["paths"].pop("/api/v1/trace/backward"),
    "an operationId renamed": lambda d: d["paths"]["/api/v1/deliveries"]["post"].update(operationId="announce"),
    "a response field removed": lambda d: announced(d)["properties"].pop("status"),
    "a request field becoming required": lambda d: announce(d)["required"].append("gtin"),
    "a request field removed": lambda d: announce(d)["properties"].pop("pork"),
    "an enum value removed": lambda d: schema("Category")(d)["enum"].remove("aquatic"),
    "a field's type changed": lambda d: announced(d)["properties"]["position"].update(type="string"),
    "a model renamed": lambda d: d["components"]["schemas"].pop("SampleRetained"),
    "a file's media type removed": lambda d: d["paths"]["/api/v1/batches/{code}/label"]["get"]["responses"]["200"][
        "content"
    ].pop("image/svg+xml"),
    "a parameter becoming required": lambda d: next(
        p for p in d["paths"]["/api/v1/deliveries"]["get"]["parameters"] if p["name"] == "limit"
    ).update(required=True),
}


@pytest.mark.parametrize("change", sorted(BREAKING))
def test_a_breaking_change_is_caught(change: str) -> None:
    assert breaking_changes(LIVE, changed(BREAKING[change])) != []


ADDITIVE = {
    "a new operation": lambda d: d["paths"].update({"/api/v1/new": {"get": {"operationId": "new", "responses": {}}}}),
    "a new optional request field": lambda d: announce(d)["properties"].update(erp_note={"type": "string"}),
    "a new response field": lambda d: (
        announced(d)["properties"].update(erp_note={"type": "string"}),
        announced(d)["required"].append("erp_note"),
    ),
    "a new enum value": lambda d: schema("Category")(d)["enum"].append("dairy"),
    "a new model": lambda d: d["components"]["schemas"].update(Webhook={"type": "object"}),
}


@pytest.mark.parametrize("change", sorted(ADDITIVE))
def test_an_addition_passes(change: str) -> None:
    assert breaking_changes(LIVE, changed(ADDITIVE[change])) == []
