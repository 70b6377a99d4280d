"""A projection of the Ledger's events that writes many events' rows and one position per transaction.

The library's ``Projection.process_event`` writes one event per transaction (about 1,400 events/s into
PostgreSQL); a rebuild of three years would take hours. ``process`` takes a chunk of events instead, and
the view records the chunk's last notification id in the same transaction as the rows.
"""

from __future__ import annotations

import dataclasses
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.store import PostgresView, Schema, SQLiteView, Writer, view_text

LEDGER = "Ledger"  # the application whose log the views follow (its name keys the tracking rows)

Event = Any  # a decoded domain event of the Ledger
Numbered = tuple[int, Event]  # with its notification id


def readable(event: Event) -> Event:
    """The event as the views see it: NUL in any of its text as U+FFFD (``view_text``), all else as stored.

    Done once, before any projection reads the event, so that what a view keeps in memory (a product's key, a
    name) and what it reads back from its tables agree. Events recorded before text was checked may hold NUL.
    """
    for name, value in vars(event).items():
        safe = _safe(value)
        if safe is not value:
            object.__setattr__(event, name, safe)
    return event


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return view_text(value)
    if isinstance(value, list | tuple):
        items = [_safe(item) for item in value]
        return type(value)(items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        found = {key: _safe(item) for key, item in value.items()}
        return found if any(found[key] is not item for key, item in value.items()) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
        changed = any(fields[name] is not getattr(value, name) for name in fields)
        return dataclasses.replace(value, **fields) if changed else value
    return value


def event_name(event: Event) -> str:
    """ "IngredientBatch.Received": the aggregate and the event, as the topics spell them."""
    return str(type(event).__qualname__)


def topics_of(aggregate: type, *events: str) -> tuple[str, ...]:
    """The stored topics of an aggregate's events (classes that ``@event`` makes, so looked up by name)."""
    return tuple(get_topic(getattr(aggregate, name)) for name in events)


class ChunkProjection(Projection[PostgresView | SQLiteView]):
    name: str = ""
    schema: ClassVar[Schema]

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """The library's one-event entry point, for its ProjectionRunner on PostgreSQL."""
        self.process([(tracking.notification_id, domain_event)], None, tracking.notification_id)

    def process(self, events: Sequence[Numbered], expected: int | None, to: int) -> None:
        """Apply ``events`` and move the position from ``expected`` to ``to``, all in one transaction."""
        with self.view.writing(LEDGER, expected, to) as writer:
            if events:
                self.apply(events, writer)

    @abstractmethod
    def apply(self, events: Sequence[Numbered], writer: Writer) -> None:
        """Write the rows for these events (in log order)."""
