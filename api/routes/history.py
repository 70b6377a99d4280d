"""A batch's records: its history (paged), its state at a past moment, its documents and its label."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import AwareDatetime

from api.auth import Reader, not_found_unless, visible_batch
from api.contract import Group, files
from api.deps import DocumentsDep, LedgerDep, SettingsDep
from api.documents import MEDIA_TYPES, Document, DocumentAltered, DocumentStore
from api.errors import ApiError
from api.freshness import STALE_RESPONSES, Fresh
from api.labelling import LABEL_RESPONSES, LabelSize, PrintingDep, batch_label
from api.routing import Route
from api.schemas import HistoryEntryOut, Page
from api.schemas_investigate import BatchAsOfOut
from labels.render import render_batch_label, render_sheet
from projections import queries

log = logging.getLogger("foodtrace.documents")
router = APIRouter(prefix="/api/v1", tags=[Group.RECORDS], route_class=Route)


@router.get("/batches/{code}/history", response_model=Page[HistoryEntryOut], summary="Every event of a batch, in order")
def get_batch_history(
    code: str,
    ledger: LedgerDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,9}$", description="from next_cursor")] = None,
) -> dict[str, Any]:
    batch = visible_batch(ledger, caller, code)
    items, last = queries.history_page(ledger, batch.code, int(cursor or 0), limit)
    return {"items": items, "next_cursor": str(last) if last is not None else None}


@router.get(
    "/batches/{code}/as-of",
    response_model=BatchAsOfOut,
    responses=STALE_RESPONSES,
    summary="The batch as it stood at a past moment: stock, reserved, place, hold and its reason, certificates, "
    "movements, and the events that made it",
)
def get_batch_as_of(
    code: str, at: Annotated[AwareDatetime, Query()], ledger: LedgerDep, caller: Reader, fresh: Fresh
) -> Any:
    batch = visible_batch(ledger, caller, code)
    freshness = fresh.reading()  # replayed from the log itself: never behind it
    return {**queries.batch_as_of(ledger, batch.code, at), "freshness": freshness}


@router.get(
    "/batches/{code}/documents/{sha256}",
    summary="A certificate's document, as the supplier uploaded it",
    response_class=Response,
    responses={200: {"content": files(*MEDIA_TYPES.values())}},
)
def get_batch_document(code: str, sha256: str, ledger: LedgerDep, documents: DocumentsDep, caller: Reader) -> Response:
    batch = visible_batch(ledger, caller, code)
    not_found_unless(any(c.sha256 == sha256 for c in batch.live_certificates))
    found, content = _recorded_document(documents, sha256, batch.code)
    filename = f"{batch.code}-{sha256[:8]}.{found.kind}"
    return Response(
        content, media_type=found.media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def _recorded_document(documents: DocumentStore, sha256: str, code: str) -> tuple[Document, bytes]:
    """A recorded certificate's file, re-checked against its SHA-256: lost or altered evidence is said plainly."""
    found = documents.find(sha256)
    try:
        if found is None:
            raise FileNotFoundError(sha256)
        return found, documents.read(found)
    except FileNotFoundError:
        log.error("document %s of batch %s is recorded but its file is missing", sha256, code)
        raise ApiError(
            409,
            "document_missing",
            "证明文件缺失：已登记的文件找不到，请联系管理员",
            "the recorded document's file is missing; call the administrator",
            "sha256",
        ) from None
    except DocumentAltered:
        log.error("document %s of batch %s does not match its recorded SHA-256", sha256, code)
        raise ApiError(
            409,
            "document_altered",
            "文件已被篡改：与登记的摘要不符，请联系管理员",
            "the document does not match its recorded SHA-256 (replaced or damaged); call the administrator",
            "sha256",
        ) from None


@router.get(
    "/labels/sheet",
    summary="An A4 sheet of batch labels (PDF) for an office printer",
    response_class=Response,
    responses={200: {"content": files("application/pdf")}},
)
def get_label_sheet(
    ledger: LedgerDep,
    settings: SettingsDep,
    caller: Reader,
    code: Annotated[list[str], Query(min_length=1, max_length=200, description="batch codes, repeated")],
    size: LabelSize = LabelSize.LARGE,
) -> Response:
    labels = [batch_label(ledger, visible_batch(ledger, caller, c), settings.resolver_base) for c in code]
    return Response(render_sheet(labels, size.value, profile=ledger.profile), media_type="application/pdf")


@router.get(
    "/batches/{code}/label",
    summary="The batch label (批次标签) to print",
    response_class=Response,
    responses=LABEL_RESPONSES,
)
def get_batch_label(
    code: str, ledger: LedgerDep, settings: SettingsDep, caller: Reader, printing: PrintingDep
) -> Response:
    found = batch_label(ledger, visible_batch(ledger, caller, code), settings.resolver_base)
    return printing.response(render_batch_label(found, printing.format, printing.size, printing.dpi, ledger.profile))
