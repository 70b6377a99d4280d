"""One clock in answers: every time a person or a program is shown is the county's wall clock, with its offset.

A stored event keeps the moment it was given in the offset it was given in: a write the server timestamps holds
its UTC clock, the demo and most typed times the county's. Both are the same moment, so nothing stored is ever
rewritten; answers, pages, the command line and exports convert here, at the edge, whatever the server's own zone.
"""

from __future__ import annotations

from datetime import datetime, tzinfo


def county_time(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the county's clock. A time without an offset is refused: it would be read in the server's zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no offset: which clock it was read on is unknown")
    return moment.astimezone(zone)


def county_iso(moment: datetime | str, zone: tzinfo) -> str:
    """ISO 8601 on the county's clock, e.g. 2026-03-02T07:30:00+08:00, from a time or its ISO text."""
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return county_time(parsed, zone).isoformat()


def offset_label(moment: datetime) -> str:
    """The offset of a county time as people write it after a time: +08:00."""
    text = moment.strftime("%z")  # +0800
    return f"{text[:3]}:{text[3:]}" if text else ""
