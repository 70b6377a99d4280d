"""RecentCache answers and evicts exactly as the library's LRUCache it stands in for (the aggregate cache)."""

from __future__ import annotations

import random
from typing import Any

from eventsourcing.application import LRUCache

from domain.recent import RecentCache


def got(cache: LRUCache[Any, Any], key: Any, *, evict: bool = False) -> Any:
    try:
        return cache.get(key, evict=evict)
    except KeyError:
        return KeyError


def test_gets_puts_and_evictions_match_the_library_cache_on_random_use() -> None:
    draw = random.Random(15)
    for maxsize in (1, 2, 3, 5, 8):
        library: LRUCache[int, Any] = LRUCache(maxsize=maxsize)
        recent: RecentCache[int, Any] = RecentCache(maxsize=maxsize)
        for step in range(3_000):
            key, roll = draw.randrange(maxsize * 2 + 1), draw.random()
            if roll < 0.4:
                value = None if draw.random() < 0.05 else f"record {step}"
                assert recent.put(key, value) == library.put(key, value)  # the evicted key and value, if any
            elif roll < 0.9:
                assert got(recent, key) == got(library, key)
            else:
                assert got(recent, key, evict=True) == got(library, key, evict=True)
            assert set(recent.cache) == set(library.cache) and recent.full == library.full


def test_a_cleared_cache_holds_nothing() -> None:
    recent: RecentCache[str, int] = RecentCache(maxsize=2)
    recent.put("school", 1)
    recent.put("supplier", 2)
    recent.clear()
    assert got(recent, "school") is KeyError and not recent.full
