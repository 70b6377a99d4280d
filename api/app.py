"""The web app: create_app() builds FastAPI around one Ledger, opened in the lifespan (not at import)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from api.settings import Settings
from domain.ledger import Ledger


def create_app(settings: Settings | None = None, ledger: Ledger | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ledger = ledger or settings.open_ledger()
        app.state.settings = settings
        try:
            yield
        finally:
            if ledger is None:
                app.state.ledger.close()

    app = FastAPI(
        title="FoodTrace",
        summary="Food traceability ledger for school canteens (学校食堂食材追溯台账)",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.get("/health", tags=["operations"])
    def health(request: Request) -> dict[str, Any]:
        """Liveness and which store this server writes to."""
        current: Ledger = request.app.state.ledger
        position = current.recorder.max_notification_id()
        return {"status": "ok", "store": settings.describe(), "events": position or 0}

    return app
