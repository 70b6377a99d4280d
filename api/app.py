"""The web app: create_app() builds FastAPI around one Ledger, opened in the lifespan (not at import)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import collector, pages, redaction
from api.body_limit import BodyLimit
from api.checkpoints import Checkpoints, CheckpointSchedule
from api.contract import OPENAPI_TAGS, Group, deprecation_headers, name_free_form_answers, operation_id
from api.deps import LedgerDep
from api.documents import DocumentStore
from api.epcis_push import epcis_feed
from api.errors import PROBLEM_JSON, Problem, install_error_handlers
from api.leadership import Leadership
from api.outbox import Outbox
from api.pin_limits import PinLimits
from api.routes import (
    batches,
    certificates,
    checkpoints,
    deliveries,
    dishes,
    epcis,
    history,
    investigate,
    menus,
    public_notice,
    recalls,
    registry,
    resolve,
    samples,
    sessions,
    webhooks,
)
from api.routing import Route
from api.settings import Settings
from api.tokens import Credentials
from domain.ledger import Ledger
from projections.recalls import lot_candidates
from projections.service import Projections

log = logging.getLogger("foodtrace.requests")
ROUTERS = (
    *(module.router for module in (batches, history, certificates, deliveries, samples, registry, investigate, epcis)),
    batches.kitchen_router,
    deliveries.store_room_router,
    investigate.school_router,
    registry.staff_router,
    sessions.current_router,
    checkpoints.router,
    webhooks.router,
    menus.router,
    recalls.router,
    dishes.router,
)
# Signing in, checking the log and reading a school's 公示 need no token.
PUBLIC_ROUTERS = (sessions.router, checkpoints.public_router, public_notice.router)
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text}
    for status, text in [
        (400, "the body could not be read (not JSON, not UTF-8)"),
        (401, "not signed in"),
        (403, "not allowed for this role or scope"),
        (404, "no such record (or not visible to the caller)"),
        (409, "conflict: already exists, changed by someone else, or idempotency key reused"),
        (413, "request body or upload too large"),
        (422, "invalid input or refused by a food-safety rule"),
        (429, "too many wrong PINs"),
        (503, "the database is unavailable for a moment: retry after Retry-After seconds"),
    ]
}


def create_app(settings: Settings | None = None, ledger: Ledger | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redaction.install()  # here, after the server configured its loggers
        opened = ledger or settings.open_ledger()
        app.state.ledger = opened
        app.state.settings = settings
        app.state.credentials = Credentials(opened)
        app.state.documents = DocumentStore(settings.documents_dir)
        app.state.pin_limits = PinLimits(opened)
        views = Projections(opened.env, profile=opened.profile, ledger=opened)
        app.state.projections = views
        opened.lot_finder = partial(lot_candidates, views)  # a recall finds its batches in the trace view
        app.state.webhooks = hooks = settings.webhooks(opened)
        app.state.checkpoints = Checkpoints(opened, settings.signing_key_path())
        schedule = CheckpointSchedule(app.state.checkpoints, settings.checkpoint_minutes)
        pushes: list[Outbox] = []

        def lead() -> None:
            """The followers, in the one worker that leads (api/leadership.py)."""
            if settings.follow_projections:
                views.start()  # views follow the log here; `foodtrace projections run` does it elsewhere
            if settings.send_webhooks:
                hooks.outbox.start()  # `foodtrace webhooks run` does it elsewhere (FOODTRACE_WEBHOOKS=separate)
            schedule.start()
            pushes.extend(push for push in [_epcis_push(opened, settings)] if push is not None)

        leadership = Leadership(opened, lead=lead, woken=views.wake)
        if settings.follow_projections:
            views.wake_elsewhere = leadership.wake_leader  # a reader in another worker wakes the leader's projector
        leadership.start()
        collector.tune()  # rare full collections: a trace's garbage no longer walks the whole heap (api/collector.py)
        try:
            yield
        finally:
            leadership.stop()
            for push in pushes:
                push.close()
            schedule.stop()
            hooks.close()
            views.stop()
            views.close()
            if ledger is None:
                opened.close()

    app = FastAPI(
        title="FoodTrace",
        summary="Food traceability ledger for school canteens (学校食堂食材追溯台账)",
        description="Every write takes an optional Idempotency-Key header. Errors are RFC 9457 problem+json "
        "with a stable `code` and a message in Chinese (`zh`) and English (`en`).",
        version="1.0.0",
        lifespan=lifespan,
        openapi_tags=OPENAPI_TAGS,
        generate_unique_id_function=operation_id,
    )
    app.router.route_class = Route  # /health's own routes below; the routers above name it themselves
    install_error_handlers(app)
    app.add_middleware(RequestLog)
    app.add_middleware(BodyLimit)  # outermost of ours: a body over the cap is refused before anything reads it
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    for router in PUBLIC_ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)
    app.include_router(resolve.router)
    app.include_router(pages.router)
    app.include_router(pages.public)
    app.include_router(pages.root)

    _publish_errors_as_problems(app)

    @app.get("/health/live", tags=[Group.OPERATIONS])
    def check_live() -> dict[str, Any]:
        """The process is up and answering; asks nothing of the database."""
        return {"status": "live"}

    @app.get("/health/ready", tags=[Group.OPERATIONS], responses={503: {"description": "the database does not answer"}})
    def check_ready(current: LedgerDep) -> dict[str, Any]:
        """Ready to serve: the database answers (503 at once when it does not)."""
        return {"status": "ready", "events": current.recorder.max_notification_id() or 0}

    @app.get("/health", tags=[Group.OPERATIONS], responses={503: {"description": "the database does not answer"}})
    def get_health(current: LedgerDep) -> dict[str, Any]:
        """Ready, and which store this server writes to (503 while the database is away)."""
        position = current.recorder.max_notification_id()
        return {"status": "ok", "store": settings.describe(), "events": position or 0}

    return app


def create_tables(settings: Settings) -> None:
    """Every table the app uses, made once, before several workers start together with CREATE_TABLE=n."""
    opened = settings.open_ledger()
    try:
        PinLimits(opened)
        Projections(opened.env, profile=opened.profile, ledger=opened).close()
        settings.webhooks(opened).close()
        Checkpoints(opened, settings.signing_key_path()).public_key()  # the signing key, made here once
        push = _epcis_push(opened, settings, start=False)
        if push is not None:
            push.close()
    finally:
        opened.close()


def _epcis_push(ledger: Ledger, settings: Settings, start: bool = True) -> Outbox | None:
    """With FOODTRACE_EPCIS_PUSH_URL, the server sends every batch event upward as it is recorded."""
    if not settings.epcis_push_url:
        return None
    feed = epcis_feed(ledger, settings.epcis_push_url, settings.resolver_base, bearer=settings.epcis_push_token)
    if start:
        feed.start()
    return feed


def _publish_errors_as_problems(app: FastAPI) -> None:
    """Document every 4xx/5xx answer as the application/problem+json that it really is."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, summary=app.summary, description=app.description, routes=app.routes
        )
        document["tags"] = app.openapi_tags  # the user groups, described
        name_free_form_answers(document)
        problem_schema = {"$ref": "#/components/schemas/Problem"}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if status.startswith(("4", "5")):
                        response["content"] = {PROBLEM_JSON: {"schema": problem_schema}}
        document["components"]["schemas"].pop("HTTPValidationError", None)
        document["components"]["schemas"].pop("ValidationError", None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


class RequestLog:
    """Plain ASGI middleware (not BaseHTTPMiddleware, which costs a task and a stream per request): one line per
    request with its id, and the answer's headers; never the Authorization header, a token or a document's bytes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value for key, value in scope["headers"] if key == b"x-request-id"), b"")
        request_id = given.decode("latin-1")[:64] or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                caller = state.get("caller")
                milliseconds = (time.perf_counter() - started) * 1000
                who = f"{caller.person_id}/{caller.role.value}" if caller else "-"
                path = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")  # as request.url
                log.info(
                    "%s %s %s %s",
                    scope["method"],
                    path,
                    message["status"],
                    f"{milliseconds:.1f}ms request_id={request_id} caller={who}",
                )
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                deprecation_headers(state, headers)
                headers["X-Content-Type-Options"] = "nosniff"  # a supplier's file or an answer never runs as a page
            await send(message)

        await self.app(scope, receive, answer)
