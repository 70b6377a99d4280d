"""Who may do what: every route, every role. A route that forgets its check fails here."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.auth import Allow
from api.tokens import Credentials
from domain.values import Principal
from tests.api.conftest import CALLERS, Api

ALL = {"admin", "investigator", "logistics", "storekeeper", "kitchen", "principal", "supplier"}
SCHOOL = {"storekeeper", "kitchen", "principal"}
COUNTY = {"investigator", "logistics", "admin"}  # see every school

# The access table: (method, path) → roles allowed. Written out, so a change to a route's roles is a
# change here too, read by a reviewer.
EXPECTED = {
    ("GET", "/api/v1/scan"): ALL,
    ("GET", "/api/v1/batches/{code}"): ALL,
    ("POST", "/api/v1/batches"): {"storekeeper", "admin"},
    ("POST", "/api/v1/deliveries/{announcement_id}/receive"): {"storekeeper", "admin"},
    ("POST", "/api/v1/deliveries/{announcement_id}/reject"): {"storekeeper", "admin"},
    ("POST", "/api/v1/deliveries/{announcement_id}/withdraw"): {"supplier", "admin"},
    ("POST", "/api/v1/batches/{code}/co-sign"): SCHOOL,  # the co-signer named at intake, as themselves
    ("POST", "/api/v1/batches/{code}/inspections"): {"storekeeper", "principal", "logistics", "admin"},
    ("POST", "/api/v1/batches/{code}/moves"): {"storekeeper", "admin"},
    ("POST", "/api/v1/batches/{code}/holds"): {"storekeeper", "principal", "admin"},
    ("POST", "/api/v1/batches/{code}/releases"): {"storekeeper", "principal", "admin"},
    ("POST", "/api/v1/batches/{code}/issues"): {"storekeeper", "admin"},
    ("POST", "/api/v1/batches/{code}/issues/{offer}/confirm"): {"kitchen"},
    ("POST", "/api/v1/batches/{code}/issues/{offer}/cancel"): {"storekeeper", "admin"},
    ("POST", "/api/v1/batches/{code}/returns"): {"storekeeper", "admin"},
    ("POST", "/api/v1/batches/{code}/write-offs"): {"storekeeper", "admin"},
    ("POST", "/api/v1/batches/{code}/corrections"): {"storekeeper", "admin"},
    ("GET", "/api/v1/batches/{code}/history"): ALL,
    ("GET", "/api/v1/batches/{code}/as-of"): ALL,
    ("GET", "/api/v1/batches/{code}/documents/{sha256}"): ALL,
    ("GET", "/api/v1/batches/{code}/label"): ALL,
    ("GET", "/api/v1/labels/sheet"): ALL,
    ("POST", "/api/v1/batches/{code}/certificates"): {"supplier", "storekeeper", "admin"},
    ("POST", "/api/v1/deliveries/{announcement_id}/certificates"): {"supplier", "admin"},
    ("POST", "/api/v1/deliveries"): {"supplier", "admin"},
    ("GET", "/api/v1/deliveries/{announcement_id}"): ALL,
    ("GET", "/api/v1/deliveries"): ALL,
    ("POST", "/api/v1/samples"): {"storekeeper", "kitchen", "admin"},
    ("POST", "/api/v1/dish-records"): {"kitchen"},
    ("GET", "/api/v1/samples/{sample_id}"): SCHOOL | COUNTY,
    ("POST", "/api/v1/samples/{sample_id}/disposal"): {"storekeeper", "kitchen", "admin"},
    ("POST", "/api/v1/samples/{sample_id}/laboratory"): {"storekeeper", "kitchen", "admin"},
    ("GET", "/api/v1/samples/{sample_id}/label"): SCHOOL | COUNTY,
    ("POST", "/api/v1/schools"): {"admin"},
    ("POST", "/api/v1/suppliers"): {"admin"},
    ("POST", "/api/v1/suppliers/{code}/licence"): {"admin"},
    ("POST", "/api/v1/suppliers/{code}/suspension"): {"admin"},
    ("POST", "/api/v1/staff"): {"principal", "admin"},
    ("GET", "/api/v1/staff/{person_id}"): SCHOOL | COUNTY,
    ("POST", "/api/v1/staff/{person_id}/certificates"): {"principal", "admin"},
    ("POST", "/api/v1/staff/{person_id}/health-checks"): {"principal", "storekeeper", "admin"},
    ("POST", "/api/v1/staff/{person_id}/suspension"): {"principal", "admin"},
    ("POST", "/api/v1/staff/{person_id}/reinstatement"): {"principal", "admin"},
    ("POST", "/api/v1/staff/{person_id}/pin"): {"principal", "admin"},
    ("GET", "/api/v1/search/batches"): ALL,
    ("GET", "/api/v1/epcis/events"): ALL,
    ("POST", "/api/v1/epcis/capture"): {"supplier", "admin"},
    ("GET", "/api/v1/trace/forward"): {"investigator", "logistics", "admin"},
    ("GET", "/api/v1/trace/backward"): {"investigator", "logistics", "admin"},
    ("GET", "/api/v1/trace/backward/others"): {"investigator", "logistics", "admin"},
    ("GET", "/api/v1/schools/{school}/ledger"): SCHOOL | COUNTY,
    ("GET", "/api/v1/schools/{school}/checks"): SCHOOL | COUNTY,
    ("GET", "/api/v1/schools/{school}/stock"): SCHOOL | COUNTY,
    ("GET", "/api/v1/schools/{school}/expiring"): SCHOOL | COUNTY,
    ("POST", "/api/v1/schools/{school}/menus/{week}"): {"principal", "admin"},
    ("POST", "/api/v1/schools/{school}/menus/{week}/amendments"): {"principal", "admin"},
    ("POST", "/api/v1/schools/{school}/menus/{week}/copy"): {"principal", "admin"},
    ("GET", "/api/v1/schools/{school}/menus/{week}"): SCHOOL | COUNTY,
    ("GET", "/api/v1/schools/{school}/meals/{meal_date}/{meal}/dishes"): SCHOOL | COUNTY,
    ("GET", "/api/v1/compliance"): SCHOOL | COUNTY,
    ("GET", "/api/v1/meals/{meal_date}/{meal}/samples"): SCHOOL | COUNTY,
    ("GET", "/api/v1/projections"): {"admin", "investigator", "logistics"},
    ("POST", "/api/v1/checkpoints"): {"admin"},
    ("GET", "/api/v1/schools"): {"investigator", "logistics", "admin"},
    ("GET", "/api/v1/handoffs"): SCHOOL | {"admin"},
    ("POST", "/api/v1/webhooks"): {"supplier", "logistics", "admin"},
    ("GET", "/api/v1/webhooks"): {"supplier", "logistics", "admin"},
    ("GET", "/api/v1/webhooks/{webhook_id}"): {"supplier", "logistics", "admin"},
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): {"supplier", "logistics", "admin"},
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): {"supplier", "logistics", "admin"},
    ("POST", "/api/v1/recalls"): {"logistics", "admin"},
    ("POST", "/api/v1/recalls/{recall_id}/close"): {"logistics", "admin"},
    ("GET", "/api/v1/recalls"): SCHOOL | COUNTY,
    ("GET", "/api/v1/recalls/{recall_id}"): SCHOOL | COUNTY,
    ("GET", "/api/v1/sessions/current"): ALL,
    ("DELETE", "/api/v1/sessions/current"): ALL,  # last: it signs the caller out
}
PUBLIC = {
    ("POST", "/api/v1/sessions"),  # signing in with a PIN is how a phone gets its token
    ("GET", "/api/v1/checkpoints"),  # anyone may check the log against the signed checkpoints
    ("GET", "/api/v1/checkpoints/public-key"),
    ("GET", "/api/v1/public/schools/{school}/notices/{month}"),  # a school's 公示 is published to anyone
    ("GET", "/api/v1/public/schools/{school}/notices/{month}/notice.pdf"),
}
WRITERS_NEVER = {"investigator"}  # reads everything, writes nothing


def api_routes(api: Api) -> list[tuple[str, str, frozenset[str]]]:
    found = []
    for route in [r for router in ROUTERS for r in router.routes]:
        assert isinstance(route, APIRoute)
        guards = [d.call for d in route.dependant.dependencies if isinstance(d.call, Allow)]
        guards += [
            d.call for dep in route.dependant.dependencies for d in dep.dependencies if isinstance(d.call, Allow)
        ]
        roles = frozenset(r.value for g in guards for r in g.roles)
        for method in route.methods:
            found.append((method, route.path, roles))
    return found


def test_every_api_route_declares_who_may_call_it(api: Api) -> None:
    published = api.client.get("/openapi.json").json()["paths"]
    operations = {(m.upper(), p) for p, ops in published.items() for m in ops if p.startswith("/api/")}
    assert operations == set(EXPECTED) | PUBLIC
    routes = api_routes(api)
    assert {(m, p) for m, p, _ in routes} == set(EXPECTED), "a route was added or removed: update the table"
    for method, path, roles in routes:
        assert roles, f"{method} {path} has no Allow(...) check"
        assert roles == EXPECTED[(method, path)], f"{method} {path} allows {sorted(roles)}"
        if method in ("POST", "PUT", "PATCH") or (method == "DELETE" and "sessions" not in path):
            assert not roles & WRITERS_NEVER, f"{method} {path} lets an investigator write"


def concrete(path: str) -> str:
    """Any well-formed values: the role check comes before anything is looked up."""
    values = {
        "code": "7KQ2-M9XH4",
        "announcement_id": "00000000-0000-0000-0000-000000000000",
        "sample_id": "00000000-0000-0000-0000-000000000000",
        "offer": "2",
        "sha256": "a" * 64,
        "person_id": "CG01-wang",
        "school": "CG01",
        "meal_date": "2026-03-02",
        "meal": "lunch",
        "week": "2026-03-02",
        "webhook_id": "00000000-0000-0000-0000-000000000000",
        "recall_id": "00000000-0000-0000-0000-000000000000",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


@pytest.mark.parametrize("caller", sorted(set(CALLERS) - {"co_signer", "other_school", "other_supplier"}))
def test_each_role_is_refused_exactly_where_the_table_says(api: Api, caller: str) -> None:
    role = CALLERS[caller][1]
    for (method, path), allowed in EXPECTED.items():
        response = api.client.request(method, concrete(path), headers=api.headers(caller))
        if role in allowed:
            assert response.status_code not in (401, 403), f"{role} refused on {method} {path}: {response.text}"
        else:
            assert response.status_code == 403, f"{role} not refused on {method} {path}: {response.status_code}"
            assert response.json()["code"] == "forbidden"


def test_every_route_needs_a_token(api: Api) -> None:
    for method, path in EXPECTED:
        for headers in ({}, {"Authorization": "Bearer ft_not-a-real-token"}, {"Authorization": "Basic abc"}):
            response = api.client.request(method, concrete(path), headers=headers)
            assert response.status_code == 401, f"{method} {path} with {headers}"
            assert response.headers["content-type"] == "application/problem+json"


def test_a_revoked_token_no_longer_works(api: Api) -> None:
    assert api.get("investigator", "/api/v1/deliveries").status_code == 200
    credentials = Credentials(api.ledger)
    token_id = next(t["id"] for t in credentials.list_tokens() if t["label"] == "investigator")
    credentials.revoke(UUID(str(token_id)), "left the bureau", by=Principal("county-admin", "admin"))
    assert api.get("investigator", "/api/v1/deliveries").status_code == 401


def test_tokens_are_stored_only_as_hashes(api: Api) -> None:
    stored = b"".join(n.state for n in api.ledger.recorder.select_notifications(start=1, limit=100_000))
    for token in api.tokens.values():
        assert token.encode() not in stored


def test_staff_sign_in_with_their_pin_for_the_working_day(api: Api) -> None:
    session = api.client.post("/api/v1/sessions", json={"person_id": "CG01-zhang", "pin": "2468"})
    assert session.status_code == 201, session.text
    body = session.json()
    assert (body["role"], body["scope"], body["name"]) == ("kitchen", "CG01", "张师傅")
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert api.client.get("/api/v1/deliveries", headers=headers).status_code == 200
    me = api.client.get("/api/v1/sessions/current", headers=headers).json()
    assert (me["name"], me["role"], me["expires_at"]) == ("张师傅", "kitchen", body["expires_at"])
    assert api.client.delete("/api/v1/sessions/current", headers=headers).status_code == 204
    assert api.client.get("/api/v1/deliveries", headers=headers).status_code == 401


def test_a_wrong_pin_says_nothing_about_who_exists_and_is_limited(api: Api) -> None:
    unknown = api.client.post("/api/v1/sessions", json={"person_id": "nobody", "pin": "2468"})
    wrong = api.client.post("/api/v1/sessions", json={"person_id": "CG01-zhang", "pin": "1357"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["en"] == wrong.json()["en"]
    for _ in range(4):
        api.client.post("/api/v1/sessions", json={"person_id": "CG01-zhang", "pin": "1357"})
    locked = api.client.post("/api/v1/sessions", json={"person_id": "CG01-zhang", "pin": "2468"})
    assert locked.status_code == 429
