"""The API's public contract as a generated client sees it: operation ids and the user groups that tag them.

An operation's id is its route's name, which is the route function's name unless the route says ``name=``: short
and stable (``announce_delivery``), so a client generated from /openapi.json calls ``announce_delivery(...)``.
Renaming one is a breaking change (see the README's API versioning policy).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from enum import StrEnum
from typing import Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders


def operation_id(route: APIRoute) -> str:
    return route.name


def document_text(document: dict[str, Any]) -> str:
    """The OpenAPI document as the committed snapshot (openapi.json) holds it: one stable text, diffs read well."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class Group(StrEnum):
    """Who calls an operation: the tag it is listed under, and the module a generated client puts it in."""

    SUPPLIERS = "suppliers"
    STOREKEEPERS = "storekeepers"
    KITCHEN = "kitchen"
    SCHOOL_OFFICE = "school office"
    INVESTIGATORS = "investigators"
    ADMIN = "admin"
    LOGISTICS = "logistics office"
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
    Group.LOGISTICS: "县物资/后勤管理: recall a lot county-wide (召回) and follow every school's accounting of it",
    Group.RECORDS: "everyone signed in, within their scope: a batch's history, documents and labels",
    Group.SIGN_IN: "staff sign in with their PIN and get a token for the working day",
    Group.TAMPER_EVIDENCE: "signed checkpoints of the log, for anyone to check (no token)",
    Group.OPERATIONS: "health checks for the load balancer and the operator",
}
OPENAPI_TAGS: list[dict[str, Any]] = [{"name": group.value, "description": text} for group, text in GROUPS.items()]


BINARY = {"type": "string", "format": "binary"}


def files(*media_types: str) -> dict[str, Any]:
    """An answer's content that is a file (a label, a document, an export): declared as bytes, so a generated
    client hands back the file instead of dropping the operation's answer."""
    return {media_type: {"schema": BINARY} for media_type in media_types}


@dataclass(frozen=True)
class Deprecation:
    """An operation on its way out of /api/v1: the document marks it deprecated, and every answer it gives, errors
    too, says since when (``Deprecation``, RFC 9745), when it goes (``Sunset``, RFC 8594) and what replaces it.

    ``@router.get("/old", **Deprecation(since=date(2027, 1, 1), sunset=date(2028, 1, 1), successor="/new").route())``
    """

    since: date
    sunset: date
    successor: str | None = None

    def route(self) -> dict[str, Any]:
        """The route decorator's arguments."""
        extra = {"x-sunset": self.sunset.isoformat(), **({"x-successor": self.successor} if self.successor else {})}
        return {"deprecated": True, "dependencies": [Depends(self._mark)], "openapi_extra": extra}

    def headers(self) -> dict[str, str]:
        since, sunset = (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (self.since, self.sunset))
        found = {"Deprecation": f"@{int(since.timestamp())}", "Sunset": format_datetime(sunset, usegmt=True)}
        if self.successor:
            found["Link"] = f'<{self.successor}>; rel="successor-version"'
        return found

    def _mark(self, request: Request) -> None:
        # Runs before the route's other dependencies (sign-in, validation), so their refusals carry the headers too.
        request.state.deprecation = self


def deprecation_headers(state: dict[str, Any], headers: MutableHeaders) -> None:
    """The app's middleware calls this on every answer (with the request's state): a deprecated route's answers
    say so."""
    found: Deprecation | None = state.get("deprecation")
    if found is not None:
        headers.update(found.headers())


FREE_FORM = {"type": "object", "additionalProperties": True, "description": "a JSON object: see the operation"}


def name_free_form_answers(document: dict[str, Any]) -> None:
    """A route that answers a plain JSON object (no model of its own) answers the one named schema ``JsonObject``,
    so a generated client has one type for them instead of a model named after each route and its method."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                answer = response.get("content", {}).get("application/json", {})
                free = (
                    answer.get("schema", {}).get("additionalProperties") is True
                    and "properties" not in answer["schema"]
                )
                if status.startswith("2") and free:
                    answer["schema"] = {"$ref": "#/components/schemas/JsonObject"}
    document["components"]["schemas"]["JsonObject"] = FREE_FORM
