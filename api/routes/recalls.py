"""Recalls (召回): the county's logistics office opens one on the authority's notice and closes it once every
school has accounted for every unit; schools read the recalls that touch them."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from api.auth import COUNTY_WIDE, Logistics, SchoolReader
from api.commands import command
from api.contract import Group
from api.deps import Record, Views
from api.freshness import Fresh
from api.routes.investigate import FILE_RESPONSES, XLSX, _file
from api.routing import Route
from api.schemas_recalls import RecallChanged, RecallCloseRequest, RecallOpened, RecallOut, RecallRequest, RecallViewOut
from api.tokens import Caller
from domain.recalling import CloseRecall, OpenRecall
from projections.recall_export import recall_xlsx
from projections.recalls import recall_view, recalls

router = APIRouter(prefix="/api/v1", tags=[Group.LOGISTICS], route_class=Route)


@router.post("/recalls", response_model=RecallOpened, status_code=201, summary="召回: hold a lot in every school")
def open_recall(body: RecallRequest, caller: Logistics, record: Record) -> RecallOpened:
    return record(command(OpenRecall, body), caller, RecallOpened, body)


@router.post("/recalls/{recall_id}/close", response_model=RecallChanged, summary="结案: once nothing is outstanding")
def close_recall(recall_id: str, body: RecallCloseRequest, caller: Logistics, record: Record) -> RecallChanged:
    return record(command(CloseRecall, body, recall=recall_id), caller, RecallChanged, body)


@router.get("/recalls", response_model=list[RecallOut], summary="Recalls, newest first (a school: those it holds)")
def list_recalls(views: Views, caller: SchoolReader, fresh: Fresh, open: bool = False) -> list[dict[str, Any]]:
    fresh.reading("trace")
    return recalls(views, school=_school(caller), open_only=open)


@router.get(
    "/recalls/{recall_id}",
    response_model=RecallViewOut,
    responses=FILE_RESPONSES,
    summary="召回进度: schools done and pending, quantities accounted and outstanding",
)
def get_recall(
    recall_id: str, views: Views, caller: SchoolReader, fresh: Fresh, format: Literal["json", "xlsx"] = "json"
) -> Any:
    fresh.reading("trace")
    found = recall_view(views, recall_id, school=_school(caller))
    if format == "xlsx":
        return _file(recall_xlsx(found), XLSX, f"recall-{found['recall_id']}.xlsx", fresh.headers)
    return found


def _school(caller: Caller) -> str | None:
    """The county sees every school's part of a recall; a school only its own."""
    return None if caller.role in COUNTY_WIDE else caller.scope
