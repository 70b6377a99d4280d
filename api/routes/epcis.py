"""EPCIS 2.0 (GS1): the county's events for anyone who speaks it, and suppliers' shipping events as announcements.

``GET /epcis/events`` answers a small subset of EPCIS's SimpleEventQuery, narrowed to what the caller may see like
every other read: a school's staff their school's batches, a supplier its own deliveries, the county everything.
``POST /epcis/capture`` takes a supplier's EPCISDocument of shipping ObjectEvents (api/epcis_capture.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.auth import COUNTY_WIDE, SCHOOL_ROLES, Reader, Supplier
from api.deps import LedgerDep, SettingsDep, Views
from api.epcis_capture import announce_all, load_mapping, shipments
from api.epcis_schema import schema_error
from api.errors import ApiError
from api.schemas_epcis import CaptureOut
from domain.values import Role
from projections.epcis_export import EventQuery, naming, query_events

router = APIRouter(prefix="/api/v1", tags=["epcis"])
Json = dict[str, Any]
Uri = Annotated[str | None, Query(max_length=300)]


@router.get("/epcis/events", response_model=Json, summary="EPCIS 2.0 events (SimpleEventQuery, a subset)")
def epcis_events(
    views: Views,
    settings: SettingsDep,
    caller: Reader,
    match_epc: Annotated[Uri, Query(alias="MATCH_epc", description="a batch: its label's address or code")] = None,
    match_epc_class: Annotated[
        Uri, Query(alias="MATCH_epcClass", description="a lot: https://id.gs1.org/01/GTIN/10/LOT or our lot URI")
    ] = None,
    eq_biz_location: Annotated[Uri, Query(alias="EQ_bizLocation", description="a school: its URI or code")] = None,
    eq_biz_step: Annotated[str | None, Query(alias="EQ_bizStep", max_length=64, pattern=r"^[a-z_]+$")] = None,
    ge_event_time: Annotated[datetime | None, Query(alias="GE_eventTime")] = None,
    lt_event_time: Annotated[datetime | None, Query(alias="LT_eventTime")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,9}$", description="from next_cursor")] = None,
) -> Json:
    for moment, name in ((ge_event_time, "GE_eventTime"), (lt_event_time, "LT_eventTime")):
        if moment is not None and moment.utcoffset() is None:
            raise ApiError(422, "invalid_input", "时间须带时区", f"{name} needs an offset, e.g. +08:00", name)
    if caller.role in COUNTY_WIDE and not (match_epc or match_epc_class or eq_biz_location):
        raise ApiError(
            422,
            "invalid_input",
            "请指定批次、批号或学校",
            "name a batch (MATCH_epc), a lot (MATCH_epcClass) or a school (EQ_bizLocation)",
            "MATCH_epc",
        )
    query = EventQuery(
        epc=match_epc,
        epc_class=match_epc_class,
        biz_location=eq_biz_location,
        biz_step=eq_biz_step,
        since=ge_event_time,
        before=lt_event_time,
        school_scope=caller.scope if caller.role in SCHOOL_ROLES else None,
        supplier_scope=caller.scope if caller.role is Role.SUPPLIER else None,
    )
    document, next_offset = query_events(views, settings.resolver_base, query, int(cursor or 0), limit)
    return {**document, "foodtrace:next_cursor": str(next_offset) if next_offset is not None else None}


@router.post("/epcis/capture", response_model=CaptureOut, summary="A supplier's EPCIS shipping events as 送货预告")
def epcis_capture(
    document: Annotated[Json, Body(description="an EPCIS 2.0 EPCISDocument of shipping ObjectEvents")],
    ledger: LedgerDep,
    views: Views,
    settings: SettingsDep,
    caller: Supplier,
    supplier: Annotated[str | None, Query(max_length=64, description="admins only: the supplier it is from")] = None,
) -> CaptureOut:
    own = caller.scope if caller.role is Role.SUPPLIER else supplier
    if not own:
        raise ApiError(422, "invalid_input", "请填写供应商", "supplier is required", "supplier")
    error = schema_error(document)
    if error is None and document.get("type") != "EPCISDocument":
        error = ("$.type", "capture takes an EPCISDocument")
    if error is not None:
        path, message = error
        zh, en = f"EPCIS文档无效（{path}）：{message}", f"not a valid EPCIS 2.0 document at {path}: {message}"
        raise ApiError(422, "invalid_epcis", zh, en, path)
    found = shipments(document, own, naming(views, settings.resolver_base), load_mapping(settings.epcis_mapping))
    return CaptureOut(events=announce_all(ledger, found, caller.principal))
