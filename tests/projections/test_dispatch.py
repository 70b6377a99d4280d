"""Every view hands each event to a handler chosen by the event's class; none passes an event by unseen.

Each event class the domain defines is, for every view, either handled or listed by that view as not needed:
a new event (or a new version of one) fails here until someone decides what each view does with it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from eventsourcing.domain import AggregateCreated, BaseAggregate, DomainEvent
from eventsourcing.utils import get_topic

import domain
from domain.batch import IngredientBatch
from domain.staff import StaffMember
from projections.projection import LEDGER, ChunkProjection, Event, UnhandledEvent, event_class, handlers
from projections.service import PROJECTIONS, Projections
from tests.county import County


def domain_aggregates() -> set[type]:
    """Every aggregate class defined anywhere under domain/."""
    return {
        value
        for module in pkgutil.walk_packages(domain.__path__, "domain.")
        for value in vars(importlib.import_module(module.name)).values()
        if isinstance(value, type) and issubclass(value, BaseAggregate) and value.__module__.startswith("domain.")
    }


def recorded_events(aggregate: type) -> set[type]:
    """The event classes an aggregate records: not its base ``Event``, nor the library's ``Created`` when the
    aggregate's creation has an event of its own name (``@event("Received")`` on ``__init__``)."""
    events = {
        value
        for value in vars(aggregate).values()
        if isinstance(value, type) and issubclass(value, DomainEvent) and value is not vars(aggregate).get("Event")
    }
    created = {event for event in events if issubclass(event, AggregateCreated)}
    if len(created) > 1:
        events.discard(vars(aggregate)["Created"])
    return events


DOMAIN_EVENTS = {event for aggregate in domain_aggregates() for event in recorded_events(aggregate)}


def names(events: set[type]) -> list[str]:
    return sorted(event.__qualname__ for event in events)


def test_the_walk_finds_the_domains_events_old_versions_included() -> None:
    assert event_class(IngredientBatch, "Received") in DOMAIN_EVENTS
    issued = event_class(IngredientBatch, "IssuedToKitchen")
    assert issued in DOMAIN_EVENTS and issued.class_version == 3  # upcast from v1 and v2
    assert "IdempotencyRecord.Recorded" in names(DOMAIN_EVENTS)
    assert not {"IngredientBatch.Created", "IngredientBatch.Event"} & set(names(DOMAIN_EVENTS))


@pytest.mark.parametrize("view", PROJECTIONS, ids=lambda view: view.name)
def test_every_event_the_domain_defines_is_handled_or_listed_as_not_needed(view: type[ChunkProjection]) -> None:
    handled, not_needed = set(view.handled()), set(view.not_needed)
    assert names(DOMAIN_EVENTS - handled - not_needed) == []  # decide: a handler, or not needed by this view
    assert names(handled & not_needed) == []
    assert names((handled | not_needed) - DOMAIN_EVENTS) == []  # an event the domain no longer defines


@pytest.mark.parametrize("view", PROJECTIONS, ids=lambda view: view.name)
def test_a_view_reads_from_the_log_the_events_it_handles_and_no_others(view: type[ChunkProjection]) -> None:
    assert set(view.topics) == {get_topic(event) for event in view.handled()}
    assert not {get_topic(event) for event in view.not_needed} & set(view.topics)


def test_an_event_that_reaches_a_view_without_a_handler_stops_it_there(county: County, views: Projections) -> None:
    views.catch_up()
    warehouse = views.projections["warehouse"]
    position = warehouse.view.max_tracking_id(LEDGER) or 0
    topic = get_topic(event_class(StaffMember, "Suspended"))  # not needed by the warehouse ledger
    (notification,) = county.ledger.recorder.select_notifications(start=1, limit=1000, topics=[topic])
    suspended = county.ledger.mapper.to_domain_event(notification)

    with pytest.raises(UnhandledEvent, match=r"view_warehouse has no handler for StaffMember\.Suspended"):
        warehouse.process([(position + 1, suspended)], position, position + 1)

    assert warehouse.view.max_tracking_id(LEDGER) == position


def test_a_misspelt_event_fails_as_the_view_is_defined() -> None:
    with pytest.raises(AttributeError, match="IngredientBatch has no event class 'Recieved'"):

        class Misspelt(ChunkProjection):
            handle = handlers()

            @handle.register(event_class(IngredientBatch, "Recieved"))
            def _received(self, event: Event, chunk: None, notification_id: int) -> None:
                pass


def test_a_view_without_its_own_dispatch_fails_as_it_is_defined() -> None:
    with pytest.raises(TypeError, match="must have a dispatch of its own"):

        class Undispatched(ChunkProjection):
            def handle(self, event: Event, chunk: None, notification_id: int) -> None:
                pass
