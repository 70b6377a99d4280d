"""What routes are handed: the parts the app opened at start (ledger, views, stores), and a recorder that runs a
command under the request's Idempotency-Key.

Routes take these as typed dependencies and never read ``app.state`` themselves; who the caller is and what
they may see is api/auth.py's.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request

from api.checkpoints import Checkpoints
from api.documents import DocumentStore
from api.errors import ApiError
from api.pin_limits import PinLimits
from api.results import Recorded
from api.schemas import CommandBody, LateApprovalRequest
from api.settings import Settings
from api.tokens import Caller, Credentials
from api.webhooks import Webhooks
from domain.business_time import LateApproval
from domain.clock import county_iso
from domain.command import Command
from domain.ledger import Ledger
from projections.service import Projections

T = TypeVar("T")


def _opened(name: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency that hands a route the part the app's lifespan opened as ``app.state.<name>``.

    A coroutine, so FastAPI answers it on the event loop: a plain function would cost each request a trip through
    the thread pool per dependency (the GIL handed to a worker thread and back) for one attribute read.
    """

    async def opened(request: Request) -> Any:
        return getattr(request.app.state, name)

    opened.never_refuses = True  # type: ignore[attr-defined]  # api/routing.py: a check may wait for the endpoint
    return opened


def built_on_loop(kind: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """A class as a dependency, built on the event loop: FastAPI runs a class, as any plain function, in the thread
    pool, a trip there and back per dependency for a constructor that only keeps its arguments."""

    async def build(**arguments: Any) -> T:
        return kind(**arguments)

    build.__signature__ = inspect.signature(kind, eval_str=True)  # type: ignore[attr-defined]  # FastAPI reads it
    build.__name__ = build.__qualname__ = getattr(kind, "__name__", "build")
    return build


LedgerDep = Annotated[Ledger, Depends(_opened("ledger"))]
Views = Annotated[Projections, Depends(_opened("projections"))]
DocumentsDep = Annotated[DocumentStore, Depends(_opened("documents"))]
CheckpointsDep = Annotated[Checkpoints, Depends(_opened("checkpoints"))]
SettingsDep = Annotated[Settings, Depends(_opened("settings"))]
CredentialsDep = Annotated[Credentials, Depends(_opened("credentials"))]
PinLimitsDep = Annotated[PinLimits, Depends(_opened("pin_limits"))]
WebhooksDep = Annotated[Webhooks, Depends(_opened("webhooks"))]


async def idempotency_key(  # a coroutine: checked on the event loop, not in the thread pool
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


R = TypeVar("R", bound=Recorded)


class PinCheck:
    """A dependency: a person confirms with their own PIN on someone else's phone (the kitchen lead taking a
    hand-off, a principal approving a late entry), each try counted against the PIN limits."""

    def __init__(self, credentials: CredentialsDep, limits: PinLimitsDep, request: Request) -> None:
        self.credentials = credentials
        self.limits = limits
        self.address = request.client.host if request.client else None

    def __call__(self, person_id: str, pin: str, field: str, zh: str, en: str, status: int = 403) -> None:
        """Refuse with ``status`` (``zh``/``en``: what a wrong PIN means here) unless ``pin`` is ``person_id``'s."""
        counted = self.limits.try_pin(person_id, self.address, field)
        if not self.credentials.pin_matches(person_id, pin):
            raise ApiError(status, "wrong_pin", zh, en, field)
        self.limits.succeeded(counted)


PinCheckDep = Annotated[PinCheck, Depends(built_on_loop(PinCheck))]


class Recorder:
    """A dependency: runs one command for the caller under the request's Idempotency-Key, and says what it recorded.

    ``when`` is the request's body: when it happened (``occurred_at``) and a principal's approval of a late entry,
    who proves it is them with their PIN unless they send the request themselves.
    """

    def __init__(self, ledger: LedgerDep, pins: PinCheckDep, key: IdempotencyKey = None) -> None:
        self.ledger = ledger
        self.pins = pins
        self.key = key

    def __call__(
        self, command: Command, caller: Caller, answer: type[R], when: CommandBody | None = None, **extra: Any
    ) -> R:
        """``answer``: the command's own result model, which keeps the fields it names; ``when``: the request's body."""
        if when is not None:
            approval = self._approval(when.late_approval, caller)
            command = dataclasses.replace(command, occurred_at=when.occurred_at, late_approval=approval)
        result = self.ledger.execute(command, by=caller.principal, idempotency_key=self.key)
        # Its times as every answer gives them, on the county's clock (a retry's replayed first result holds them
        # in the offset they were stored in).
        zone = self.ledger.profile.zone
        times = {name: county_iso(result[name], zone) for name in _times(answer) if result.get(name) is not None}
        return answer.model_validate({**result, **times, **extra})

    def _approval(self, given: LateApprovalRequest | None, caller: Caller) -> LateApproval | None:
        if given is None:
            return None
        if given.approver != caller.person_id:
            if given.pin is None:
                raise ApiError(
                    403,
                    "approver_not_signed",
                    "补录须由批准的校长输入PIN，或由校长本人提交",
                    "the approving principal must enter their PIN, or send the request themselves",
                    "late_approval.pin",
                )
            self.pins(
                given.approver,
                given.pin,
                "late_approval.pin",
                "批准人PIN错误，未记录",
                "the approver's PIN is wrong; nothing was recorded",
            )
        return LateApproval(approver=given.approver, reason=given.reason)


def _times(answer: type[Recorded]) -> list[str]:
    return [name for name, field in answer.model_fields.items() if field.annotation is datetime]


Record = Annotated[Recorder, Depends(built_on_loop(Recorder))]
