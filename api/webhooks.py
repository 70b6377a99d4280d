"""Webhooks (回调通知): a supplier's ERP and the county office hear what happened, without polling.

A subscriber registers a URL and the kinds of notice it wants (api/notices.py). The webhooks feed, an outbox
(api/outbox.py), follows the log by position and sends each notice to every subscription that wants its kind,
was registered before the event, and may see its record (auth's ``may_see``: a supplier its own deliveries and
batches, the county office everything). Each is signed in the Standard Webhooks style (``webhook-id`` stable per
event and subscription, ``webhook-timestamp``, ``webhook-signature``) and retried with back-off.

Subscriptions are configuration, not ledger history: rows of ``webhook_subscriptions`` beside the outbox's
tables. Only public addresses receive them, unless the county allows a network (api/destinations.py). The
secret is kept as it is, since signing needs it, and shown once, when the subscription is made.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from api.destinations import Networks, check_url, checked_handlers
from api.notices import NoticeKind, notices, topics
from api.outbox import Message, Outbox, Retry, ToMessages, Withdrawn, opener
from api.tokens import Caller
from domain.clock import county_iso
from domain.errors import IdempotencyKeyReused, NotFound, ValidationError
from domain.ledger import Ledger
from domain.values import Role, optional_text, parse_choice, require_text

SECRET_PREFIX = "whsec_"
NAMESPACE = uuid.UUID("6f1d7a52-3c0e-4b8e-9a51-2f4f0d1e7c11")  # of webhook-ids: uuid5(subscription/position/kind)
TABLES = (
    "CREATE TABLE IF NOT EXISTS webhook_subscriptions (id TEXT PRIMARY KEY, role TEXT NOT NULL, scope TEXT, "
    "person_id TEXT NOT NULL, url TEXT NOT NULL, kinds TEXT NOT NULL, description TEXT NOT NULL, "
    "secret TEXT NOT NULL, since_position BIGINT NOT NULL, created_at DOUBLE PRECISION NOT NULL, "
    "deleted_at DOUBLE PRECISION, idempotency_key TEXT)",
    "CREATE UNIQUE INDEX IF NOT EXISTS webhook_subscriptions_key ON webhook_subscriptions (person_id, idempotency_key)",
)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """Standard Webhooks: ``v1,`` + base64(HMAC-SHA256(the secret's bytes, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    mac = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


@dataclass(frozen=True)
class Subscription:
    id: str
    role: str
    scope: str | None
    person_id: str
    url: str
    kinds: tuple[str, ...]
    description: str
    since_position: int  # the log's head when it was made: it hears of events after this
    created_at: float
    secret: str

    @property
    def caller(self) -> Caller:
        return Caller(self.person_id, Role(self.role), self.scope)

    def owned_by(self, caller: Caller) -> bool:
        """An admin sees every subscription; a supplier its supplier's; anyone else their own."""
        if caller.role is Role.ADMIN:
            return True
        same = self.role == caller.role.value and self.scope == caller.scope
        return same and (caller.scope is not None or self.person_id == caller.person_id)

    def shown(self, zone: Any) -> dict[str, Any]:
        """As the API lists it: never the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "kinds": list(self.kinds),
            "description": self.description,
            "role": self.role,
            "scope": self.scope,
            "created_at": _county(self.created_at, zone),
        }


class Webhooks:
    def __init__(self, ledger: Ledger, retry: Retry | None = None, allow: Networks = ()) -> None:
        """``allow``: internal networks a subscriber may still be sent to (api/destinations.py)."""
        self.ledger = ledger
        self.allow = allow
        self.outbox = Outbox(
            "webhooks",
            ledger,
            self._listening,
            topics=topics(),
            headers=self._signed,
            retry=retry,
            tables=TABLES,
            sender=opener(*checked_handlers(allow)),
        )
        self.view = self.outbox.view

    # --- subscribing --------------------------------------------------------------------------------

    def subscribe(
        self, caller: Caller, url: str, kinds: Sequence[str], description: str | None, key: str | None = None
    ) -> tuple[Subscription, str]:
        """Register a URL for these kinds; returns the subscription and its secret (shown this once)."""
        url = _checked_url(url)
        check_url(url, self.allow)
        chosen = tuple(dict.fromkeys(str(parse_choice(NoticeKind, kind, "kinds", "通知种类")) for kind in kinds))
        if not chosen:
            raise ValidationError(zh="请至少选择一种通知", en="choose at least one kind of notice", field="kinds")
        text = optional_text(description, "description", "说明")
        if key is not None:
            found = self._select("person_id = ? AND idempotency_key = ?", (caller.person_id, key))
            if found:  # a retry: the first answer again, or a refusal if the key named another subscription
                if (found[0].url, found[0].kinds) != (url, chosen):
                    raise IdempotencyKeyReused(
                        zh="该幂等键已用于另一个订阅", en="this Idempotency-Key was used for another subscription"
                    )
                return found[0], found[0].secret
        made = Subscription(
            id=str(uuid.uuid4()),
            role=caller.role.value,
            scope=caller.scope,
            person_id=caller.person_id,
            url=url,
            kinds=chosen,
            description=text,
            since_position=self.ledger.recorder.max_notification_id() or 0,
            created_at=time.time(),
            secret=new_secret(),
        )
        row = {**vars(made), "kinds": ",".join(made.kinds), "idempotency_key": key}
        self.view.write(
            f"INSERT INTO webhook_subscriptions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return made, made.secret

    def subscriptions(self, caller: Caller) -> list[Subscription]:
        return [s for s in self._select("deleted_at IS NULL", ()) if s.owned_by(caller)]

    def subscription(self, caller: Caller, subscription_id: str) -> Subscription:
        """The caller's subscription, or 404 as if it did not exist."""
        found = self._select("id = ? AND deleted_at IS NULL", (subscription_id,))
        if not found or not found[0].owned_by(caller):
            raise NotFound(zh="回调订阅不存在", en="no such webhook subscription", field="id")
        return found[0]

    def unsubscribe(self, caller: Caller, subscription_id: str) -> None:
        """No more notices to it; what was not yet delivered is cancelled. Its deliveries stay listed."""
        found = self.subscription(caller, subscription_id)
        self.view.write("UPDATE webhook_subscriptions SET deleted_at = ? WHERE id = ?", (time.time(), found.id))
        self.outbox.cancel(found.id)

    def deliveries(
        self, caller: Caller, subscription_id: str, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of the subscription's notices, newest first, each with its latest attempts, and the next cursor.

        Times are on the county's clock; the cursor (``position.webhook-id`` of the page's last notice) is None on
        the last page.
        """
        found = self.subscription(caller, subscription_id)
        zone = self.ledger.profile.zone
        position, _, key = (cursor or "").partition(".")
        rows = self.outbox.deliveries(found.id, limit + 1, (int(position), key) if cursor else None)
        shown = []
        for row in rows[:limit]:
            times = {k: _county(row[k], zone) for k in ("created_at", "delivered_at", "next_attempt_at")}
            if row["status"] != "pending":
                times["next_attempt_at"] = None
            tries = [{**t, "at": _county(t["at"], zone)} for t in row["tries"]]
            shown.append({**row, **times, "webhook_id": row["key"], "tries": tries})
        last = rows[limit - 1] if len(rows) > limit else None
        return shown, f"{last['position']}.{last['key']}" if last else None

    def _select(self, where: str, params: Sequence[Any]) -> list[Subscription]:
        rows = self.view.select(f"SELECT * FROM webhook_subscriptions WHERE {where} ORDER BY created_at", params)
        fields = Subscription.__dataclass_fields__
        return [
            Subscription(**{**{k: v for k, v in row.items() if k in fields}, "kinds": tuple(row["kinds"].split(","))})
            for row in rows
        ]

    # --- the feed -------------------------------------------------------------------------------------

    def _listening(self, last: int) -> ToMessages | None:
        """How the events of a chunk of the log up to ``last`` make their messages; None if no subscription hears any.

        Asked once a chunk, not once an event: a subscription made after the chunk began took the log's head then,
        at or past ``last``, as its since_position, so it hears none of the chunk's events either way.
        """
        listening = self._select("deleted_at IS NULL AND since_position < ?", (last,))
        return partial(self._messages, listening) if listening else None

    def _messages(self, listening: list[Subscription], position: int, event: Any) -> Iterator[Message]:
        from api.auth import may_see  # auth imports deps, which hands routes this service

        hearing = [subscription for subscription in listening if subscription.since_position < position]
        if not hearing:  # nobody hears of this event: its notices, which read its batch, are not made
            return
        for notice in notices(self.ledger, position, event):
            for subscription in hearing:
                if notice.kind in subscription.kinds and may_see(subscription.caller, notice.school, notice.supplier):
                    body = {"type": str(notice.kind), "timestamp": notice.data["at"], "position": position}
                    yield Message(
                        key="msg_" + uuid.uuid5(NAMESPACE, f"{subscription.id}/{position}/{notice.kind}").hex,
                        destination=subscription.id,
                        url=subscription.url,
                        kind=str(notice.kind),
                        body=json.dumps({**body, "data": notice.data}, ensure_ascii=False, separators=(",", ":")),
                    )

    def _signed(self, message: Message, attempt: int) -> dict[str, str]:
        # Deleted while its message was being stored (a chunk of the log is read before it is stored): not sent.
        found = self._select("id = ? AND deleted_at IS NULL", (message.destination,))
        if not found:
            raise Withdrawn(f"subscription {message.destination} is gone")
        timestamp = int(time.time())
        return {
            "webhook-id": message.key,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(found[0].secret, message.key, timestamp, message.body),
        }

    def close(self) -> None:
        self.outbox.close()


def _checked_url(url: str) -> str:
    url = require_text(url, "url", "回调地址", 2000)  # trimmed; control characters refused
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            zh="回调地址须为 http:// 或 https:// 开头的完整网址",
            en="url must be a full http:// or https:// address",
            field="url",
        )
    return url


def _county(moment: float | None, zone: Any) -> str | None:
    return None if moment is None else county_iso(datetime.fromtimestamp(moment, UTC), zone)
