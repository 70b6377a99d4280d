"""Several queries of one read at once (``Reader.select_many``; on PostgreSQL one round trip): each query answers
as it would alone, in the order asked, and a query given no keys answers nothing."""

from __future__ import annotations

from projections.service import Projections
from projections.store import Select
from tests.county import County
from tests.projections.test_trace import lunch_at_two_schools


def test_queries_sent_together_answer_as_each_alone(two_schools: County, views: Projections) -> None:
    codes = lunch_at_two_schools(two_schools)
    views.catch_up()
    batches = "SELECT code, school FROM view_trace_batches WHERE school = ? ORDER BY code"
    issues = "SELECT batch_id, version, meal FROM view_trace_issues WHERE batch_id IN"
    with views.reading("trace") as r:
        ids = [row["batch_id"] for row in r.select("SELECT batch_id FROM view_trace_batches")]
        together = r.select_many([
            Select(batches, ["XH01"]),
            Select(issues, keys=ids),
            Select(issues, keys=[]),
            Select(batches, ["CG01"]),
        ])  # fmt: skip
        alone = [r.select(batches, ["XH01"]), r.select_in(issues, ids), [], r.select(batches, ["CG01"])]
    assert codes["pork_xh"] in [row["code"] for row in together[0]]
    assert {row["school"] for row in together[3]} == {"CG01"}
    assert together[1]  # the lunch's issues
    key = lambda row: (str(row["batch_id"]), row["version"])  # noqa: E731
    assert [together[0], sorted(together[1], key=key), together[2], together[3]] == [
        alone[0], sorted(alone[1], key=key), alone[2], alone[3]
    ]  # fmt: skip
