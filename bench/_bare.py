"""The library on its own: an aggregate with IngredientBatch's events, none of our rules or transcodings.

It lives outside bench/ledger.py because that file runs as ``__main__``, and an event class defined there
would be stored under the topic ``__main__:…``. Its Received and IssuedToKitchen events take their fields from
the domain's own event classes, so the two cannot drift apart; dates and the principal travel as plain strings
and a dict, which the default transcoder knows. The event bodies only keep what they carry.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from domain.batch import IngredientBatch

# Our transcodings, left out: the default transcoder knows strings and dicts.
PLAIN = {"date": "str", "Principal": "dict[str, Any]"}
LIBRARY_FIELDS = {f.name for f in dataclasses.fields(Aggregate.Created)}


def plain_fields(event_class: type) -> dict[str, Any]:
    """The fields one of our events adds to the library's, as annotations, with dates and the principal plain."""
    ours = [f for f in dataclasses.fields(event_class) if f.name not in LIBRARY_FIELDS]
    return {f.name: PLAIN.get(str(f.type), str(f.type)) for f in ours}


RECEIVED = plain_fields(IngredientBatch.Received)


class BareBatch(Aggregate):
    class Received(Aggregate.Created):
        __annotations__ = dict(RECEIVED)

        def apply(self, aggregate: Any) -> None:
            aggregate.received = {name: getattr(self, name) for name in RECEIVED}
            aggregate.issued = Decimal(0)

    class IssuedToKitchen(Aggregate.Event):
        __annotations__ = plain_fields(IngredientBatch.IssuedToKitchen)

        def apply(self, aggregate: Any) -> None:
            aggregate.issued += getattr(self, "quantity")  # noqa: B009  the field is declared above at run time

    @classmethod
    def receive(cls, **fields: Any) -> BareBatch:
        return cls._create(cls.Received, **fields)

    def issue_to_kitchen(self, **fields: Any) -> None:
        self.trigger_event(self.IssuedToKitchen, **fields)


class BareApplication(Application[UUID]):
    """A plain Application: default transcoder, no checks, no idempotency records."""
