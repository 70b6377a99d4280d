"""A view's handler for one event replaced, as a deployed bug would replace it, until monkeypatch undoes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from eventsourcing.dispatch import singledispatchmethod

from projections.projection import ChunkProjection


def replace_handler(
    monkeypatch: pytest.MonkeyPatch, view: type[ChunkProjection], event: type, handler: Callable[..., None]
) -> None:
    """``view`` dispatches ``event`` to ``handler`` (self, event, chunk, notification_id); its other handlers stay."""
    original = view.__dict__["handle"]
    patched: singledispatchmethod[None] = singledispatchmethod(original.func)
    for cls, func in original.dispatcher.registry.items():
        if cls is not object:
            patched.register(cls, func)
    patched.register(event, handler)
    monkeypatch.setattr(view, "handle", patched)
