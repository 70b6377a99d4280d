"""View rows as plain JSON values, the same on both backends.

PostgreSQL returns dates, times, Decimals and UUIDs; SQLite returns the text they were stored as. Times come
out in the county's zone (ISO 8601 with the offset), since that is how staff read them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clock import county_iso
from domain.validity import past_use_by

Row = dict[str, Any]
FLAGS = frozenset({"voided", "passed", "on_hold", "pork", "in_stock", "late"})
TIMES = frozenset({"keep_until"})  # besides every column ending in _at
LISTS = frozenset({"dishes", "batch_codes"})  # stored as JSON lists of text (projections/trace_schema.py)


@cache
def _kind(key: str) -> str:
    if key in FLAGS:
        return "flag"
    if key in LISTS:
        return "list"
    return "time" if key.endswith("_at") or key in TIMES else "value"


def plain_value(key: str, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return None
    kind = _kind(key)
    if kind == "flag":
        return bool(value)
    if kind == "time":
        return county_iso(value, zone)
    if kind == "list" and isinstance(value, str):
        return json.loads(value)
    if value.__class__ in (str, int):  # most values: nothing to do
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def plain(row: Row, zone: ZoneInfo) -> Row:
    """As ``plain_value`` on each value, with the work each column needs found once per column and type.

    A trace turns some thousands of values per answer: most are text or integers that stay as they are.
    """
    out = {}
    for key, value in row.items():
        if value is not None:
            convert = _CONVERTERS.get((key, value.__class__), _UNKNOWN)
            if convert is _UNKNOWN:
                convert = _converter(key, value.__class__)
            if convert is not None:
                value = convert(value, zone)
        out[key] = value
    return out


_UNKNOWN: Any = object()
_CONVERTERS: dict[tuple[str, type], Any] = {}


def _converter(key: str, cls: type) -> Any:
    """What ``plain_value`` does to a value of this column and type: None where it hands the value back as it is."""
    kind = _kind(key)
    convert: Any
    if (kind == "flag" and cls is bool) or (kind == "value" and cls in (str, int)):
        convert = None
    elif kind == "time":
        convert = _county_datetime if issubclass(cls, datetime) else county_iso
    elif kind == "value" and issubclass(cls, date):
        convert = _isoformat
    elif kind == "value" and issubclass(cls, Decimal | UUID):
        convert = _text
    else:
        convert = partial(plain_value, key)
    _CONVERTERS[(key, cls)] = convert
    return convert


def _county_datetime(value: datetime, zone: ZoneInfo) -> str:
    """``county_iso`` of a time read from PostgreSQL, which has an offset (one without: county_iso refuses it)."""
    return county_iso(value, zone) if value.tzinfo is None else value.astimezone(zone).isoformat()


def _isoformat(value: date, zone: ZoneInfo) -> str:
    return value.isoformat()


def _text(value: Any, zone: ZoneInfo) -> str:
    return str(value)


def plain_rows(rows: Iterable[Row], zone: ZoneInfo) -> list[Row]:
    return [plain(row, zone) for row in rows]


def people(text: str) -> list[str]:
    """Signers are stored comma-joined."""
    return [p for p in text.split(",") if p]


def expired(use_by_date: str, today: date) -> bool:
    """已过期, as the domain judges it, for a plain row's ISO use-by date."""
    return past_use_by(date.fromisoformat(use_by_date), today)
