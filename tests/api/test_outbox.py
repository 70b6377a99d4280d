"""The outbox follows the log by position and delivers each event's messages exactly once, retrying failures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from api.outbox import Message, Outbox, Retry
from domain.ledger import Ledger
from domain.registry import RegisterSchool
from projections.projection import event_name
from tests.api.receiver import Receiver, until
from tests.county import ADMIN, County, at

FAST = Retry(first=0.05, factor=2, most=0.2, attempts=30, timeout=2)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


def every_event(receiver: Receiver) -> Any:
    def to_messages(position: int, event: Any) -> Iterable[Message]:
        body = json.dumps({"position": position, "type": event_name(event)})
        yield Message(key=f"event-{position}", destination="county", url=receiver.url, kind="event", body=body)

    return to_messages


def outbox(ledger: Ledger, receiver: Receiver, **options: Any) -> Outbox:
    return Outbox("test", ledger, lambda last: every_event(receiver), **{"retry": FAST, **options})


def positions(receiver: Receiver) -> list[int]:
    return [json.loads(r.body)["position"] for r in receiver.accepted]


def test_each_event_is_delivered_once_in_log_order(ledger: Ledger, receiver: Receiver) -> None:
    County.set_up(ledger)
    head = ledger.recorder.max_notification_id() or 0
    feed = outbox(ledger, receiver, in_order=True)
    try:
        assert feed.follow() == head
        assert feed.follow() == 0  # a second look finds nothing new: the checkpoint moved with the messages
        until(lambda: len(receiver.accepted) == head, step=feed.run_once)
        feed.run_once()
        assert positions(receiver) == list(range(1, head + 1))
        assert receiver.accepted[0].headers["content-type"] == "application/json"
        assert feed.position() == head
    finally:
        feed.close()


def test_a_failed_attempt_is_tried_again_and_listed(ledger: Ledger, receiver: Receiver) -> None:
    ledger.execute(RegisterSchool(code="CG01", name="城关第一小学", district="城关镇"), by=ADMIN, at=at())
    feed = outbox(ledger, receiver)
    try:
        receiver.fail_next(1)
        feed.follow()
        until(lambda: len(receiver.accepted) == 1, step=feed.run_once)
        assert len(receiver.refused) == 1
        [delivery] = feed.deliveries("county")
        assert delivery["status"] == "delivered"
        assert delivery["attempts"] == 2
        assert [t["status"] for t in delivery["tries"]] == [204, 500]
        assert delivery["tries"][1]["error"] == "HTTP 500"
    finally:
        feed.close()


def test_a_receiver_that_was_down_gets_everything_once_it_is_back(ledger: Ledger, receiver: Receiver) -> None:
    feed = outbox(ledger, receiver)
    try:
        receiver.stop()
        County.set_up(ledger)
        head = ledger.recorder.max_notification_id() or 0
        feed.run_once()
        until(lambda: all(d["attempts"] >= 2 for d in feed.deliveries("county", limit=1000)), step=feed.run_once)
        failed = feed.deliveries("county", limit=1)[0]
        assert failed["status"] == "pending"
        assert "Connection" in failed["last_error"] or "refused" in failed["last_error"]
        receiver.start()
        until(lambda: len(receiver.accepted) == head, step=feed.run_once)
        assert sorted(positions(receiver)) == list(range(1, head + 1))
    finally:
        feed.close()


def test_a_message_is_given_up_after_its_last_attempt(ledger: Ledger, receiver: Receiver) -> None:
    ledger.execute(RegisterSchool(code="CG01", name="城关第一小学", district="城关镇"), by=ADMIN, at=at())
    feed = outbox(ledger, receiver, retry=Retry(first=0.01, attempts=2, timeout=2))
    try:
        receiver.fail_next(5)
        until(lambda: feed.deliveries("county")[0]["status"] == "failed" if feed.position() else False, feed.run_once)
        assert feed.deliveries("county")[0]["attempts"] == 2
        assert receiver.accepted == []
    finally:
        feed.close()


def test_two_outboxes_of_one_feed_store_each_message_once(ledger: Ledger, receiver: Receiver) -> None:
    County.set_up(ledger)
    first, second = outbox(ledger, receiver), outbox(ledger, receiver)
    try:
        first.follow()
        second.follow()
        head = ledger.recorder.max_notification_id() or 0
        until(lambda: len(receiver.accepted) == head, step=lambda: (first.send_due(), second.send_due()))
        assert sorted(positions(receiver)) == list(range(1, head + 1))
    finally:
        first.close()
        second.close()
