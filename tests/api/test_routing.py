"""Where a route's caller check runs: in the endpoint's own trip to the thread pool only where nothing else about
the request can refuse it first, so a caller without a token always hears 401 before anything else."""

from __future__ import annotations

from uuid import UUID

from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.auth import Allow, AllowWhereEndpointRuns
from api.tokens import Credentials
from domain.values import Principal
from tests.api.conftest import Api


def _guard(method: str, path: str) -> Allow:
    route = next(
        r
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and (r.path, r.methods) == (path, {method})
    )
    return next(d.call for d in route.dependant.dependencies if isinstance(d.call, Allow))


def test_the_card_is_checked_where_it_runs_and_a_route_with_a_query_before() -> None:
    assert isinstance(_guard("GET", "/api/v1/batches/{code}"), AllowWhereEndpointRuns)
    assert type(_guard("GET", "/api/v1/scan")) is Allow  # its payload's 422 comes after the check's 401
    assert type(_guard("POST", "/api/v1/batches/{code}/moves")) is Allow  # a body, an Idempotency-Key


def test_no_token_is_refused_before_the_request_is_looked_at(api: Api) -> None:
    for path in ("/api/v1/batches/not-a-code", "/api/v1/batches/7KQ2-M9XH4", "/api/v1/scan?payload="):
        assert api.client.get(path).status_code == 401, path
    assert api.get("storekeeper", "/api/v1/batches/not-a-code").status_code == 422


def test_the_cards_caller_read_with_its_batch_is_refused_as_one_at_a_time(api: Api) -> None:
    """Once the token, batch and supplier are cached the card reads them in one query: a revoked token, another
    school's caller and another role still hear what they heard when the token was read on its own."""
    code: str = api.county.receive()
    for _ in range(2):  # the second read: all three cached
        assert api.get("storekeeper", f"/api/v1/batches/{code}").status_code == 200
        assert api.get("other_school", f"/api/v1/batches/{code}").status_code == 404
        assert api.get("investigator", f"/api/v1/batches/{code}").status_code == 200
    credentials = Credentials(api.ledger)
    token_id = next(t["id"] for t in credentials.list_tokens() if t["label"] == "investigator")
    credentials.revoke(UUID(str(token_id)), "left the bureau", by=Principal("county-admin", "admin"))
    refused = api.get("investigator", f"/api/v1/batches/{code}")
    assert (refused.status_code, refused.json()["code"]) == (401, "unauthenticated")
    assert api.get("storekeeper", f"/api/v1/batches/{code}").status_code == 200
