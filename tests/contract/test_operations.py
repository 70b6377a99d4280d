"""The published operations read well in a generated client: short, unique, stable ids, each under its user group."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from api.app import create_app
from api.contract import Group
from api.settings import Settings


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = create_app(Settings(database_url="sqlite:///unused")).openapi()
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_operation_has_a_short_unique_snake_case_id() -> None:
    ids = [op["operationId"] for _, _, op in operations()]
    assert [name for name, count in Counter(ids).items() if count > 1] == []
    long = [i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+){0,4}", i) or "api_v1" in i]
    assert long == [], "an operation id is the function a generated client calls: a short verb phrase"
    assert {"announce_delivery", "trace_backward", "get_batch_label", "attach_delivery_certificate"} <= set(ids)


def test_every_operation_is_listed_under_a_user_group() -> None:
    groups = {g.value for g in Group}
    untagged = [f"{m.upper()} {p}" for m, p, op in operations() if not op.get("tags") or set(op["tags"]) - groups]
    assert untagged == [], "tag each route with its api.contract.Group"
