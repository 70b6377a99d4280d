"""What a storekeeper sees in the first hour: every word readable, every folded section showing that it opens."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.county import WANG
from tests.pages.accessibility import contrast_findings, violations
from tests.pages.conftest import Phones, SchoolDay
from tests.pages.steps import open_app

FOLD_SIGN = """(summary) => {
  const before = getComputedStyle(summary, "::before").content;
  const marker = getComputedStyle(summary, "::marker").content;
  return [before, marker, getComputedStyle(summary).display];
}"""


CATEGORIES = ("植物类", "肉类", "水产类", "其他")

# WCAG's contrast ratio of a label's text against the first background behind it that is not transparent.
RATIO = """(label) => {
  const rgba = (text) => text.match(/[\\d.]+/g).map(Number);
  const channel = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let node = label, background = [255, 255, 255];
  for (; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour; break; }
  }
  const [light, dark] = [luminance(rgba(getComputedStyle(label).color)), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
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


def test_each_category_choice_has_contrast_unselected_selected_and_focused(
    phones: Phones, school_day: SchoolDay
) -> None:
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    _unfold_everything(phone)
    choices = {name: phone.locator("fieldset.categories label", has_text=name) for name in CATEGORIES}

    def readable(state: str) -> None:
        failing, undecided = contrast_findings(phone, "fieldset.categories label")
        assert (failing, undecided) == ([], []), state
        for name, label in choices.items():
            ratio = label.evaluate(RATIO)
            assert ratio >= 4.5, f"{name} {state}: contrast {ratio:.2f}"

    readable("as the form opens, 植物类 chosen")
    for name, label in choices.items():
        radio = label.get_by_role("radio")
        radio.focus()
        phone.keyboard.press("Space")  # chosen from the keyboard: selected, with the focus ring
        expect(radio).to_be_checked()
        expect(radio).to_be_focused()
        readable(f"{name} selected and focused")
        radio.blur()
        expect(radio).not_to_be_focused()
        readable(f"{name} selected")


def test_folded_sections_show_that_they_open(phones: Phones, school_day: SchoolDay) -> None:
    phone = phones.open()
    open_app(phone, WANG.person_id, "/app/intake")
    summaries = phone.locator("details > summary")
    assert summaries.count() > 0
    for index in range(summaries.count()):
        before, marker, display = summaries.nth(index).evaluate(FOLD_SIGN)
        has_marker = display == "list-item" and marker not in ("none", "")
        assert has_marker or before not in ("none", "normal", '""'), f"summary {index} shows no sign that it opens"
