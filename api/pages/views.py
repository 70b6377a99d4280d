"""The pages: a storekeeper's or kitchen lead's phone, and the office desktops of investigators and principals.
Server-rendered shells that fetch the JSON API.

No page reads a record here: the person's token lives in the browser and goes to /api/v1 with each request,
so a page shows only what the API lets that person see. The server fills in the words, today's date and
the rules' numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import LedgerDep
from api.errors import ApiError
from api.pages.i18n import language, words

HERE = Path(__file__).parent
STATIC = HERE / "static"
DETECTOR = "vendor/barcode-detector-3.2.2/barcode-detector.js"
READER_WASM = "vendor/zxing-wasm-3.1.3/zxing_reader.wasm"
# Scripts only from this server; wasm compiled from the vendored file; nothing fetched from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
CODE = re.compile(r"^[0-9A-Za-z-]{1,32}$")

# The tabs: (address, page, words key, roles that see it). Which roles see a tab is a convenience, not a
# permission: the API decides what each person may read.
NAV = (
    ("/app", "home", "scan", "storekeeper kitchen principal investigator admin"),
    ("/app/intake", "intake", "intake", "storekeeper"),
    ("/app/samples", "samples", "samples", "storekeeper kitchen principal"),
    ("/app/menus", "menus", "menus", "storekeeper kitchen principal"),
    ("/app/search", "search", "search", "investigator admin"),
    ("/app/trace", "trace", "trace", "investigator admin"),
    ("/app/compliance", "compliance", "compliance", "principal investigator admin"),
    ("/app/ledger", "ledger", "ledger", "storekeeper principal investigator admin"),
)

router = APIRouter(prefix="/app", include_in_schema=False)
root = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")


@cache
def _fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def asset(name: str) -> str:
    """A static file's address with its content hash: phones keep it for a year and fetch it again only when
    it changes, which matters on a store room's weak network."""
    return f"/app/static/{name}?v={_fingerprint(name)}"


@root.get("/")
def site_root() -> RedirectResponse:
    """The address `make run` prints opens the pages."""
    return RedirectResponse("/app", status_code=307)


templates.env.globals["asset"] = asset
templates.env.globals["nav"] = NAV


class Render:
    """A dependency: a page's template, filled in with the words in the reader's language, the county's today, the
    server's clock and the rules' numbers."""

    def __init__(self, request: Request, ledger: LedgerDep) -> None:
        self.request = request
        self.ledger = ledger

    def __call__(self, template: str, title_key: str, **context: Any) -> HTMLResponse:
        request, ledger = self.request, self.ledger
        profile = ledger.profile
        lang = language(request)
        t = words(lang)
        config = {
            "lang": lang,
            "words": t,
            "today": profile.local_date(ledger.clock()).isoformat(),
            "now": ledger.clock().isoformat(),  # sessions expire by the server's clock, not a phone's
            "timezone": profile.timezone,
            "sample_grams": profile.sample_grams,
            "sample_hours": profile.sample_hours,
            "api": "/api/v1",
            "detector": asset(DETECTOR),
            "reader_wasm": asset(READER_WASM),
            **context,
        }
        return templates.TemplateResponse(
            request,
            template,
            {"t": t, "lang": lang, "title": t[title_key], "config": config, **context},
            headers=PAGE_HEADERS,
        )


Page = Annotated[Render, Depends()]


@router.get("")
def home(render: Page) -> HTMLResponse:
    """Home is the scan button."""
    return render("home.html", "scan", page="home")


@router.get("/")
def home_slash() -> RedirectResponse:
    return RedirectResponse("/app", status_code=308)


@router.get("/batch/{code}")
def batch(code: str, render: Page) -> HTMLResponse:
    """Where a label's QR code lands (/b/{code} and GS1 Digital Link paths redirect here)."""
    return render("batch.html", "open_card", page="batch", code=batch_code(code))


@router.get("/batch/{code}/timeline")
def timeline(code: str, render: Page) -> HTMLResponse:
    """An investigator's view of one batch: every event, its state at a chosen moment, its documents, where it went."""
    return render("timeline.html", "timeline_title", page="timeline", code=batch_code(code), wide=True)


def batch_code(code: str) -> str:
    if not CODE.match(code):
        raise ApiError(404, "not_found", "找不到该页面或记录", "not found")
    return code


# Pages that are their template and nothing more: (address and page name, words key of the title, wide: an office
# page, laid out for a desk).
PLAIN_PAGES = (
    ("sign-in", "sign_in", False),
    ("intake", "intake", False),
    ("samples", "samples", False),
    ("menus", "menus_title", True),  # 周食谱: the principal publishes, amends or copies a week; the staff read it
    ("search", "search_title", True),
    ("trace", "trace_title", True),  # forward from a lot (?lot=) or backward from a meal (?school=&meal_date=&meal=)
    ("compliance", "compliance_title", True),
    ("ledger", "ledger_title", True),  # 进出库台账: a school's month, laid out like the paper book
)


def plain_page(name: str, title_key: str, wide: bool) -> Callable[[Render], HTMLResponse]:
    template = name.replace("-", "_") + ".html"
    wide_page = {"wide": True} if wide else {}

    def show(render: Page) -> HTMLResponse:
        return render(template, title_key, page=name, **wide_page)

    return show


for name, title_key, wide in PLAIN_PAGES:
    router.add_api_route(f"/{name}", plain_page(name, title_key, wide), methods=["GET"], name=name)


@router.get("/static/{name:path}")
def static(name: str) -> Response:
    path = (STATIC / name).resolve()
    if not path.is_file() or not path.is_relative_to(STATIC.resolve()):
        raise ApiError(404, "not_found", "找不到该页面或记录", "not found")
    return FileResponse(
        path,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
