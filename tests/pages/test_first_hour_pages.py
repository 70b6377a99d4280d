"""What a storekeeper sees in the first hour: every word readable, every folded section showing that it opens."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.county import WANG
from tests.pages.accessibility import violations
from tests.pages.conftest import Phones, SchoolDay
from tests.pages.steps import open_app

FOLD_SIGN = """(summary) => {
  const before = getComputedStyle(summary, "::before").content;
  const marker = getComputedStyle(summary, "::marker").content;
  return [before, marker, getComputedStyle(summary).display];
}"""


def _unfold_everything(page: Page) -> None:
    page.eval_on_selector_all("details", "(all) => all.forEach((d) => { d.open = true; })")


def test_every_word_on_the_intake_form_has_contrast(phones: Phones, school_day: SchoolDay) -> None:
    """The category choices 植物类, 肉类 and 其他 were white on white inside the folded 未预告的送货 section."""
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    _unfold_everything(phone)  # axe checks only what is shown
    contrast = [v for v in violations(phone) if v["id"] == "color-contrast"]
    assert contrast == [], contrast
    for choice in ("植物类", "肉类", "水产类", "其他"):
        label = phone.locator("fieldset.categories label", has_text=choice)
        colour, background = label.evaluate("(l) => [getComputedStyle(l).color, getComputedStyle(l).backgroundColor]")
        assert colour != background, choice


def test_folded_sections_show_that_they_open(phones: Phones, school_day: SchoolDay) -> None:
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    summaries = phone.locator("details > summary")
    assert summaries.count() > 0
    for index in range(summaries.count()):
        before, marker, display = summaries.nth(index).evaluate(FOLD_SIGN)
        has_marker = display == "list-item" and marker not in ("none", "")
        assert has_marker or before not in ("none", "normal", '""'), f"summary {index} shows no sign that it opens"
