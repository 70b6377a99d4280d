"""Webhooks (回调通知): register a URL for kinds of notice, list and delete them, and see what was delivered."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.auth import Subscriber
from api.contract import Group
from api.deps import IdempotencyKey, WebhooksDep
from api.routing import Route
from api.schemas import Page
from api.schemas_webhooks import WebhookCreated, WebhookDelivery, WebhookOut, WebhookRequest

# and the county office (admin)
router = APIRouter(prefix="/api/v1/webhooks", tags=[Group.SUPPLIERS], route_class=Route)


@router.post(
    "", response_model=WebhookCreated, status_code=201, summary="Register a URL for notices (secret shown once)"
)
def create_webhook(
    body: WebhookRequest, webhooks: WebhooksDep, caller: Subscriber, key: IdempotencyKey = None
) -> WebhookCreated:
    made, secret = webhooks.subscribe(caller, body.url, body.kinds, body.description, key)
    return WebhookCreated(**made.shown(webhooks.ledger.profile.zone), secret=secret)


@router.get("", response_model=list[WebhookOut], summary="The caller's webhook subscriptions")
def list_webhooks(webhooks: WebhooksDep, caller: Subscriber) -> list[WebhookOut]:
    zone = webhooks.ledger.profile.zone
    return [WebhookOut(**s.shown(zone)) for s in webhooks.subscriptions(caller)]


@router.get("/{webhook_id}", response_model=WebhookOut, summary="One webhook subscription")
def get_webhook(webhook_id: str, webhooks: WebhooksDep, caller: Subscriber) -> WebhookOut:
    return WebhookOut(**webhooks.subscription(caller, webhook_id).shown(webhooks.ledger.profile.zone))


@router.delete("/{webhook_id}", status_code=204, summary="Stop a subscription; undelivered notices are cancelled")
def delete_webhook(webhook_id: str, webhooks: WebhooksDep, caller: Subscriber) -> Response:
    webhooks.unsubscribe(caller, webhook_id)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=Page[WebhookDelivery],
    summary="What was sent to a subscription: newest first, with its latest attempts and failures",
)
def list_webhook_deliveries(
    webhook_id: str,
    webhooks: WebhooksDep,
    caller: Subscriber,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,12}\.[A-Za-z0-9_-]{1,64}$")] = None,
) -> dict[str, Any]:
    items, next_cursor = webhooks.deliveries(caller, webhook_id, limit, cursor)
    return {"items": items, "next_cursor": next_cursor}
