"""What a phone's camera opens: the address printed in a label's QR code.

``/b/{code}`` and GS1 Digital Link paths (``/01/{gtin}/10/{lot}?ft={code}``) resolve to the batch's page.
They only redirect: the page itself asks the person to sign in. Any host works, so a label printed today
still resolves after the county moves the server (labels/payload.py reads only the path and query).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from api.routing import Route
from labels.payload import parse

router = APIRouter(tags=["labels"], include_in_schema=False, route_class=Route)


@router.get("/b/{code}")
def short_label(code: str) -> RedirectResponse:
    return _to_batch_page(parse(code).code)


@router.get("/01/{gtin}/10/{lot:path}")
def digital_link(gtin: str, lot: str, request: Request) -> RedirectResponse:
    return _to_batch_page(parse(str(request.url)).code)


def _to_batch_page(code: str) -> RedirectResponse:
    return RedirectResponse(f"/app/batch/{code}", status_code=303)
