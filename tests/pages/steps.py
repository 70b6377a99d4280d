"""What a person does on the pages, step by step, in the words on the screen (Chinese by default)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.faults.serving import wait_for
from tests.pages.camera import show_label
from tests.pages.conftest import PINS


def sign_in(page: Page, person: str, role: str = "") -> None:
    """On the sign-in page (where any page sends a person who is not signed in)."""
    expect(page).to_have_url(re.compile(r"/app/sign-in"))
    page.get_by_label("人员编号").fill(person)
    page.get_by_label("PIN码").fill(PINS[person])
    if role:
        page.get_by_label("岗位").select_option(role)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#who")).not_to_be_empty()


def open_app(page: Page, person: str, path: str = "/app", role: str = "") -> None:
    page.goto(path)
    sign_in(page, person, role)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    scripts_ready(page)


def scripts_ready(page: Page) -> None:
    """A new page shows its buttons before its deferred scripts have bound them; a tap before then did nothing
    (test_storekeeper_day failed so when the other core was busy: #scanner stayed hidden). Wait for that state,
    not for a time."""
    page.wait_for_load_state("load")


def printed_label(page: Page) -> bytes:
    """The label PNG the page offers to print, exactly as it would go to the printer."""
    preview = page.locator("#label-preview")
    expect(preview).to_be_visible()
    page.wait_for_function("document.getElementById('label-preview').complete")
    # Drawn through a canvas: PNG is lossless, and the pages' policy lets scripts fetch only from the server.
    data_url: str = page.evaluate(
        """() => {
            const image = document.getElementById("label-preview");
            const canvas = document.createElement("canvas");
            canvas.width = image.naturalWidth;
            canvas.height = image.naturalHeight;
            canvas.getContext("2d").drawImage(image, 0, 0);
            return canvas.toDataURL("image/png");
        }"""
    )
    return base64.b64decode(data_url.split(",", 1)[1])


def scan_with_camera(page: Page, label_png: bytes, camera_file: Path, button: str = "扫描批次标签") -> None:
    """Hold the printed label in front of the phone's camera and tap the scan button."""
    show_label(label_png, camera_file)
    scripts_ready(page)  # often just arrived here by a tap on 扫码
    page.get_by_role("button", name=button).click()
    expect(page.locator("#scanner")).to_be_visible()


def issue_with_pin(page: Page, quantity: str, taker: str, pin: str) -> Locator:
    """Open the issue form and fill it as the kitchen lead stands at the door and types their PIN; not sent yet."""
    page.get_by_role("button", name="出库给厨房").click()
    issue = page.locator("form[data-action=issue]")
    issue.get_by_label("数量").fill(quantity)
    issue.get_by_label("领用人编号（厨师长）").fill(taker)
    issue.get_by_label(re.compile("厨师长在此输入PIN")).fill(pin)
    return issue


def installed(page: Page) -> None:
    """The service worker is active and controls this page (a state, not a time)."""
    # A plain condition, polled: a promise returned to wait_for_function counts as truthy at once.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


# Whether IndexedDB holds what a page last synced under this key (api/pages/static/outbox.js); never made here if
# the app has not made the database yet (opening it would make it without the app's stores).
_KEPT = """key => indexedDB.databases().then(found => !found.some(d => d.name === "foodtrace") ? false :
  new Promise(resolve => {
    const asked = indexedDB.open("foodtrace");
    asked.onerror = () => resolve(false);
    asked.onsuccess = () => {
      const db = asked.result;
      if (!db.objectStoreNames.contains("seen")) { db.close(); resolve(false); return; }
      const got = db.transaction("seen").objectStore("seen").get(key);
      got.onsuccess = () => { db.close(); resolve(got.result !== undefined); };
      got.onerror = () => { db.close(); resolve(false); };
    };
  }))"""


def kept(page: Page, key: str) -> None:
    """The phone keeps what the page synced under ``key`` ("batch:<code>", "deliveries") for use with no signal: a
    state, not a time. The page renders before its copy is written, and leaving the page before that aborts it."""
    # page.evaluate awaits the check's promise (a promise returned to wait_for_function would count as truthy).
    wait_for(lambda: page.evaluate(_KEPT, key) is True, f"the phone to keep {key}")


def go_offline(page: Page) -> None:
    """The phone loses its signal (Playwright's offline mode), and the page knows it."""
    page.context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")


def reload_offline(page: Page) -> None:
    """Reload with no signal: the service worker serves the page, and a request to the server really fails (so a pass
    cannot come from an offline emulation that lets requests through)."""
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "the page did not come from the worker"
    reached = page.evaluate("fetch('/api/v1/sessions/current').then(() => 'reached', () => 'no network')")
    assert reached == "no network", "offline emulation let a request reach the server"
