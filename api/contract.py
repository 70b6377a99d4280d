"""The API's public contract as a generated client sees it: operation ids and the user groups that tag them.

An operation's id is its route's name, which is the route function's name unless the route says ``name=``: short
and stable (``announce_delivery``), so a client generated from /openapi.json calls ``announce_delivery(...)``.
Renaming one is a breaking change (see the README's API versioning policy).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    return route.name


class Group(StrEnum):
    """Who calls an operation: the tag it is listed under, and the module a generated client puts it in."""

    SUPPLIERS = "suppliers"
    STOREKEEPERS = "storekeepers"
    KITCHEN = "kitchen"
    SCHOOL_OFFICE = "school office"
    INVESTIGATORS = "investigators"
    ADMIN = "admin"
    RECORDS = "records"
    SIGN_IN = "sign in"
    TAMPER_EVIDENCE = "tamper evidence"
    OPERATIONS = "operations"


GROUPS: dict[Group, str] = {
    Group.SUPPLIERS: "供应商: a supplier's ERP announces deliveries, attaches their certificates and follows them",
    Group.STOREKEEPERS: "仓管员: scan, receive (入库验收), inspect, store, issue, return, hold, write off",
    Group.KITCHEN: "厨房负责人: sign hand-offs from the store room, keep food samples (留样)",
    Group.SCHOOL_OFFICE: "校长与学校管理员: staff and their fitness, the school's books (台账), stock and samples",
    Group.INVESTIGATORS: "县市场监管局: search, forward and backward traces, compliance across schools",
    Group.ADMIN: "系统管理员: register schools and suppliers, sign a checkpoint of the log",
    Group.RECORDS: "everyone signed in, within their scope: a batch's history, documents and labels",
    Group.SIGN_IN: "staff sign in with their PIN and get a token for the working day",
    Group.TAMPER_EVIDENCE: "signed checkpoints of the log, for anyone to check (no token)",
    Group.OPERATIONS: "health checks for the load balancer and the operator",
}
OPENAPI_TAGS: list[dict[str, Any]] = [{"name": group.value, "description": text} for group, text in GROUPS.items()]
