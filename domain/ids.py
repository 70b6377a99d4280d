"""Stream ids that follow from what a record is and its natural key, so a code resolves without any index."""

from __future__ import annotations

from functools import cache, lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5


@lru_cache(maxsize=4096)  # a command looks up the same school, supplier and staff again and again
def stream_id(kind: str, *key: str) -> UUID:
    """The id of the ``kind`` record that ``key`` names: the same key always gives the same stream.

    A key of several parts is joined with the unit separator, which no code or name contains.
    """
    return uuid5(namespace(kind), "\x1f".join(key))


@cache
def namespace(kind: str) -> UUID:
    """The namespace of ``kind``'s ids (a handful of kinds, so each computed once)."""
    return uuid5(NAMESPACE_URL, f"https://foodtrace.invalid/{kind}")
