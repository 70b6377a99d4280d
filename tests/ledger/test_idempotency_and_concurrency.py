"""Retries record nothing new; two people racing for the last stock never both win."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from api.settings import eventsourcing_env
from domain.errors import Conflict, IdempotencyKeyReused
from domain.handoff import IssueToKitchen, PutOnHold
from domain.ledger import Ledger
from tests.county import DAY, LI, WANG, ZHANG, County, at


def test_a_retried_intake_returns_the_first_result_and_records_nothing(county: County) -> None:
    first = county.receive(idempotency_key="scan-7731")
    events = county.ledger.recorder.max_notification_id()
    again = county.receive(idempotency_key="scan-7731")
    assert again == first
    assert county.ledger.recorder.max_notification_id() == events


def test_a_retried_issue_is_counted_once(county: County) -> None:
    code = county.ready_to_issue()
    first = county.issue(code, "5", idempotency_key="issue-1")
    assert county.issue(code, "5", idempotency_key="issue-1") == first
    assert county.ledger.batch(code).on_hand == Decimal("15")


def test_a_retry_succeeds_even_when_the_rule_would_now_refuse(county: County) -> None:
    code = county.receive()
    county.ledger.execute(PutOnHold(code=code, reason="待复检"), by=WANG, at=at(hour=9), idempotency_key="hold-1")
    county.ledger.execute(
        PutOnHold(code=code, reason="待复检"), by=WANG, at=at(hour=9), idempotency_key="hold-1"
    )  # no "already on hold"


def test_the_same_key_for_a_different_command_is_refused(county: County) -> None:
    code = county.receive(idempotency_key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        county.ledger.execute(PutOnHold(code=code, reason="待复检"), by=WANG, at=at(hour=9), idempotency_key="k-1")


def test_keys_belong_to_the_person_who_sent_them(county: County) -> None:
    code = county.ready_to_issue()
    county.issue(code, "1", idempotency_key="1")
    from domain.values import Principal

    county.issue(code, "1", idempotency_key="1", by=Principal(LI, "storekeeper"))
    assert county.ledger.batch(code).on_hand == Decimal("18")


@pytest.mark.postgres
def test_two_people_issuing_the_last_stock_at_once_one_wins(postgres_url: str) -> None:
    """Real concurrent workers, each with its own Ledger and connection pool, on PostgreSQL."""
    from tests.conftest import empty_postgres

    empty_postgres(postgres_url)
    setup = Ledger(env=eventsourcing_env(postgres_url))
    county = County.set_up(setup)
    codes = [county.receive() for _ in range(5)]
    for code in codes:
        county.certify(code)
    setup.close()

    for code in codes:
        ready = threading.Barrier(2)
        workers = [RacingLedger(ready, env=eventsourcing_env(postgres_url)) for _ in range(2)]
        outcomes: list[str] = []

        def issue_all(worker: Ledger, code: str = code, outcomes: list[str] = outcomes) -> None:
            try:
                worker.execute(
                    IssueToKitchen(code=code, quantity="20", unit="kg", meal_date=DAY, meal="lunch", taken_by=ZHANG),
                    by=WANG,
                    at=at(hour=10),
                )
                outcomes.append("issued")
            except Conflict as conflict:  # says what the winner recorded meanwhile
                outcomes.append("conflict: " + ", ".join(c["what"] for c in conflict.details["changed"]))

        threads = [threading.Thread(target=issue_all, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check = Ledger(env=eventsourcing_env(postgres_url))
        batch = check.batch(code)
        assert sorted(outcomes) == ["conflict: IssuedToKitchen", "issued"]
        assert batch.on_hand == Decimal("0")
        assert [m.quantity for m in batch.live_movements] == [Decimal("20")]
        for app in [*workers, check]:
            app.close()


class RacingLedger(Ledger):
    """Both workers have read the batch and checked every rule before either saves: the worst interleaving."""

    name = "Ledger"  # the same tables as the real ledger

    def __init__(self, ready: threading.Barrier, env: dict[str, str]) -> None:
        super().__init__(env=env)
        self.ready = ready

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        self.ready.wait(timeout=30)
        return super().save(*objs, **kwargs)
