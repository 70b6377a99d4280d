"""Text from a record is shown, never run: a batch whose product, lots, notes, certificate number and sample hold
HTML and script payloads, walked through every page that shows it. The pages' Content-Security-Policy would block an
injected script and report it; this test listens for those reports and for any dialog an ``alert`` would open."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from api.tokens import Credentials
from tests.county import ADMIN, DAY, WANG
from tests.hostile import CORPUS, MARKUP, stored_batch, viewed
from tests.pages.conftest import DESKTOP, Phones, SchoolDay
from tests.pages.steps import open_app

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# Every CSP violation a page reports, kept where the test can read it after the page has run.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


class Watched:
    """A page whose dialogs and CSP violations are recorded: either means a payload ran or tried to."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.context.add_init_script(LISTEN)
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def shows_inertly(self, path: str, where: str) -> None:
        self.page.goto(path)
        expect(self.page.locator(where).first).to_contain_text(MARKUP)
        self.nothing_ran()

    def shows_all(self, where: str, texts: list[str]) -> None:
        """Every text appears in ``where`` exactly, character for character, once the page has drawn it."""
        expect(self.page.locator(where)).to_contain_text(texts[0][:4])
        shown = self.page.locator(where).text_content() or ""
        assert [text for text in texts if text not in shown] == []
        self.nothing_ran()

    def nothing_ran(self) -> None:
        assert self.page.evaluate("window.__violations") == []
        assert self.dialogs == []
        assert self.page.locator("img[src='x'], a[href^='javascript:'], main script").count() == 0


def investigator_signs_in(page: Page, school_day: SchoolDay) -> None:
    token = Credentials(school_day.ledger).create_token("inv-chen", "investigator", None, "县市场监管局", ADMIN)[0]
    page.goto("/app/sign-in")
    page.get_by_text("办公室人员：粘贴令牌").click()
    page.get_by_label("令牌").fill(token)
    page.get_by_role("button", name="使用令牌登录").click()
    expect(page.locator("#who")).not_to_be_empty()


def test_markup_in_a_record_shows_as_typed_and_runs_nothing_on_any_page(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    code = stored_batch(school_day.ledger, MARKUP)
    school_day.set_clock(12, 30)
    school_day.catch_up()

    # The storekeeper's phone: the batch card and today's samples.
    phone = Watched(phones.open())
    open_app(phone.page, WANG.person_id, f"/app/batch/{code}")
    expect(phone.page.locator("#product")).to_have_text(MARKUP)
    expect(phone.page.locator("#supplier-lot")).to_have_text(MARKUP)
    expect(phone.page.locator("#certs")).to_contain_text(MARKUP)
    phone.nothing_ran()
    phone.shows_inertly("/app/samples", "#sample-list li")

    # The investigator's desktop: timeline, traces both ways, the 台账, compliance, search.
    desk = Watched(phones.open(viewport=DESKTOP))
    investigator_signs_in(desk.page, school_day)
    desk.shows_inertly(f"/app/batch/{code}/timeline", "#timeline")
    desk.shows_inertly(f"/app/trace?school=CG01&meal_date={DAY}&meal=lunch", "#trace-tree")
    desk.shows_inertly("/app/trace?lot=HX260301-9", "#trace-tree")
    desk.shows_inertly("/app/ledger?school=CG01&month=2026-03", "#book-table")
    desk.shows_inertly(f"/app/compliance?school=CG01&day={DAY}", "#report")
    desk.shows_inertly("/app/search?lot=HX260301-9", "#results")

    # The listeners do notice: the same text put into the page as HTML is blocked and reported.
    desk.page.evaluate("(text) => { document.querySelector('main').insertAdjacentHTML('beforeend', text); }", MARKUP)
    desk.page.wait_for_function("window.__violations.length > 0")
    blocked = [error for error in phones.errors if "Content Security Policy" in error]
    assert blocked  # Chromium logged the blocked handler too: expected here, and only here
    phones.errors[:] = [error for error in phones.errors if error not in blocked]


def test_every_hostile_text_shows_as_stored_on_the_pages_that_list_many_batches(
    phones: Phones, school_day: SchoolDay, server: str
) -> None:
    texts = list(CORPUS.values())
    for text in texts:
        stored_batch(school_day.ledger, text)
    school_day.set_clock(12, 30)
    school_day.catch_up()
    expected = [viewed(text) for text in texts]

    phone = Watched(phones.open())
    open_app(phone.page, WANG.person_id, "/app/samples")
    phone.shows_all("#sample-list", expected)
    desk = Watched(phones.open(viewport=DESKTOP))
    investigator_signs_in(desk.page, school_day)
    desk.page.goto(f"/app/trace?school=CG01&meal_date={DAY}&meal=lunch")
    desk.shows_all("#trace-tree", expected)
    desk.page.goto("/app/ledger?school=CG01&month=2026-03")
    desk.shows_all("#book-table", expected)
    desk.page.goto(f"/app/compliance?school=CG01&day={DAY}")
    desk.shows_all("#report", expected)
