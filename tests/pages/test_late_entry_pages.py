"""补录 on the pages: a receipt written up from the paper slip two hours late shows both times on the batch's
timeline and in the 台账, which keeps it at the hour it happened."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.county import DAY, at
from tests.pages.conftest import DESKTOP, PRINCIPAL, Phones, SchoolDay
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_a_late_receipt_shows_both_times_on_the_timeline_and_in_the_ledger(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    greens = school_day.county.receive(product="青菜", category="plant", supplier_lot="LY0302", at=at(DAY, 8))
    pork = school_day.county.receive(at=at(DAY, 8, 45), occurred_at=at(DAY, 6, 45))  # from the paper slip
    school_day.set_clock(9)
    school_day.catch_up()

    desktop = phones.open(viewport=DESKTOP)
    open_app(desktop, PRINCIPAL, f"/app/batch/{pork}/timeline")
    received = desktop.locator("#timeline li.event").first
    expect(received.locator("time")).to_have_attribute("datetime", f"{DAY}T06:45:00+08:00")
    expect(received.locator(".late-entry")).to_have_text("补录 · 录入于 2026/03/02 08:45")

    desktop.goto("/app/ledger?school=CG01&month=2026-03")
    rows = desktop.locator("#book tbody tr:not(.balance)")
    expect(rows.first).to_contain_text(pork)
    expect(rows.first.locator(".late-entry")).to_have_text("补录 · 录入于 2026/03/02 08:45")
    expect(rows.nth(1)).to_contain_text(greens)
    expect(rows.nth(1).locator(".late-entry")).to_have_count(0)
