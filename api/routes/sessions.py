"""Staff sign in on a phone with their person id and PIN, and get a token for the working day."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api import tokens
from api.auth import Reader
from api.contract import Group
from api.deps import CredentialsDep, PinLimitsDep
from api.errors import ApiError
from api.routing import Route
from api.schemas import with_examples
from domain.clock import county_time
from domain.errors import NotFound, ValidationError

router = APIRouter(prefix="/api/v1", tags=[Group.SIGN_IN], route_class=Route)
current_router = APIRouter(prefix="/api/v1", tags=[Group.SIGN_IN], route_class=Route)


class SignIn(BaseModel):
    model_config = ConfigDict(json_schema_extra=with_examples)

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

    @classmethod
    def of(cls, session: tokens.Session, zone: tzinfo) -> Session:
        """``zone``: the county's, on whose clock the expiry is given."""
        caller = session.caller
        expires = session.expires_at
        return cls(
            token=session.token,
            person_id=caller.person_id,
            name=session.name,
            role=caller.role.value,
            scope=caller.scope,
            expires_at=county_time(expires, zone) if expires is not None else None,
        )


@router.post("/sessions", response_model=Session, status_code=201, summary="Sign in with person id and PIN")
def sign_in(body: SignIn, credentials: CredentialsDep, limits: PinLimitsDep, request: Request) -> Session:
    counted = limits.try_pin(body.person_id, request.client.host if request.client else None)
    try:
        session = credentials.sign_in(body.person_id, body.pin, body.role)
    except (NotFound, ValidationError) as refused:
        # The same answer for an unknown person and a wrong PIN: nothing to learn by guessing.
        if isinstance(refused, ValidationError) and refused.details.get("field") == "role":
            limits.succeeded(counted)  # the PIN was right
            raise
        raise ApiError(401, "wrong_credentials", "人员编号或PIN错误", "wrong person id or PIN", "pin") from None
    limits.succeeded(counted)
    return Session.of(session, credentials.ledger.profile.zone)


@current_router.get("/sessions/current", response_model=Session, summary="Who this token belongs to")
def get_current_session(caller: Reader, credentials: CredentialsDep) -> Session:
    return Session.of(credentials.session(caller), credentials.ledger.profile.zone)


@current_router.delete("/sessions/current", status_code=204, summary="Sign out: revoke this token on the server")
def sign_out(caller: Reader, credentials: CredentialsDep) -> Response:
    if caller.token_id is not None:
        credentials.revoke(caller.token_id, "signed out", caller.principal)
    return Response(status_code=204)
