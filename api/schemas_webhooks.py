"""Request and response bodies of the webhook subscriptions (api/routes/webhooks.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.notices import NoticeKind


class WebhookRequest(BaseModel):
    """Where to send notices, and which kinds."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://erp.hengxin.example/foodtrace/hooks",
                    "kinds": ["delivery.received", "delivery.refused", "certificate.missing"],
                    "description": "恒鑫ERP",
                }
            ]
        },
    )

    url: str = Field(min_length=1, max_length=2000, description="an http:// or https:// address that accepts POST")
    kinds: list[NoticeKind] = Field(min_length=1, max_length=20)
    description: str | None = Field(None, max_length=200)


class WebhookOut(BaseModel):
    id: str
    url: str
    kinds: list[NoticeKind]
    description: str
    role: str = Field(description="who it hears for: a supplier its own deliveries and batches; the county all")
    scope: str | None
    created_at: str


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="whsec_…: the key of every delivery's webhook-signature. Shown this once; keep it safe"
    )


class WebhookAttempt(BaseModel):
    attempt: int
    at: str
    status: int | None = Field(description="the receiver's HTTP status; null when it did not answer")
    error: str | None
    seconds: float


class WebhookDelivery(BaseModel):
    webhook_id: str = Field(description="the webhook-id header: the same on every retry of this notice")
    position: int = Field(description="the log position of the event it tells of")
    kind: NoticeKind
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    created_at: str
    next_attempt_at: str | None = Field(description="when it is tried again, while pending")
    delivered_at: str | None
    last_status: int | None
    last_error: str | None
    tries: list[WebhookAttempt] = Field(description="the latest attempts, newest first")
