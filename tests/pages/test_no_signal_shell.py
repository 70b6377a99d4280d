"""The pages as an installed app: the manifest a phone reads to add it to the home screen, and the service worker that
keeps the app shell (pages, scripts, styles, the vendored QR decoder), so the scan page opens with no signal and a batch
card opened before shows as last synced. A new deploy's worker replaces the old shell.

Playwright's offline mode in Chromium: the test checks the page really came from the worker and that a request to the
server really fails, so a pass cannot come from an emulation that lets requests through.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from tests.county import WANG
from tests.pages.accessibility import assert_accessible
from tests.pages.conftest import Phones, SchoolDay
from tests.pages.steps import go_offline, installed, kept, open_app, reload_offline

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CACHES = "caches.keys()"


def test_the_scan_page_installs_and_opens_with_no_signal(phones: Phones, school_day: SchoolDay) -> None:
    pork = school_day.county.ready_to_issue()
    school_day.set_clock(10)
    phone = phones.open()

    # The manifest a phone reads for 添加到主屏幕: its name, the scan page to start on, its own window, its icons.
    manifest = phone.request.get("/app/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    app = manifest.json()
    assert (app["name"], app["start_url"], app["scope"], app["display"]) == ("食材追溯", "/app", "/app", "standalone")
    for icon in app["icons"]:
        drawn = phone.request.get(icon["src"])
        assert drawn.ok and drawn.headers["content-type"] == icon["type"]
        if icon["type"] == "image/png":
            assert drawn.body().startswith(b"\x89PNG")
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in app["icons"]}

    # 王 signs in where there is signal and opens the pork's card: the worker installs and controls the pages.
    open_app(phone, WANG.person_id, f"/app/batch/{pork}")
    expect(phone.locator("#on-hand")).to_have_text("20 kg")
    kept(phone, f"batch:{pork}")
    installed(phone)
    assert phone.locator("link[rel=manifest]").get_attribute("href") == "/app/manifest.webmanifest"
    shells: list[str] = phone.evaluate(CACHES)
    assert len(shells) == 1 and shells[0].startswith("ft-shell-")
    decoder = "(names) => Promise.all(names.map((n) => caches.match(FT.config[n]))).then((kept) => kept.every(Boolean))"
    assert phone.evaluate(decoder, ["detector", "reader_wasm"]), "the QR decoder is not kept for use with no signal"

    # In the store room, no signal: the scan page opens, from the worker, with 王 still signed in.
    go_offline(phone)
    phone.goto("/app")
    reload_offline(phone)
    expect(phone.get_by_role("button", name="扫描批次标签")).to_be_visible()
    expect(phone.locator("#who")).to_have_text("王建国 · 仓管员")

    # The typed code (what the camera reads) opens the card as this phone last synced it, marked so.
    phone.get_by_label("手动输入批次码").fill(pork.lower())
    phone.get_by_role("button", name="查看").click()
    expect(phone).to_have_url(re.compile(f"/app/batch/{pork}$"))
    expect(phone.locator("#offline-note")).to_contain_text("离线 · 上次同步 3/2 10:00")
    expect(phone.locator("#on-hand")).to_have_text("20 kg")
    expect(phone.locator("#actions button")).to_have_text(["出库给厨房"])  # only what can wait for the network
    assert_accessible(phone)

    # A code this phone never opened cannot show a card with no signal, and says why.
    phone.goto("/app")
    phone.get_by_label("手动输入批次码").fill("7KQ2-M9XHH")
    phone.get_by_role("button", name="查看").click()
    expect(phone.get_by_role("alert")).to_have_text("无网络，本机还没有此批次的资料：请在有信号处扫码一次")


def test_a_new_deploy_replaces_the_kept_shell(phones: Phones) -> None:
    phone = phones.open()
    open_app(phone, WANG.person_id)
    installed(phone)
    first: list[str] = phone.evaluate(CACHES)

    # The next deploy changes a file: the server's worker names a new version. (Here the test changes the name.)
    def next_deploy(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, body=re.sub(r'const VERSION = "\w+"', 'const VERSION = "next"', answer.text()))

    phone.context.route("**/app/sw.js", next_deploy)
    phone.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    phone.wait_for_function("caches.keys().then((names) => names.join() === 'ft-shell-next')")
    assert first != ["ft-shell-next"]
