"""Aggregates whose events are declared once (as dataclass fields or an event class) still write the events they
wrote before: the same topic and the same fields, so records stored by earlier versions load and new ones match.

event_fields_v1.json was written from the code as it stood before those declarations changed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from eventsourcing.utils import resolve_topic

PINNED: dict[str, list[str]] = json.loads((Path(__file__).parent / "event_fields_v1.json").read_text("utf-8"))
ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic"}


@pytest.mark.parametrize("topic", sorted(PINNED))
def test_event_class_keeps_its_topic_and_fields(topic: str) -> None:
    event_class = resolve_topic(topic)
    fields = {f.name for f in dataclasses.fields(event_class)} - ENVELOPE
    # Every stored field is still there; a field added later comes with an upcaster, as the golden test checks.
    assert set(PINNED[topic]) <= fields, set(PINNED[topic]) - fields
    assert not fields & {"revoked_at", "status", "closed_reason", "certificates"}  # state, never stored
