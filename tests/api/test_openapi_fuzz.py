"""schemathesis fuzzes every operation of the published OpenAPI against the real app: no 5xx, and every
response matches its declared status codes, content types and schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.schemas import APIOperation

from api.app import create_app
from api.settings import Settings, eventsourcing_env
from api.tokens import Credentials
from domain.ledger import Ledger
from tests.county import ADMIN, DAY, County, at


def fuzzed_app() -> tuple[FastAPI, str]:
    """The app over a small real county, with an admin token (admins reach every operation)."""
    folder = Path(tempfile.mkdtemp(prefix="foodtrace-fuzz-"))
    ledger = Ledger(env=eventsourcing_env(f"sqlite:///{folder / 'ledger.sqlite3'}"))
    county = County.set_up(ledger)
    county.certify(county.receive())
    ledger.clock = lambda: at(DAY, 9)
    token = Credentials(ledger).create_token(ADMIN.person_id, "admin", None, "fuzz", ADMIN)[0]
    app = create_app(Settings(database_url="sqlite:///fuzz", documents_dir=folder / "documents"), ledger=ledger)
    return app, token


# The schema is read when the module is collected, so the app is built here (a lazy pytest fixture does not work
# with this schemathesis and pytest 9).
APP, TOKEN = fuzzed_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
# One test per operation, named by it. schemathesis's own schema.parametrize() gives every operation's item the
# same node id, and `--dist loadgroup` (make test) keys its work by node id: 1 of the 84 operations ran.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_no_operation_fails_or_breaks_its_contract(operation: APIOperation) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    def fuzzed(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {TOKEN}"},
            checks=[
                checks.not_a_server_error,
                checks.status_code_conformance,
                checks.content_type_conformance,
                checks.response_schema_conformance,
            ],
        )

    fuzzed()


def test_every_operation_is_fuzzed() -> None:
    assert len({operation.label for operation in OPERATIONS}) == len(OPERATIONS) > 80
