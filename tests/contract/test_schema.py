"""The published schema reads well in a generated client: one answer model per write, named enums, files declared as
bytes, and examples on every request body that are themselves valid requests."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from api.app import create_app
from api.settings import Settings

APP = create_app(Settings(database_url="sqlite:///unused"))
DOCUMENT = APP.openapi()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
OPERATIONS = {op["operationId"]: op for ops in DOCUMENT["paths"].values() for op in ops.values()}


def schema_of(ref: dict[str, Any]) -> dict[str, Any]:
    return SCHEMAS[ref["$ref"].rsplit("/", 1)[1]] if "$ref" in ref else ref


def answer(operation: str) -> dict[str, Any]:
    responses = OPERATIONS[operation]["responses"]
    ok = next(status for status in responses if status.startswith("2"))
    return schema_of(responses[ok]["content"]["application/json"]["schema"])


def test_a_write_answers_exactly_the_fields_its_command_fills() -> None:
    assert "CommandResult" not in SCHEMAS
    expected = {
        "announce_delivery": {"announcement_id", "status", "position"},
        "attach_delivery_certificate": {"announcement_id", "certificates", "document", "position"},
        "reject_delivery": {"announcement_id", "status", "position"},
        "issue_to_kitchen": {"code", "version", "on_hand", "unit", "offer", "status", "position"},
        "retain_sample": {"sample_id", "keep_until", "position"},
        "register_staff": {"person_id", "position"},
    }
    for operation, fields in expected.items():
        found = answer(operation)
        assert set(found["properties"]) == fields, operation
        assert set(found["required"]) == fields, f"{operation}: every field it names is always there"
    received = answer("receive_delivery")
    assert set(received["properties"]) == {"code", "batch_id", "status", "announcement_id", "position"}
    assert received["properties"]["status"]["default"] == "received", "what an intake answered before co-signing"


def test_choices_are_named_enums_shared_by_every_request() -> None:
    assert SCHEMAS["Category"]["enum"] == ["plant", "meat", "aquatic", "other"]
    assert {"Meal", "CertificateKind", "Stage", "StaffRole"} <= set(SCHEMAS)
    meal = {"$ref": "#/components/schemas/Meal"}
    assert SCHEMAS["IssueRequest"]["properties"]["meal"] == meal
    assert SCHEMAS["SampleRequest"]["properties"]["meal"] == meal
    assert next(p for p in OPERATIONS["trace_backward"]["parameters"] if p["name"] == "meal")["schema"] == meal
    category = {"$ref": "#/components/schemas/Category"}
    assert SCHEMAS["AnnouncementRequest"]["properties"]["category"] == category
    assert SCHEMAS["IntakeRequest"]["properties"]["category"] == category
    for body in ("Body_attach_batch_certificate", "Body_attach_delivery_certificate"):
        assert SCHEMAS[body]["properties"]["kind"]["$ref"] == "#/components/schemas/CertificateKind"
    inline = [
        f"{name}.{field}"
        for name, schema in SCHEMAS.items()
        if name.endswith("Request") or name.startswith("Body_")
        for field, spec in schema.get("properties", {}).items()
        if "enum" in spec or "enum" in spec.get("items", {})
    ]
    assert inline == [], "a request's choices are a named enum (an Enum class), not a Literal"


def test_every_file_answer_is_declared_as_bytes_with_its_media_type() -> None:
    files = {}
    for operation, op in OPERATIONS.items():
        for status, response in op["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if status.startswith("2") and "json" not in media_type:
                    files[(operation, media_type)] = content.get("schema")
    assert files[("get_batch_label", "image/png")] == {"type": "string", "format": "binary"}
    assert {("get_label_sheet", "application/pdf"), ("get_batch_document", "image/jpeg")} <= set(files)
    assert ("trace_backward", "text/csv") in files
    assert [key for key, schema in files.items() if schema != {"type": "string", "format": "binary"}] == []


REQUESTS = {name: op["requestBody"]["content"] for name, op in OPERATIONS.items() if "requestBody" in op}


def api_models(kind: type[BaseModel] = BaseModel) -> dict[str, type[BaseModel]]:
    """Every pydantic model of the API by its name, as the document names its schema."""
    found: dict[str, type[BaseModel]] = {}
    for model in kind.__subclasses__():
        if model.__module__.startswith("api."):
            found[model.__name__] = model
        found.update(api_models(model))
    return found


MODELS = api_models()


@pytest.mark.parametrize("operation", sorted(REQUESTS))
def test_every_request_body_has_examples_that_are_valid_requests(operation: str) -> None:
    body = REQUESTS[operation]
    if "multipart/form-data" in body:  # a form: each field but the file carries an example
        form = schema_of(body["multipart/form-data"]["schema"])
        bare = [f for f, spec in form["properties"].items() if "examples" not in spec and f != "file"]
        assert bare == []
        return
    schema = schema_of(body["application/json"]["schema"])
    assert schema.get("examples"), f"add an example of {schema.get('title')} to api/examples.json"
    model = MODELS.get(schema["title"]) if "$ref" in body["application/json"]["schema"] else None
    for example in schema["examples"] if model else ():
        model.model_validate(example)
