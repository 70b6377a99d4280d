"""A deprecated operation says so in the document and in every answer: Deprecation, Sunset and the successor's Link."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query
from fastapi.testclient import TestClient

from api.app import create_app
from api.contract import Deprecation
from api.settings import Settings

RETIRING = Deprecation(since=date(2027, 1, 1), sunset=date(2028, 1, 1), successor="/api/v1/new-thing")


def test_a_deprecated_route_answers_with_deprecation_and_sunset_headers() -> None:
    app = create_app(Settings(database_url="sqlite:///unused"))

    @app.get("/api/v1/old-thing", **RETIRING.route())
    def old_thing(size: Annotated[int, Query(ge=1)]) -> dict[str, int]:
        return {"size": size}

    client = TestClient(app)  # no lifespan: these routes need no ledger
    expected = {
        "deprecation": "@1798761600",  # 2027-01-01T00:00:00Z
        "sunset": "Sat, 01 Jan 2028 00:00:00 GMT",
        "link": '</api/v1/new-thing>; rel="successor-version"',
    }
    answered = client.get("/api/v1/old-thing", params={"size": 3})
    assert answered.json() == {"size": 3}
    assert {name: answered.headers.get(name) for name in expected} == expected
    refused = client.get("/api/v1/old-thing", params={"size": 0})
    assert refused.status_code == 422
    assert {name: refused.headers.get(name) for name in expected} == expected, "a refusal says it too"

    assert "deprecation" not in client.get("/health/live").headers
    published = client.get("/openapi.json").json()["paths"]["/api/v1/old-thing"]["get"]
    assert published["deprecated"] is True
    assert published["x-sunset"] == "2028-01-01"
