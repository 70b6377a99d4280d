"""A projection of the Ledger's events that writes many events' rows and one position per transaction.

The library's ``Projection.process_event`` writes one event per transaction (about 1,400 events/s into
PostgreSQL); a rebuild of three years would take hours. ``process`` takes a chunk of events instead, and
the view records the chunk's last notification id in the same transaction as the rows.

Each view dispatches an event to its handler by the event's class (``handle``, a ``singledispatchmethod`` as in
the library's own projections), and reads from the log exactly the events it has handlers for (``topics``).
The domain's other events it lists as ``not_needed``; tests/projections/test_dispatch.py checks that every
event class the domain defines is one or the other, for every view.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from domain.rules import DEFAULT_PROFILE, RulesProfile
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


def event_class(aggregate: type, name: str) -> type[Any]:
    """One of an aggregate's event classes, by name: ``@event("Received")`` makes them where mypy cannot see.

    A name the aggregate has no event for fails here, as the module that asks is imported.
    """
    found = vars(aggregate).get(name)
    if not (isinstance(found, type) and issubclass(found, DomainEvent)):
        raise AttributeError(f"{aggregate.__qualname__} has no event class {name!r}")
    return found


def events_of(aggregate: type, names: str) -> tuple[type[Any], ...]:
    """Several of an aggregate's event classes: ``names`` separated by spaces, as namedtuple's fields are."""
    return tuple(event_class(aggregate, name) for name in names.split())


def topics_of(aggregate: type, *events: str) -> tuple[str, ...]:
    """The stored topics of an aggregate's events."""
    return tuple(get_topic(event_class(aggregate, name)) for name in events)


def named(event: Event, names: str) -> dict[str, Any]:
    """The event's fields of these names (separated by spaces), for the columns that have the same names.

    Read from the stored fields directly: ``getattr`` by name costs about a microsecond on these classes.
    """
    fields = vars(event)
    return {name: fields[name] for name in _split(names)}


@functools.cache
def _split(names: str) -> tuple[str, ...]:
    return tuple(names.split())


class UnhandledEvent(TypeError):
    """An event reached a view that has no handler for it: the view stops there rather than drop it unseen."""


def handlers() -> singledispatchmethod[None]:
    """A view's own dispatch by event class: ``handle = handlers()``, then ``@handle.register(EventClass)``.

    Each handler takes ``(self, event, chunk, notification_id)``; an event with none raises UnhandledEvent.
    """
    return singledispatchmethod(_unhandled)


def _unhandled(self: ChunkProjection, event: Event, chunk: Any, notification_id: int) -> None:
    raise UnhandledEvent(f"{self.name} has no handler for {event_name(event)}")


class ChunkProjection(Projection[PostgresView | SQLiteView]):
    name: str = ""
    schema: ClassVar[Schema]
    not_needed: ClassVar[tuple[type[DomainEvent], ...]] = ()  # the domain's events this view has no use for
    handle: ClassVar[singledispatchmethod[None]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.topics = tuple(get_topic(event) for event in cls.handled())

    @classmethod
    def handled(cls) -> tuple[type[DomainEvent], ...]:
        """The event classes this view's ``handle`` has a handler for, in the order they were registered."""
        handle = cls.__dict__.get("handle")
        if not isinstance(handle, singledispatchmethod):
            raise TypeError(f"{cls.__name__} must have a dispatch of its own: handle = handlers()")
        return tuple(event for event in handle.dispatcher.registry if event is not object)

    def __init__(self, view: PostgresView | SQLiteView, profile: RulesProfile = DEFAULT_PROFILE) -> None:
        super().__init__(view)
        self.profile = profile

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """The library's one-event entry point, for its ProjectionRunner on PostgreSQL."""
        self.process([(tracking.notification_id, domain_event)], None, tracking.notification_id)

    def process(self, events: Sequence[Numbered], expected: int | None, to: int) -> None:
        """Apply ``events`` and move the position from ``expected`` to ``to``, all in one transaction."""
        with self.view.writing(LEDGER, expected, to) as writer:
            if events:
                self.apply(events, writer)

    def apply(self, events: Sequence[Numbered], writer: Writer) -> None:
        """Write the rows for these events: what they need read once, each handled in log order, then written."""
        chunk = self.load(events, writer)
        # ``handle``'s own dispatch, with each class's handler looked up once a chunk: calling ``self.handle``
        # looks it up again and binds it for every event (about a microsecond each).
        dispatch = inspect.getattr_static(self, "handle").dispatcher.dispatch
        found: dict[type, Callable[..., None]] = {}
        for notification_id, event in events:
            handler = found.get(type(event))
            if handler is None:
                handler = found[type(event)] = dispatch(type(event))
            handler(self, event, chunk, notification_id)
        self.write(chunk, writer)

    @abstractmethod
    def load(self, events: Sequence[Numbered], writer: Writer) -> Any:
        """What the chunk's handlers read and change, read from the view in a few queries."""

    @abstractmethod
    def write(self, chunk: Any, writer: Writer) -> None:
        """Write back what the handlers changed."""
