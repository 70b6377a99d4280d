"""Fixtures for the fault suite: the real app over a real store (as tests/api uses) and the projector, both backends."""

from __future__ import annotations

from tests.api.conftest import Api, api
from tests.projections.conftest import views

__all__ = ["Api", "api", "views"]
