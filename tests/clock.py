"""The county's clock as tests check it: every time-looking string in an answer must carry the county's offset."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tests.county import DAY, at

# An ISO 8601 date and time, with or without an offset: every one in an answer must end in the county's +08:00.
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
COUNTY = "+08:00"
OTHER_ZONES = ["UTC", "America/New_York"]  # a server's own zone (TZ) that must change nothing


def times_in(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every time-looking string in a JSON answer, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from times_in(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from times_in(item, f"{path}[{n}]")
    elif isinstance(value, str):
        yield from ((path, found) for found in ISO_TIME.findall(value))


def off_the_county_clock(answer: Any) -> list[tuple[str, str]]:
    return [(path, time) for path, time in times_in(answer) if not time.endswith(COUNTY)]


def live_clock(hour: int, minute: int = 0) -> datetime:
    """A moment of the test county's school day as a live server records it: UTC, as datetime.now(UTC) gives it."""
    return at(DAY, hour, minute).astimezone(UTC)
