"""Investigators and schools read the views: search, forward and backward traces, ledgers, stock, compliance.

Traces cross schools, so only investigators and admins run them; a school reads its own ledger, stock,
compliance and the day's samples.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.auth import COUNTY_WIDE, SCHOOL_ROLES, Investigator, Reader, SchoolReader, check_school, school_of
from api.checkpoints import Checkpoints
from api.contract import Group, files
from api.deps import CheckpointsDep, Views
from api.errors import ApiError
from api.freshness import STALE_RESPONSES, Fresh, ReadAfter
from api.routing import Route
from api.schemas_investigate import TraceBackwardOut, TraceForwardOut, TraceOthersOut
from domain.values import Meal, Role
from labels.paper import position_note
from projections import queries

router = APIRouter(prefix="/api/v1", tags=[Group.INVESTIGATORS], route_class=Route)
school_router = APIRouter(prefix="/api/v1", tags=[Group.SCHOOL_OFFICE], route_class=Route)  # a school's own books
Json = dict[str, Any]
Export = Literal["json", "xlsx", "csv", "pdf"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, **files(XLSX, "text/csv", PDF)}},
    **STALE_RESPONSES,
}


@router.get(
    "/search/batches",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="Find batches by lot, supplier, product, school, dates",
)
def search_batches(
    views: Views,
    caller: Reader,
    fresh: Fresh,
    lot: Annotated[str | None, Query(max_length=64, description="the start of a lot")] = None,
    supplier: Annotated[str | None, Query(max_length=64, description="part of a supplier's name or code")] = None,
    product: Annotated[str | None, Query(max_length=100, description="part of a product's name")] = None,
    school: Annotated[str | None, Query(max_length=64)] = None,
    received_from: date | None = None,
    received_to: date | None = None,
    code: Annotated[str | None, Query(max_length=16, description="the start of a batch code")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,6}$", description="from next_cursor")] = None,
) -> Json:
    # Schools search their own receipts, suppliers their own deliveries.
    if caller.role in SCHOOL_ROLES:
        school = caller.scope
    own = caller.scope if caller.role is Role.SUPPLIER else None
    supplier = None if own else supplier
    page = int(cursor or 1)
    freshness = fresh.reading("trace")
    # Only the county-wide roles learn that a lot exists nowhere; a school or supplier sees an empty page.
    county_wide = caller.role in COUNTY_WIDE
    queries.require_known(views, school=school or None, supplier=own)
    queries.require_found(views, supplier=supplier, lot=lot if county_wide else None)
    found = queries.search_batches(
        views,
        lot=lot,
        supplier=supplier,
        product=product,
        school=school,
        received_from=received_from,
        received_to=received_to,
        page=page,
        page_size=limit,
        code=code,
        supplier_code=own,
    )
    return {**found, "next_cursor": str(page + 1) if found.get("has_more") else None, "freshness": freshness}


@router.get(
    "/trace/forward",
    response_model=TraceForwardOut,
    responses=FILE_RESPONSES,
    summary="Where a lot (or a supplier's goods, or a product) went: schools, batches, meals, samples",
)
def trace_forward(
    views: Views,
    caller: Investigator,
    fresh: Fresh,
    checkpoints: CheckpointsDep,
    lot: Annotated[str | None, Query(max_length=64)] = None,
    gtin: Annotated[str | None, Query(max_length=14)] = None,
    supplier: Annotated[str | None, Query(max_length=64)] = None,
    product: Annotated[str | None, Query(max_length=100)] = None,
    received_from: date | None = None,
    received_to: date | None = None,
    format: Export = "json",
) -> Any:
    if not (lot or supplier or product):
        raise ApiError(
            422, "invalid_input", "请至少填写批号、供应商或品名之一", "give a lot, a supplier or a product", "lot"
        )
    freshness = fresh.reading("trace")
    queries.require_known(views, supplier=supplier or None, lot=lot or None)
    trace = queries.trace_forward(
        views,
        lot=lot,
        gtin=gtin,
        supplier=supplier,
        product=product,
        received_from=received_from,
        received_to=received_to,
    )
    return _exported(
        trace,
        format,
        f"trace-forward-{lot or supplier or product}",
        fresh=fresh,
        freshness=freshness,
        checkpoints=checkpoints,
    )


@router.get(
    "/trace/backward",
    response_model=TraceBackwardOut,
    responses=FILE_RESPONSES,
    summary="What went into one meal at one school: batches, suppliers, certificates, people, other schools",
)
def trace_backward(
    views: Views,
    caller: Investigator,
    fresh: Fresh,
    school: Annotated[str, Query(min_length=1, max_length=64)],
    meal_date: date,
    meal: Meal,
    checkpoints: CheckpointsDep,
    format: Export = "json",
    others: Annotated[
        Literal["batches", "lots"],
        Query(
            description="lots: other schools' lots counted, their batches left out (page them: /trace/backward/others)"
        ),
    ] = "batches",
    dish: Annotated[str | None, Query(min_length=1, max_length=200, description="start from this dish")] = None,
) -> Any:
    freshness = fresh.reading("trace")
    queries.require_known(views, school=school)
    trace = queries.trace_backward(
        views,
        school,
        meal_date,
        meal.value,
        others_in_full=format != "json",
        with_other_batches=others == "batches",
        dish=dish,
    )
    if dish is not None and trace["dish"] is None:
        raise ApiError(404, "not_found", f"这一餐没有菜品{dish}", f"this meal has no dish {dish}", "dish")
    name = f"trace-{school}-{meal_date}-{meal}" + (f"-{dish}" if dish else "")
    return _exported(trace, format, name, fresh=fresh, freshness=freshness, checkpoints=checkpoints)


@router.get(
    "/trace/backward/others",
    response_model=TraceOthersOut,
    responses=STALE_RESPONSES,
    summary="A page of the batches of a meal's lots at other schools (or at one of them), with their meals",
)
def trace_backward_others(
    views: Views,
    caller: Investigator,
    fresh: Fresh,
    school: Annotated[str, Query(min_length=1, max_length=64, description="the meal's school")],
    meal_date: date,
    meal: Meal,
    at: Annotated[str | None, Query(max_length=64, description="only this other school")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,6}$", description="from next_cursor")] = None,
) -> Json:
    page = int(cursor or 1)
    freshness = fresh.reading("trace")
    queries.require_known(views, school=school)
    queries.require_known(views, school=at or None)
    found = queries.trace_backward_others(views, school, meal_date, meal.value, at=at, page=page, page_size=limit)
    return {**found, "next_cursor": str(page + 1) if found["has_more"] else None, "freshness": freshness}


@school_router.get(
    "/schools/{school}/ledger",
    response_model=Json,
    responses=FILE_RESPONSES,
    summary="进出库台账: a school's movements in a month, with balances",
)
def get_school_ledger(
    school: str,
    views: Views,
    caller: SchoolReader,
    fresh: Fresh,
    month: Annotated[str, Query(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
    format: Literal["json", "xlsx", "pdf"] = "json",
) -> Any:
    check_school(caller, school)
    queries.require_known(views, school=school)  # an unknown school is a 404, not an empty book
    freshness = fresh.reading("warehouse")
    ledger = queries.warehouse_ledger(views, school, month)
    if format == "xlsx":
        return _file(queries.ledger_xlsx(ledger), XLSX, f"ledger-{school}-{month}.xlsx", fresh.headers)
    if format == "pdf":
        book = queries.ledger_pdf(ledger, note=position_note(freshness["position"]))
        return _file(book, PDF, f"ledger-{school}-{month}.pdf", fresh.headers)
    return {**ledger, "freshness": freshness}


@school_router.get(
    "/schools/{school}/checks",
    response_model=Json,
    responses=FILE_RESPONSES,
    summary="检查记录台帐: the principal's and food-safety officer's checks (§15) in a month, to file",
)
def get_school_checks(
    school: str,
    views: Views,
    caller: SchoolReader,
    fresh: Fresh,
    month: Annotated[str, Query(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")],
    format: Literal["json", "pdf"] = "json",
) -> Any:
    check_school(caller, school)
    queries.require_known(views, school=school)
    freshness = fresh.reading("trace")
    record = queries.school_checks(views, school, month)
    if format == "pdf":
        paper = queries.check_record_pdf(record, note=position_note(freshness["position"]))
        return _file(paper, PDF, f"checks-{school}-{month}.pdf", fresh.headers)
    return {**record, "freshness": freshness}


@school_router.get(
    "/schools/{school}/stock",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="库存: what is on hand, per batch and product",
)
def get_school_stock(school: str, views: Views, caller: SchoolReader, fresh: Fresh) -> Json:
    check_school(caller, school)
    queries.require_known(views, school=school)
    freshness = fresh.reading("warehouse")
    return {**queries.stock_on_hand(views, school), "freshness": freshness}


@school_router.get(
    "/schools/{school}/expiring",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="Batches in stock that expire soon",
)
def list_expiring_batches(
    school: str, views: Views, caller: SchoolReader, fresh: Fresh, days: Annotated[int, Query(ge=0, le=365)] = 3
) -> Json:
    check_school(caller, school)
    queries.require_known(views, school=school)
    freshness = fresh.reading("warehouse")
    return {**queries.expiring(views, school, days), "freshness": freshness}


@router.get(
    "/compliance",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="Gaps: certificates, inspections, samples, staff, §15 checks",
)
def get_compliance_report(
    views: Views,
    caller: SchoolReader,
    fresh: Fresh,
    start: date,
    end: date,
    school: Annotated[str | None, Query(max_length=64)] = None,
) -> Json:
    if caller.role in SCHOOL_ROLES:
        school = caller.scope
    if end < start or (end - start).days > 366:
        raise ApiError(
            422, "invalid_input", "日期范围应在一年以内且结束不早于开始", "give a range of at most a year", "end"
        )
    queries.require_known(views, school=school or None)
    freshness = fresh.reading("trace")
    return {**queries.compliance_report(views, start, end, school), "freshness": freshness}


@school_router.get(
    "/meals/{meal_date}/{meal}/samples",
    response_model=Json,
    responses=STALE_RESPONSES,
    summary="留样 for one meal: the samples kept, the batches issued for it, and what still lacks a sample",
)
def get_meal_samples(
    meal_date: date,
    meal: Meal,
    views: Views,
    caller: SchoolReader,
    fresh: Fresh,
    school: Annotated[str | None, Query(max_length=64)] = None,
) -> Json:
    chosen = school_of(caller, school)
    queries.require_known(views, school=chosen)
    freshness = fresh.reading("trace")
    return {**queries.meal_samples(views, chosen, meal_date, meal.value), "freshness": freshness}


@router.get("/schools", response_model=Json, responses=STALE_RESPONSES, summary="The county's schools")
def list_schools(views: Views, caller: Investigator, fresh: Fresh) -> Json:
    freshness = fresh.reading("trace")
    return {"items": queries.county_schools(views), "freshness": freshness}


@router.get("/projections", response_model=Json, summary="Each view's position and how far it lags the log")
def get_projection_status(views: Views, caller: Investigator) -> Json:
    return {"views": views.status()}


def _exported(
    trace: Json, format: Export, name: str, *, fresh: ReadAfter, freshness: Json, checkpoints: Checkpoints
) -> Any:
    if format == "pdf":  # the incident report: as of the views' position, with the checkpoint that vouches for it
        vouching = checkpoints.vouching_for(freshness["position"])
        report = queries.incident_pdf(trace, freshness["position"], asdict(vouching) if vouching else None)
        return _file(report, PDF, f"{name}.pdf", fresh.headers)
    if format == "xlsx":
        return _file(queries.trace_xlsx(trace), XLSX, f"{name}.xlsx", fresh.headers)
    if format == "csv":
        return _file(queries.trace_csv(trace), "text/csv; charset=utf-8", f"{name}.csv", fresh.headers)
    return {**trace, "freshness": freshness}


def _file(content: bytes, media_type: str, filename: str, headers: dict[str, str]) -> Response:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename)
    disposition = {"Content-Disposition": f'attachment; filename="{safe}"'}
    return Response(content, media_type=media_type, headers={**headers, **disposition})
