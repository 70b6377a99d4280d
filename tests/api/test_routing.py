"""Where a route's caller check runs: in the endpoint's own trip to the thread pool only where nothing else about
the request can refuse it first, so a caller without a token always hears 401 before anything else."""

from __future__ import annotations

from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.auth import Allow, AllowWhereEndpointRuns
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
