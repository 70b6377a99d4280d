"""The pages as an app a phone installs: a web app manifest, and a service worker that keeps the app shell (the pages,
their scripts and styles, the vendored QR decoder) so the scan page opens in a store room with no signal.

The worker lives at /app/sw.js and, with the Service-Worker-Allowed header, controls the scope /app: the home page
itself is /app, which the default scope (/app/) would not cover. Its cache is named by a version computed from every
file it keeps, so a deploy that changes any of them installs a new worker, which drops the old cache.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.pages.views import HERE, STATIC, asset

router = APIRouter(include_in_schema=False)  # under the pages' /app

SCOPE = "/app"
BATCH_SHELL = "/app/batch/shell"  # served for a batch card never opened online on this phone; batch.js reads the path
PAGES = ("/app", "/app/intake", "/app/samples", "/app/sign-in", BATCH_SHELL)
KEPT = (".js", ".css", ".wasm", ".png", ".svg")
NO_CACHE = {"Cache-Control": "no-cache"}  # the browser asks again at each visit, so a deploy reaches phones at once

MANIFEST = {
    "name": "食材追溯",
    "short_name": "食材追溯",
    "description": "学校食堂食材追溯：扫码、入库、出库、留样",
    "lang": "zh-CN",
    "start_url": SCOPE,
    "scope": SCOPE,
    "display": "standalone",
    "background_color": "#f2f4f3",
    "theme_color": "#0d3b2e",
    "icons": [
        {"src": f"{SCOPE}/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": f"{SCOPE}/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": f"{SCOPE}/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": f"{SCOPE}/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
}


@cache
def shell() -> tuple[str, list[str]]:
    """The worker's version and what it keeps: every page above and every static file a page may load."""
    files = sorted(
        path.relative_to(STATIC).as_posix()
        for path in STATIC.rglob("*")
        if path.is_file() and path.suffix in KEPT and path.name != "sw.js"
    )
    kept = [*PAGES, *(asset(name) for name in files)]
    digest = hashlib.sha256("\n".join(kept).encode())
    digest.update((STATIC / "sw.js").read_bytes())
    for template in sorted((HERE / "templates").glob("*.html")):
        digest.update(template.read_bytes())
    for words in sorted(HERE.glob("i18n*.py")):
        digest.update(words.read_bytes())
    return digest.hexdigest()[:16], kept


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    return JSONResponse(MANIFEST, media_type="application/manifest+json", headers=NO_CACHE)


@router.get("/sw.js")
def service_worker() -> Response:
    version, kept = shell()
    prelude = (
        f"const VERSION = {json.dumps(version)};\n"
        f"const SHELL = {json.dumps(kept)};\n"
        f"const BATCH_SHELL = {json.dumps(BATCH_SHELL)};\n"
    )
    return Response(
        prelude + (STATIC / "sw.js").read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={**NO_CACHE, "Service-Worker-Allowed": SCOPE},
    )
