"""Wide tables on a small phone (360×740): the backward trace's staff table and the month's 台账. A code, a person
id or a certificate's number never breaks inside; every column can be scrolled to; and while a table is wider than
the screen, it says so — a "← 左右滑动查看 →" line above it and a fade on the side that has more."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from api.tokens import Credentials
from tests.county import ADMIN
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import DESKTOP, SMALL_PHONE, Phones, SchoolDay, screenshot
from tests.pages.incident import same_pork_at_two_schools
from tests.pages.test_investigator_walk import sign_in_with_token

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

BACKWARD = "/app/trace?school=CG01&meal_date=2026-03-02&meal=lunch"

# Each unbreakable piece of text in ``table`` that a line break split: an inline box that wraps has one client
# rectangle per line.
BROKEN = """(table) => [...table.querySelectorAll("a.code, .code, .nowrap")]
  .filter((node) => node.getClientRects().length > 1).map((node) => node.textContent)"""

# The scrolling box of ``table``: how far it scrolls, and what it shows of the sign.
SCROLLING = """(table) => {
  const box = table.closest(".table-wrap"), frame = box.parentElement, area = frame.parentElement;
  const hint = area.querySelector(".scroll-hint");
  const fade = (side) => Number(getComputedStyle(frame, side).opacity);
  return {
    overflow: getComputedStyle(box).overflowX, more: box.scrollWidth - box.clientWidth,
    hint: !hint.hidden && hint.getBoundingClientRect().height > 0 ? hint.textContent : null,
    left: fade("::before"), right: fade("::after"),
    page_wider: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  };
}"""

# Scroll the box to its far right; then the last column's right edge is on the screen.
TO_THE_END = """(table) => {
  const box = table.closest(".table-wrap");
  box.scrollLeft = box.scrollWidth;
  const last = table.querySelector("thead th:last-child").getBoundingClientRect();
  return last.right <= document.documentElement.clientWidth + 1 && last.left >= 0;
}"""


def a_phone_signed_in(phones: Phones, school_day: SchoolDay, server: str, viewport: dict[str, int]) -> Page:
    same_pork_at_two_schools(school_day, server)
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    page = phones.open(viewport=viewport)
    sign_in_with_token(page, token)
    return page


def scrolling(page: Page, table: str) -> dict[str, Any]:
    found: dict[str, Any] = page.locator(table).evaluate(SCROLLING)
    return found


def assert_scrolls_with_a_sign(page: Page, table: str) -> None:
    """Wider than the screen, in its own scrolling box, with the hint and the right-hand fade; at the far right,
    the last column shows and the fade moves to the left."""
    frame = page.locator(table).locator("xpath=ancestor::div[contains(@class, 'scroll-frame')]")
    expect(frame).to_have_class("scroll-frame more-right")  # the page has measured the table
    start = scrolling(page, table)
    assert start["overflow"] == "auto" and start["more"] > 0, start
    assert not start["page_wider"], "the page itself scrolls sideways"
    assert start["hint"] == "← 左右滑动查看 →", start
    assert (start["left"], start["right"]) == (0, 1), start
    assert page.locator(table).evaluate(TO_THE_END), "the last column cannot be scrolled to"
    expect(frame).to_have_class("scroll-frame more-left")
    end = scrolling(page, table)
    assert (end["left"], end["right"]) == (1, 0), end


def test_the_backward_traces_staff_table_on_a_small_phone(phones: Phones, school_day: SchoolDay, server: str) -> None:
    phone = a_phone_signed_in(phones, school_day, server, SMALL_PHONE)
    phone.goto(BACKWARD)
    people = phone.locator("#people table")
    expect(people.locator("tbody tr")).to_have_count(4)

    assert people.evaluate(BROKEN) == []
    expect(people.locator("tbody tr").last).to_contain_text("(CG01-zhang)")
    expect(people.locator("tbody a.code").first).to_be_visible()  # the batch code links to its timeline
    assert_scrolls_with_a_sign(phone, "#people table")
    assert_accessible(phone)
    phone.locator("#people").evaluate("(people) => people.scrollIntoView()")
    screenshot(phone, "trace-people-small-phone")


def test_the_ledger_on_a_small_phone_says_it_scrolls_sideways(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    phone = a_phone_signed_in(phones, school_day, server, SMALL_PHONE)
    phone.goto("/app/ledger?school=CG01&month=2026-03")
    book = phone.locator("#book-table table")
    expect(book.locator("tbody tr")).to_have_count(2)

    assert book.evaluate(BROKEN) == []
    assert_scrolls_with_a_sign(phone, "#book-table table")
    assert_accessible(phone)
    phone.locator("#book").evaluate("(book) => book.scrollIntoView()")
    screenshot(phone, "ledger-small-phone")


def test_a_table_that_fits_shows_no_sign(phones: Phones, school_day: SchoolDay, server: str) -> None:
    desktop = a_phone_signed_in(phones, school_day, server, DESKTOP)
    desktop.goto(BACKWARD)
    expect(desktop.locator("#people tbody tr")).to_have_count(4)

    fits = scrolling(desktop, "#people table")
    assert fits["more"] <= 1 and fits["hint"] is None and (fits["left"], fits["right"]) == (0, 0), fits
