"""The pages in a real browser: the app served by uvicorn on a free localhost port, over an SQLite store with the
test county, and Debian's headless Chromium driven by Playwright, its camera fed from a file.

Every page a test opens is checked for JavaScript errors when the test ends. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Route, expect

from api.app import create_app
from api.settings import Settings
from api.tokens import Credentials
from domain.intake import AttachCertificateToDelivery
from domain.ledger import Ledger
from domain.registry import RegisterStaff
from domain.rules import Category
from projections.service import Projections
from tests.county import ADMIN, DAY, LI, SUPPLIER, WANG, ZHANG, County, at, certificate, digest
from tests.pages.camera import blank_camera

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
PRINCIPAL = "CG01-chen"  # 陈校长, principal and food-safety officer of 城关第一小学
PINS = {WANG.person_id: "1357", LI: "8642", ZHANG: "2468", PRINCIPAL: "1470"}


@dataclass
class SchoolDay:
    """The clock of the test county's school day: the ledger records this time as "now"."""

    ledger: Ledger
    county: County
    now: datetime = field(default_factory=lambda: at(DAY, 7, 20))
    views: Projections | None = None  # the server's, once it has started

    def set_clock(self, hour: int, minute: int = 0) -> None:
        self.now = at(DAY, hour, minute)

    def catch_up(self) -> None:
        """The server's views follow the log in a thread; after seeding, bring them up to date now."""
        assert self.views is not None, "the server has not started"
        self.views.catch_up()

    def announce_pork(self, reference: str = "HX-DN-20260302-01") -> str:
        """恒鑫 announced this morning's pork, with all four certificates."""
        delivery = self.county.announce(reference, pork=True, at=at(DAY - timedelta(days=1), 16))
        for kind in sorted(self.ledger.profile.certificates_required(Category.MEAT, pork=True)):
            fields = certificate(kind, f"{kind[:2].upper()}-0301", digest(reference + kind))
            attached = AttachCertificateToDelivery(announcement=delivery, **fields)
            self.ledger.execute(attached, by=SUPPLIER, at=at(DAY - timedelta(days=1), 16, 5))
        return delivery


@pytest.fixture
def school_day(ledger: Ledger) -> SchoolDay:
    county = County.set_up(ledger)
    ledger.execute(
        RegisterStaff(person_id=PRINCIPAL, name="陈校长", school="CG01", roles=["principal"]), by=ADMIN, at=at(DAY, 6)
    )
    day = SchoolDay(ledger, county)
    ledger.clock = lambda: day.now
    credentials = Credentials(ledger)
    for person, pin in PINS.items():
        credentials.set_pin(person, pin, by=ADMIN)
    return day


@contextmanager
def serving(app: FastAPI, start_within: float = 20) -> Iterator[str]:
    """The real app on a free localhost port, in a thread of this process, until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_within
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def server(school_day: SchoolDay, tmp_path: Path) -> Iterator[str]:
    settings = Settings(database_url="unused://", documents_dir=tmp_path / "documents")
    app = create_app(settings, ledger=school_day.ledger)
    with serving(app) as base:
        school_day.views = app.state.projections
        yield base


@pytest.fixture(scope="session")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the phone's camera sees. Chromium reads this file again at each getUserMedia, so a test shows the
    camera a label by writing it here before tapping Scan."""
    path = tmp_path_factory.mktemp("camera") / "camera.y4m"
    blank_camera(path)
    return path


@pytest.fixture(scope="session")
def browser(camera_file: Path) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make system-packages)")
    from playwright.sync_api import sync_playwright

    # Every wait below is for a state the page reaches; the bound only says when to give up on a busy machine.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        yield _launch(playwright, camera_file)


def _launch(playwright: Playwright, camera_file: Path) -> Browser:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_file}",
        ],
    )


@dataclass
class Phones:
    """Opens phones (browser contexts) on the app; remembers every page's errors and outside requests."""

    browser: Browser
    base: str
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def open(self, viewport: dict[str, int] = PHONE, lang: str = "zh-CN", timezone_id: str | None = None) -> Page:
        """A phone (or desktop); ``timezone_id``: the device's own zone, when it is not the test machine's."""
        mobile = viewport in (PHONE, SMALL_PHONE)
        context = self.browser.new_context(
            base_url=self.base, viewport=viewport, is_mobile=mobile, has_touch=mobile, locale=lang,
            timezone_id=timezone_id,
        )  # fmt: skip
        context.grant_permissions(["camera"], origin=self.base)
        context.route("**/*", self._only_this_server)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        return page

    def _only_this_server(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            self.requested.append(url.removeprefix(self.base))
            route.continue_()
        elif url.startswith(("chrome://", "chrome-extension://")):
            route.continue_()  # the browser's own PDF viewer, showing a certificate: not the network
        else:
            self.outside.append(url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # A refusal (4xx) is the API answering as designed, and a lost answer is the network: Chromium logs both as
        # failed loads. They are not script errors; a 5xx is a fault.
        if message.text.startswith("Failed to load resource") and "status of 5" not in message.text:
            self.failed_loads.append(message.text)
        else:
            self.errors.append(f"console: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@contextmanager
def watched_phones(browser: Browser, base: str) -> Iterator[Phones]:
    """Phones on ``base``, closed at the end of the block, which fails on any JavaScript error on their pages."""
    opened = Phones(browser, base)
    yield opened
    opened.close()
    assert opened.errors == [], "JavaScript errors on the pages"


@pytest.fixture
def phones(browser: Browser, server: str) -> Iterator[Phones]:
    with watched_phones(browser, server) as opened:
        yield opened
    assert opened.outside == [], "the pages asked for something outside this server"


def screenshot(page: Page, name: str) -> Path:
    """Saves artifacts/screenshots/{name}.png: on a phone what the screen shows, on a desktop the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=page.viewport_size not in (PHONE, SMALL_PHONE))
    return path
