"""The feed upward (向上级平台推送): each batch event of the log, as an EPCIS 2.0 document, to a capture endpoint.

It is one feed of the outbox (api/outbox.py), which follows the log by position with a checkpoint in the database,
stores each event's message once and retries with back-off while the receiver is away: each log position is sent
exactly once (key ``epcis-<position>``, also sent as ``Idempotency-Key``), in log order while the receiver answers.
A correction (更正) sends the event it voids again, with the same eventID and an ``errorDeclaration``, as EPCIS has
it. ``foodtrace epcis push --to URL`` runs it in its own process; FOODTRACE_EPCIS_PUSH_URL makes the server run it
beside the web app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from api.outbox import Message, Outbox, Retry
from domain.batch import IngredientBatch
from domain.glossary import BATCH_EVENTS
from domain.ledger import Ledger
from projections.epcis import SKIPPED, Naming, epcis_document, epcis_event_at, recorded_time

FEED = "epcis"
DESTINATION = "capture"
EPCIS_JSON_LD = "application/ld+json"
# Only a batch's events become EPCIS events; the outbox reads no other topics.
TOPICS = [f"{IngredientBatch.__module__}:IngredientBatch.{name}" for name in BATCH_EVENTS if name not in SKIPPED]


def epcis_feed(ledger: Ledger, url: str, base: str, retry: Retry | None = None, bearer: str | None = None) -> Outbox:
    """The outbox that POSTs each batch event to ``url`` as an EPCISDocument; ``bearer``: the endpoint's token."""
    names = Naming(base=base, zone=ledger.profile.zone)

    def to_messages(position: int, event: Any) -> Iterator[Message]:
        stream = list(ledger.events.get(event.originator_id, lte=event.originator_version))
        mapped = epcis_event_at(stream, names)
        if mapped is None:
            return
        body = json.dumps(epcis_document([mapped], recorded_time(event), names), ensure_ascii=False)
        key = f"epcis-{position}"
        yield Message(
            key=key, destination=DESTINATION, url=url, kind=mapped["type"], body=body, content_type=EPCIS_JSON_LD
        )

    def headers(message: Message, attempt: int) -> Mapping[str, str]:
        return {"Idempotency-Key": message.key, **({"Authorization": f"Bearer {bearer}"} if bearer else {})}

    # Not in_order: that sends one message per round, and a backlog of years would take weeks. Each event names its
    # own times and eventID, so a message retried after a failure may arrive after later ones.
    return Outbox(FEED, ledger, lambda last: to_messages, topics=TOPICS, headers=headers, retry=retry)
