"""What in an OpenAPI document breaks a client generated from an earlier one; additions never do.

Breaking: an operation or path gone, an operationId renamed, a success status or media type gone, a schema (a
generated model) gone, a field gone from a schema, a field's type changed, a request field or parameter newly
required, an enum value gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Json = dict[str, Any]


def breaking_changes(old: Json, new: Json) -> list[str]:
    found: list[str] = []
    for path, operations in old["paths"].items():
        for method, before in operations.items():
            now = new["paths"].get(path, {}).get(method)
            where = f"{method.upper()} {path}"
            if now is None:
                found.append(f"{where}: the operation is gone")
            else:
                found += [f"{where}: {change}" for change in _operation_changes(before, now)]
    requests = _reachable(old, [op.get("requestBody", {}) for op in _operations(old)])
    schemas, now_schemas = old["components"]["schemas"], new["components"]["schemas"]
    for name, schema in schemas.items():
        if name not in now_schemas:
            found.append(f"schema {name}: gone (a generated client's model)")
        else:
            changes = _schema_changes(schema, now_schemas[name], request=name in requests)
            found += [f"schema {name}{change}" for change in changes]
    return found


def _operations(document: Json) -> Iterator[Json]:
    for operations in document["paths"].values():
        yield from operations.values()


def _operation_changes(before: Json, now: Json) -> Iterator[str]:
    if before.get("operationId") != now.get("operationId"):
        yield f"operationId {before.get('operationId')} became {now.get('operationId')}"
    parameters = {(p["in"], p["name"]): p for p in before.get("parameters", [])}
    for parameter in now.get("parameters", []):
        known = parameters.get((parameter["in"], parameter["name"]))
        if parameter.get("required") and not (known and known.get("required")):
            yield f"parameter {parameter['name']} is newly required"
        if known:
            yield from (
                f"parameter {parameter['name']}{c}" for c in _schema_changes(known["schema"], parameter["schema"])
            )
    if now.get("requestBody", {}).get("required") and not before.get("requestBody", {}).get("required"):
        yield "a body is newly required"
    for status, response in before.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        answered = now.get("responses", {}).get(status)
        if answered is None:
            yield f"answer {status} is gone"
            continue
        for media_type in response.get("content", {}):
            if media_type not in answered.get("content", {}):
                yield f"answer {status} no longer comes as {media_type}"


def _schema_changes(before: Json, now: Json, request: bool = True) -> Iterator[str]:
    """``request``: the schema is sent by clients, so a newly required field breaks them."""
    if _shape(before) != _shape(now):
        yield f": type {_shape(before)} became {_shape(now)}"
    gone = set(before.get("enum", [])) - set(now.get("enum", []))
    if gone:
        yield f": enum values {sorted(gone)} are gone"
    for key in ("items", "additionalProperties"):
        if isinstance(before.get(key), dict) and isinstance(now.get(key), dict):
            yield from _schema_changes(before[key], now[key], request)
    for variant, (was, is_now) in enumerate(zip(before.get("anyOf", []), now.get("anyOf", []), strict=False)):
        yield from (f"[{variant}]{c}" for c in _schema_changes(was, is_now, request))
    fields = now.get("properties", {})
    for field, spec in before.get("properties", {}).items():
        if field not in fields:
            yield f".{field}: the field is gone"
        else:
            yield from (f".{field}{c}" for c in _schema_changes(spec, fields[field], request))
    if request:
        for field in set(now.get("required", [])) - set(before.get("required", [])):
            yield f".{field}: newly required in a request"


def _shape(schema: Json) -> object:
    """What a generator makes a type of: the reference, or the type and format, or the variants'."""
    if "anyOf" in schema:
        return tuple(_shape(variant) for variant in schema["anyOf"])
    return schema.get("$ref") or (schema.get("type"), schema.get("format"))


def _reachable(document: Json, roots: list[Json]) -> set[str]:
    """The names of the schemas that ``roots`` refer to, directly or through other schemas."""
    schemas, found, todo = document["components"]["schemas"], set[str](), list(roots)
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None
            if name and name not in found:
                found.add(name)
                todo.append(schemas[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found
