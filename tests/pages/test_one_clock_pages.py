"""The batch timeline tells time on the county's clock, for a batch recorded live (stored in UTC), on an
investigator's laptop set to another zone and a server whose own zone is UTC."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from api.tokens import Credentials
from tests.clock import COUNTY, live_clock
from tests.county import ADMIN, DAY
from tests.pages.conftest import DESKTOP, Phones, SchoolDay
from tests.pages.test_investigator_walk import sign_in_with_token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_timeline_of_a_batch_recorded_live_reads_on_the_county_clock(
    server_in_utc: None, school_day: SchoolDay, phones: Phones, server: str
) -> None:
    county = school_day.county
    code = county.receive(at=live_clock(7, 30))  # 23:30 UTC the evening before
    county.certify(code)
    county.issue(code, "5", at=live_clock(10))
    school_day.catch_up()
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]

    laptop = phones.open(viewport=DESKTOP, timezone_id="America/New_York")
    sign_in_with_token(laptop, token)
    laptop.goto(f"/app/batch/{code}/timeline")
    events = laptop.locator("#timeline li.event")
    expect(events).to_have_count(6)
    received, issued = events.first.locator("time"), events.last.locator("time")
    expect(received).to_have_attribute("datetime", f"{DAY}T07:30:00{COUNTY}")
    expect(received).to_have_text(re.compile(r"2026.03.02 07:30"))
    expect(issued).to_have_attribute("datetime", f"{DAY}T10:00:00{COUNTY}")
    expect(issued).to_have_text(re.compile(r"2026.03.02 10:00"))
    stamps = laptop.locator("#timeline time").evaluate_all("(nodes) => nodes.map((n) => n.getAttribute('datetime'))")
    assert stamps and all(stamp.endswith(COUNTY) for stamp in stamps)

    # The batch as it stood at 09:00 on the county's clock: before the issue, whatever the laptop's zone.
    laptop.get_by_label("时刻", exact=True).fill(f"{DAY}T09:00")
    laptop.get_by_role("button", name="查看", exact=True).click()
    expect(laptop.locator("#as-of-on-hand")).to_have_text("20 kg")
    expect(laptop.locator("#timeline li.later")).to_have_count(1)
