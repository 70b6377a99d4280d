"""The projector: each event counted once, however often it runs, crashes or competes; rebuilds are exact."""

from __future__ import annotations

import time
from typing import Any

import pytest

from api.cli.demo import seed_demo
from api.settings import eventsourcing_env
from domain.ledger import Ledger
from projections.service import Projections, UnknownView
from projections.store import PositionMoved
from tests.county import County


def snapshot(views: Projections) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every view table, as text, in a stable order."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for projection in views.projections.values():
        for table in projection.schema.tables:
            found = projection.view.select(f"SELECT * FROM {table}")
            rows[table] = sorted(tuple(_text(v) for v in row.values()) for row in found)
    return rows


def snapshot_then_empty(views: Projections) -> dict[str, list[tuple[str, ...]]]:
    """Every view caught up and its rows taken, then every view emptied to be built again."""
    views.catch_up()
    complete = snapshot(views)
    for name in ("warehouse", "trace"):
        views.view(name).reset("Ledger")
    return complete


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    return "" if value is None else str(value).replace(" ", "T")


@pytest.fixture
def demo(ledger: Ledger) -> Ledger:
    seed_demo(ledger, days=4)
    return ledger


def test_catching_up_twice_counts_each_event_once(demo: Ledger, views: Projections) -> None:
    first = views.catch_up()
    once = snapshot(views)

    again = views.catch_up()

    head = demo.recorder.max_notification_id()
    assert first == {"warehouse": head, "trace": head}
    assert again == {"warehouse": 0, "trace": 0}
    assert snapshot(views) == once
    assert len(once["view_warehouse_movements"]) > 20


def test_a_rebuild_gives_identical_rows(demo: Ledger, views: Projections) -> None:
    views.catch_up()
    before = snapshot(views)

    for name in ("warehouse", "trace"):
        result = views.rebuild(name)
        assert result["notifications"] == demo.recorder.max_notification_id()

    assert snapshot(views) == before


def test_a_projector_that_stops_between_chunks_resumes_where_it_left_off(
    demo: Ledger, database_url: str, views: Projections
) -> None:
    complete = snapshot_then_empty(views)

    views.catch_up(limit=70)  # a few chunks of 7, then the process "dies"
    assert {row["position"] for row in views.status()} == {70}
    views.close()
    restarted = Projections(eventsourcing_env(database_url), ledger=demo, chunk_size=50)
    try:
        restarted.catch_up()
        assert snapshot(restarted) == complete
    finally:
        restarted.close()


def test_a_catch_up_from_the_first_event_builds_the_secondary_indexes_at_the_head(
    demo: Ledger, database_url: str, views: Projections
) -> None:
    complete = snapshot_then_empty(views)
    env = eventsourcing_env(database_url)
    deferring = Projections(env, ledger=demo, chunk_size=50, defer_indexes_from=1)
    try:
        deferring.catch_up(limit=100)  # part of the way: kept up row by row, the indexes would be there now
        assert all(deferring.view(name).missing_indexes() for name in ("warehouse", "trace"))

        deferring.catch_up()

        assert [deferring.view(name).missing_indexes() for name in ("warehouse", "trace")] == [[], []]
        assert snapshot(deferring) == complete
    finally:
        deferring.close()


def test_a_projector_that_stops_while_indexes_are_deferred_has_them_back_when_it_starts_again(
    demo: Ledger, database_url: str, views: Projections
) -> None:
    complete = snapshot_then_empty(views)
    env = eventsourcing_env(database_url)
    crashing = Projections(env, ledger=demo, chunk_size=50, defer_indexes_from=1)
    crashing.catch_up(limit=100)  # then the process "dies" before the head
    crashing.close()

    restarted = Projections(env, ledger=demo, chunk_size=50, defer_indexes_from=1)
    try:
        assert [restarted.view(name).missing_indexes() for name in ("warehouse", "trace")] == [[], []]
        restarted.catch_up()
        assert snapshot(restarted) == complete
    finally:
        restarted.close()


def test_a_rebuild_that_defers_its_indexes_swaps_in_a_view_with_all_of_them(demo: Ledger, database_url: str) -> None:
    rebuilding = Projections(eventsourcing_env(database_url), ledger=demo, chunk_size=50, defer_indexes_from=1)
    try:
        rebuilding.catch_up()
        before = snapshot(rebuilding)

        rebuilding.rebuild("trace")

        assert rebuilding.view("trace").missing_indexes() == []
        assert snapshot(rebuilding) == before
    finally:
        rebuilding.close()


def test_a_chunk_from_a_stale_position_is_refused_not_applied_twice(demo: Ledger, views: Projections) -> None:
    views.catch_up()
    before = snapshot(views)
    projection = views.projections["warehouse"]
    events = [(n.id, demo.mapper.to_domain_event(n)) for n in demo.recorder.select_notifications(start=1, limit=10)]

    with pytest.raises(PositionMoved):
        projection.process(events, 0, 10)  # another projector already went past 0

    assert snapshot(views) == before


def test_status_reports_each_views_lag_behind_the_log(county: County, views: Projections) -> None:
    head = county.ledger.recorder.max_notification_id()
    views.catch_up(["trace"])

    status = {row["name"]: row for row in views.status()}

    assert status["trace"] == {"name": "trace", "position": head, "head": head, "lag": 0, "failure": None}
    assert status["warehouse"] == {"name": "warehouse", "position": 0, "head": head, "lag": head, "failure": None}


def test_the_background_projector_follows_new_events(county: County, views: Projections) -> None:
    views.start(interval=0.05)
    try:
        code = county.receive()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not views.view("trace").select(
            "SELECT code FROM view_trace_batches WHERE code = ?", [code]
        ):
            time.sleep(0.05)
    finally:
        views.stop()

    assert views.view("trace").select("SELECT code FROM view_trace_batches")[0]["code"] == code
    assert all(row["lag"] == 0 for row in views.status())


def test_an_unknown_view_is_refused_by_name(views: Projections) -> None:
    with pytest.raises(UnknownView, match="warehouse, trace"):
        views.rebuild("stock")


def test_a_view_built_with_other_tables_is_rebuilt_when_opened(
    demo: Ledger, views: Projections, database_url: str
) -> None:
    """An upgrade that adds a column must not leave reads failing on the old table: the view starts again."""
    views.catch_up()
    expected = snapshot(views)
    old = views.view("trace")
    with old.datastore.transaction(commit=True) as cursor:  # as a release before the lot identity left it
        cursor.execute("DROP INDEX view_trace_batches_identity")
        cursor.execute("ALTER TABLE view_trace_batches DROP COLUMN product_key")
        cursor.execute("UPDATE view_schemas SET fingerprint = 'before product_key' WHERE name = 'view_trace_tracking'")

    reopened = Projections(eventsourcing_env(database_url), ledger=demo, chunk_size=50)
    try:
        assert reopened.status()[1] == {"name": "trace", "position": 0, "head": views.status()[0]["head"],
                                        "lag": views.status()[0]["head"], "failure": None}  # fmt: skip
        reopened.catch_up()
        assert snapshot(reopened) == expected
    finally:
        reopened.close()
