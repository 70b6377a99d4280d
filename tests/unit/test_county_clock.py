"""The one rule for times shown: the county's clock with its offset; a time without an offset is never guessed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.clock import county_iso, county_time, offset_label
from domain.rules import RulesProfile

SHANGHAI = RulesProfile().zone


def test_a_moment_in_any_offset_is_shown_on_the_county_clock() -> None:
    new_york = timezone(timedelta(hours=-5))
    for moment in (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), datetime(2026, 3, 1, 18, 30, tzinfo=new_york)):
        assert county_iso(moment, SHANGHAI) == "2026-03-02T07:30:00+08:00"
    assert county_iso("2026-03-01T23:30:00Z", SHANGHAI) == "2026-03-02T07:30:00+08:00"
    assert county_time(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), SHANGHAI) == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def test_a_time_without_an_offset_is_refused_not_read_on_the_servers_clock() -> None:
    with pytest.raises(ValueError, match="no offset"):
        county_time(datetime(2026, 3, 2, 7, 30), SHANGHAI)


def test_the_offset_is_written_as_people_write_it() -> None:
    assert offset_label(county_time(datetime(2026, 3, 2, tzinfo=UTC), SHANGHAI)) == "+08:00"


def test_the_countys_date_is_the_date_on_its_clock() -> None:
    assert RulesProfile().local_date(datetime(2026, 3, 1, 16, 30, tzinfo=UTC)) == datetime(2026, 3, 2).date()
