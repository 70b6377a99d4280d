"""A projection of the Ledger's events that writes many events' rows and one position per transaction.

The library's ``Projection.process_event`` writes one event per transaction (about 1,400 events/s into
PostgreSQL); a rebuild of three years would take hours. ``process`` takes a chunk of events instead, and
the view records the chunk's last notification id in the same transaction as the rows.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.store import PostgresView, Schema, SQLiteView, Writer

LEDGER = "Ledger"  # the application whose log the views follow (its name keys the tracking rows)

Event = Any  # a decoded domain event of the Ledger
Numbered = tuple[int, Event]  # with its notification id


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
