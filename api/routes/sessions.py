"""Staff sign in on a phone with their person id and PIN, and get a token for the working day."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field, StringConstraints

from api.auth import EVERYONE, SCHOOL_ROLES, Allow
from api.deps import CredentialsDep
from api.errors import ApiError
from api.pin_limits import PinLimits
from api.tokens import Caller
from domain.errors import NotFound, ValidationError

router = APIRouter(prefix="/api/v1", tags=["sign in"])
current_router = APIRouter(prefix="/api/v1", tags=["sign in"])
Anyone = Annotated[Caller, Depends(Allow(*EVERYONE))]


class SignIn(BaseModel):
    person_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    pin: str = Field(min_length=4, max_length=8, pattern=r"^[0-9]+$")
    role: str | None = Field(None, description="one of the person's roles; their first role when omitted")


class Session(BaseModel):
    token: str
    person_id: str
    name: str
    role: str
    scope: str | None
    expires_at: datetime | None = Field(description="null for a token made on the command line, which does not expire")


@router.post("/sessions", response_model=Session, status_code=201, summary="Sign in with person id and PIN")
def sign_in(body: SignIn, credentials: CredentialsDep, request: Request) -> Session:
    limits: PinLimits = request.app.state.pin_limits
    counted = limits.try_pin(body.person_id, request.client.host if request.client else None)
    try:
        token, caller, name = credentials.sign_in(body.person_id, body.pin, body.role)
    except (NotFound, ValidationError) as refused:
        # The same answer for an unknown person and a wrong PIN: nothing to learn by guessing.
        if isinstance(refused, ValidationError) and refused.details.get("field") == "role":
            limits.succeeded(counted)  # the PIN was right
            raise
        raise ApiError(401, "wrong_credentials", "人员编号或PIN错误", "wrong person id or PIN", "pin") from None
    limits.succeeded(counted)
    record = credentials.ledger.repository.get(caller.token_id) if caller.token_id else None
    expires = getattr(record, "expires_at", None)
    assert isinstance(expires, datetime)
    return Session(
        token=token,
        person_id=caller.person_id,
        name=name,
        role=caller.role.value,
        scope=caller.scope,
        expires_at=expires,
    )


@current_router.get("/sessions/current", response_model=Session, summary="Who this token belongs to")
def current(caller: Anyone, credentials: CredentialsDep) -> Session:
    record = credentials.ledger.repository.get(caller.token_id) if caller.token_id else None
    name = caller.person_id
    if caller.role in SCHOOL_ROLES:
        name = credentials.ledger.staff(caller.person_id).name
    return Session(
        token="",
        person_id=caller.person_id,
        name=name,
        role=caller.role.value,
        scope=caller.scope,
        expires_at=getattr(record, "expires_at", None),
    )


@current_router.delete("/sessions/current", status_code=204, summary="Sign out: revoke this token on the server")
def sign_out(caller: Anyone, credentials: CredentialsDep) -> Response:
    if caller.token_id is not None:
        credentials.revoke(caller.token_id, "signed out", caller.principal)
    return Response(status_code=204)
