"""What routes share: the ledger, the caller, the Idempotency-Key header, and visible-record loaders."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from api.auth import may_see_batch, not_found_unless
from api.checkpoints import Checkpoints
from api.documents import DocumentStore
from api.errors import ApiError
from api.settings import Settings
from api.tokens import Caller, Credentials
from domain.batch import IngredientBatch
from domain.errors import NotFound
from domain.ledger import Ledger


def get_ledger(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def get_documents(request: Request) -> DocumentStore:
    store: DocumentStore = request.app.state.documents
    return store


def get_checkpoints(request: Request) -> Checkpoints:
    checkpoints: Checkpoints = request.app.state.checkpoints
    return checkpoints


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_credentials(request: Request) -> Credentials:
    credentials: Credentials = request.app.state.credentials
    return credentials


LedgerDep = Annotated[Ledger, Depends(get_ledger)]
DocumentsDep = Annotated[DocumentStore, Depends(get_documents)]
CheckpointsDep = Annotated[Checkpoints, Depends(get_checkpoints)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CredentialsDep = Annotated[Credentials, Depends(get_credentials)]


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


def visible_batch(ledger: Ledger, caller: Caller, code: str) -> IngredientBatch:
    """The batch, if this caller may see it; otherwise 404, as if it did not exist."""
    try:
        batch = ledger.batch(code)
    except NotFound:
        not_found_unless(False)
        raise
    not_found_unless(may_see_batch(caller, batch))
    return batch
