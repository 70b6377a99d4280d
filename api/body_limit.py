"""A cap on request bodies, enforced before anything parses them: 413 problem+json, not a 60 MB read.

Uploads (certificate files) may carry their 10 MB file and a little form overhead; every other body is a small
JSON document. A declared Content-Length over the cap is refused at once; a body sent without one is counted
as it arrives and refused as soon as it passes the cap.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.documents import MAX_BYTES
from api.errors import problem

JSON_BODY_BYTES = 1024 * 1024
UPLOAD_BODY_BYTES = MAX_BYTES + 512 * 1024


class BodyTooLarge(Exception):
    pass


def cap_for(path: str) -> int:
    return UPLOAD_BODY_BYTES if path.endswith("/certificates") else JSON_BODY_BYTES


def too_large(cap: int) -> Any:
    megabytes = cap / 1024 / 1024
    return problem(
        413,
        "body_too_large",
        f"请求内容过大（上限{megabytes:.1f} MB）",
        f"the request body is larger than {megabytes:.1f} MB",
    )


class BodyLimit:
    """ASGI middleware: the cap for this path, from the Content-Length header or counted while reading."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = cap_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await too_large(cap)(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app makes of a cut-off body, the caller hears 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, counted, answer)
        if exceeded and not started:
            await too_large(cap)(scope, receive, send)
