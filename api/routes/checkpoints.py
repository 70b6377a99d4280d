"""Signed checkpoints of the log, published for anyone to check (no token); an administrator may sign one now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.auth import Admin
from api.checkpoints import document
from api.contract import Group
from api.deps import CheckpointsDep
from api.routing import Route
from api.schemas import BIGINT_MAX

public_router = APIRouter(prefix="/api/v1", tags=[Group.TAMPER_EVIDENCE], route_class=Route)
router = APIRouter(prefix="/api/v1", tags=[Group.ADMIN], route_class=Route)
Json = dict[str, Any]


@public_router.get("/checkpoints", response_model=Json, summary="Signed checkpoints of the log, with the public key")
def list_checkpoints(
    checkpoints: CheckpointsDep,
    after: Annotated[int, Query(ge=0, le=BIGINT_MAX, description="only checkpoints past this log position")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> Json:
    """The same document as `foodtrace checkpoints export`: check it with `foodtrace verify --checkpoints FILE`."""
    return document(checkpoints.public_key(), checkpoints.listed(after, limit))


@public_router.get("/checkpoints/public-key", response_model=Json, summary="The key that signs the checkpoints")
def get_checkpoint_key(checkpoints: CheckpointsDep) -> Json:
    return {
        "public_key": checkpoints.public_key(),
        "signature_algorithm": "ed25519",
        "encoding": "base64, raw 32 bytes",
    }


@router.post("/checkpoints", response_model=Json, status_code=201, summary="Sign a checkpoint of the log now")
def sign_checkpoint(checkpoints: CheckpointsDep, caller: Admin) -> Json:
    return document(checkpoints.public_key(), [checkpoints.take()])
