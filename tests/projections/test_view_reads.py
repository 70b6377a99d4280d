"""A view's query asked again and again is parsed and planned by PostgreSQL once per connection, not at every
request: its reads end with COMMIT (they write nothing), since psycopg forgets a connection's prepared statements
at every ROLLBACK. Before, a backward trace's ~20 queries were parsed and planned anew at each trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.settings import eventsourcing_env
from domain.ledger import Ledger
from projections.service import Projections
from tests.conftest import empty_postgres

ASKED = "SELECT code FROM view_trace_batches WHERE school = ?"


@pytest.fixture
def postgres_views(postgres_url: str) -> Iterator[Projections]:
    empty_postgres(postgres_url)
    ledger = Ledger(env=eventsourcing_env(postgres_url))
    views = Projections(eventsourcing_env(postgres_url), ledger=ledger)
    yield views
    views.close()
    ledger.close()


def test_a_query_asked_again_and_again_is_prepared(postgres_views: Projections) -> None:
    for _ in range(20):  # psycopg prepares a query at its 5th use on a connection; the views have two
        with postgres_views.reading("trace") as read:
            assert read.select(ASKED, ["CG01"]) == []
    with postgres_views.reading("trace") as read:
        prepared = [row["statement"] for row in read.select("SELECT statement FROM pg_prepared_statements")]
    assert "SELECT code FROM view_trace_batches WHERE school = $1" in prepared
