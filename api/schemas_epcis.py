"""What the EPCIS capture answers: one entry per event of the document, in its order."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CapturedEvent(BaseModel):
    event_id: str = Field(description="the event's eventID: the announcement's idempotency key")
    status: int = Field(description="201 announced (or announced before: a retry), else the refusal's HTTP status")
    announcement_id: str | None = None
    code: str | None = Field(default=None, description="the refusal's stable code, as in a problem+json answer")
    zh: str | None = None
    en: str | None = None
    field: str | None = None


class CaptureOut(BaseModel):
    events: list[CapturedEvent]
