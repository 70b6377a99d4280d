"""What routes are handed: the parts the app opened at start (ledger, views, stores), and a recorder that runs a
command under the request's Idempotency-Key.

Routes take these as typed dependencies and never read ``app.state`` themselves; who the caller is and what
they may see is api/auth.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request

from api.checkpoints import Checkpoints
from api.documents import DocumentStore
from api.errors import ApiError
from api.pin_limits import PinLimits
from api.schemas import CommandResult
from api.settings import Settings
from api.tokens import Caller, Credentials
from api.webhooks import Webhooks
from domain.clock import county_iso
from domain.command import Command
from domain.ledger import Ledger
from projections.service import Projections


def _opened(name: str) -> Callable[[Request], Any]:
    """A dependency that hands a route the part the app's lifespan opened as ``app.state.<name>``."""

    def opened(request: Request) -> Any:
        return getattr(request.app.state, name)

    return opened


LedgerDep = Annotated[Ledger, Depends(_opened("ledger"))]
Views = Annotated[Projections, Depends(_opened("projections"))]
DocumentsDep = Annotated[DocumentStore, Depends(_opened("documents"))]
CheckpointsDep = Annotated[Checkpoints, Depends(_opened("checkpoints"))]
SettingsDep = Annotated[Settings, Depends(_opened("settings"))]
CredentialsDep = Annotated[Credentials, Depends(_opened("credentials"))]
PinLimitsDep = Annotated[PinLimits, Depends(_opened("pin_limits"))]
WebhooksDep = Annotated[Webhooks, Depends(_opened("webhooks"))]


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=128,
            description="send the same key again to retry safely: the first response comes back, "
            "nothing new is recorded",
        ),
    ] = None,
) -> str | None:
    """An empty key is a client's bug, not a key: stored, it would make every later empty-keyed POST a 409."""
    if key is not None and not key.strip():
        raise ApiError(
            400,
            "empty_idempotency_key",
            "Idempotency-Key 请求头为空：请填写一个键，或不发送该请求头",
            "the Idempotency-Key header is empty: send a key, or leave the header out",
            "Idempotency-Key",
        )
    return key


IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


# The times a write's result may hold (keep_until).
RESULT_TIMES = tuple(name for name, field in CommandResult.model_fields.items() if field.annotation == datetime | None)


class Recorder:
    """A dependency: runs one command for the caller under the request's Idempotency-Key, and says what it recorded."""

    def __init__(self, ledger: LedgerDep, key: IdempotencyKey = None) -> None:
        self.ledger = ledger
        self.key = key

    def __call__(self, command: Command, caller: Caller, **extra: Any) -> CommandResult:
        result = self.ledger.execute(command, by=caller.principal, idempotency_key=self.key)
        # Its times as every answer gives them, on the county's clock (a retry's replayed first result holds them
        # in the offset they were stored in).
        zone = self.ledger.profile.zone
        times = {name: county_iso(result[name], zone) for name in RESULT_TIMES if result.get(name) is not None}
        return CommandResult(**{**result, **times}, **extra)


Record = Annotated[Recorder, Depends()]
