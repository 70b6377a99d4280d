"""EPCIS 2.0 (GS1): the county's events for anyone who speaks it, and suppliers' shipping events as announcements.

``GET /epcis/events`` answers a small subset of EPCIS's SimpleEventQuery, narrowed to what the caller may see like
every other read: a school's staff their school's batches, a supplier its own deliveries, the county everything.
``POST /epcis/capture`` takes a supplier's EPCISDocument of shipping ObjectEvents (api/epcis_capture.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.auth import COUNTY_WIDE, SCHOOL_ROLES, Reader, Supplier
from api.contract import Group
from api.deps import LedgerDep, SettingsDep, Views
from api.epcis_capture import announce_all, load_mapping, shipments
from api.epcis_schema import SchemaMissing, schema_error
from api.errors import ApiError
from api.routing import Route
from api.schemas import EXAMPLES
from api.schemas_epcis import CaptureOut, EventQueryParams
from domain.values import Role
from projections.epcis_export import EventQuery, naming, query_events

router = APIRouter(prefix="/api/v1", route_class=Route)
Json = dict[str, Any]


@router.get(
    "/epcis/events", response_model=Json, tags=[Group.RECORDS], summary="EPCIS 2.0 events (SimpleEventQuery, a subset)"
)
def epcis_events(
    views: Views, settings: SettingsDep, caller: Reader, params: Annotated[EventQueryParams, Query()]
) -> Json:
    if caller.role in COUNTY_WIDE and not (params.epc or params.epc_class or params.biz_location):
        raise ApiError(
            422,
            "invalid_input",
            "请指定批次、批号或学校",
            "name a batch (MATCH_epc), a lot (MATCH_epcClass) or a school (EQ_bizLocation)",
            "MATCH_epc",
        )
    school = caller.scope if caller.role in SCHOOL_ROLES else None
    supplier = caller.scope if caller.role is Role.SUPPLIER else None
    query = EventQuery(**params.model_dump(exclude={"limit", "cursor"}), school_scope=school, supplier_scope=supplier)
    document, next_offset = query_events(views, settings.resolver_base, query, int(params.cursor or 0), params.limit)
    return {**document, "foodtrace:next_cursor": str(next_offset) if next_offset is not None else None}


@router.post(
    "/epcis/capture",
    response_model=CaptureOut,
    tags=[Group.SUPPLIERS],
    summary="A supplier's EPCIS shipping events as 送货预告",
)
def epcis_capture(
    document: Annotated[
        Json,
        Body(description="an EPCIS 2.0 EPCISDocument of shipping ObjectEvents", examples=EXAMPLES["EPCISDocument"]),
    ],
    ledger: LedgerDep,
    views: Views,
    settings: SettingsDep,
    caller: Supplier,
    supplier: Annotated[str | None, Query(max_length=64, description="admins only: the supplier it is from")] = None,
) -> CaptureOut:
    own = caller.scope if caller.role is Role.SUPPLIER else supplier
    if not own:
        raise ApiError(422, "invalid_input", "请填写供应商", "supplier is required", "supplier")
    try:
        error = schema_error(document)
    except SchemaMissing as missing:
        raise ApiError(503, "epcis_schema_missing", "服务器缺少EPCIS模式文件，请联系管理员", str(missing)) from None
    if error is None and document.get("type") not in ("EPCISDocument", "EPCISQueryDocument"):
        error = ("$.type", "capture takes an EPCISDocument (or a query's EPCISQueryDocument)")
    if error is not None:
        path, message = error
        zh, en = f"EPCIS文档无效（{path}）：{message}", f"not a valid EPCIS 2.0 document at {path}: {message}"
        raise ApiError(422, "invalid_epcis", zh, en, path)
    found = shipments(document, own, naming(views, settings.resolver_base), load_mapping(settings.epcis_mapping))
    return CaptureOut(events=announce_all(ledger, found, caller.principal))
