"""The webhooks feed makes an event's notices only when a subscription hears of it: making them reads the batch
from the log, in the server process that also answers requests, and most counties subscribe nobody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from api.notices import notices
from api.tokens import Caller
from api.webhooks import Webhooks
from domain.batch import batch_id
from domain.handoff import PutOnHold, Release
from domain.ledger import Ledger
from domain.values import Role
from tests.county import WANG, County, at, send

SUPPLIER = Caller("SUP-HX", Role.SUPPLIER, "SUP-HX")
KINDS = ["delivery.received", "certificate.missing", "batch.held", "batch.released"]


def batches_read(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """The ids of every record read from the ledger's repository from now on (the real read, counted)."""
    read: list[UUID] = []
    real: Callable[..., Any] = ledger.repository.get

    def get(aggregate_id: UUID, *args: Any, **kwargs: Any) -> Any:
        read.append(aggregate_id)
        return real(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(ledger.repository, "get", get)
    return read


def head(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def hold_and_release(ledger: Ledger, code: str) -> None:
    send(ledger, PutOnHold, {"code": code, "reason": "供应商召回通知", "by": WANG, "at": at(hour=9)})
    send(ledger, Release, {"code": code, "reason": "检验合格，解除封存", "by": WANG, "at": at(hour=10)})


def test_with_no_subscription_the_feed_passes_every_event_without_reading_a_batch(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given deliveries received, held and released, each of which would tell a subscriber something
    ledger = county.ledger
    for n in range(5):
        hold_and_release(ledger, county.receive(supplier_lot=f"HX2603{n:02d}", invoice_number=f"FP2026030200{n}"))
    webhooks = Webhooks(ledger)
    try:
        read = batches_read(ledger, monkeypatch)
        # When the feed follows the log while nobody subscribes
        stored = webhooks.outbox.follow()
        # Then it has passed every event, storing nothing and reading no batch to make notices nobody hears
        assert (stored, webhooks.outbox.position()) == (0, head(ledger))
        assert read == []
    finally:
        webhooks.close()


@pytest.mark.parametrize("followed_before", [False, True], ids=["in-one-chunk", "earlier-events-passed-first"])
def test_a_subscription_made_mid_way_hears_exactly_the_events_after_it(
    county: County, monkeypatch: pytest.MonkeyPatch, followed_before: bool
) -> None:
    # Given a delivery received and held before the supplier subscribes (and the feed perhaps past it already)
    ledger = county.ledger
    earlier = county.receive(supplier_lot="HX260301-1", invoice_number="FP20260302001")
    send(ledger, PutOnHold, {"code": earlier, "reason": "供应商召回通知", "by": WANG, "at": at(hour=9)})
    webhooks = Webhooks(ledger)
    try:
        if followed_before:
            webhooks.outbox.follow()
        made, _ = webhooks.subscribe(SUPPLIER, "https://erp.hengxin.example/hooks", KINDS, "恒鑫 ERP")
        assert made.since_position == head(ledger)
        # When the held batch is released and another delivery received, and the feed follows the log
        later = county.receive(supplier_lot="HX260301-2", invoice_number="FP20260302002")
        send(ledger, Release, {"code": earlier, "reason": "检验合格，解除封存", "by": WANG, "at": at(hour=10)})
        reading = batches_read(ledger, monkeypatch)
        webhooks.outbox.follow()
        read = list(reading)
        # Then the supplier is told of exactly the events after its since_position, each once
        sent = webhooks.deliveries(SUPPLIER, made.id, limit=100)[0]
        assert sorted((d["position"], d["kind"]) for d in sent) == told_after(ledger, made.since_position)
        assert sorted(d["kind"] for d in sent) == ["batch.released", "certificate.missing", "delivery.received"]
        # And the events before it made no notices: the first batch was read for its release, not its receipt
        assert set(read) == {batch_id(later), batch_id(earlier)}
        assert read.count(batch_id(earlier)) == 1
    finally:
        webhooks.close()


def told_after(ledger: Ledger, since: int) -> list[tuple[int, str]]:
    """What every event after ``since`` tells, as the notices read it from the log themselves."""
    return sorted(
        (n.id, str(notice.kind))
        for n in ledger.recorder.select_notifications(start=since + 1, limit=1000)
        for notice in notices(ledger, n.id, ledger.mapper.to_domain_event(n))
    )
