"""GS1's EPCIS 2.0 JSON schema, which every document we take in (and, in the tests, every one we give out) must pass.

The schema is GS1's file as published, not a copy in this repository: FOODTRACE_EPCIS_SCHEMA names it, else it is
``shared/epcis/EPCIS-JSON-Schema.json`` in the nearest folder above this one that has it (beside the checkout).
Formats are checked too (``jsonschema[format]``): without them a malformed time or URI passes.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import best_match

SCHEMA_FILE = "EPCIS-JSON-Schema.json"


class SchemaMissing(RuntimeError):
    pass


def epcis_folder() -> Path:
    """GS1's EPCIS folder: the schema, its JSON-LD context and the official examples."""
    return schema_path().parent


def schema_path() -> Path:
    named = os.environ.get("FOODTRACE_EPCIS_SCHEMA")
    found = [Path(named)] if named else [f / "shared" / "epcis" / SCHEMA_FILE for f in Path(__file__).resolve().parents]
    for path in found:
        if path.is_file():
            return path
    raise SchemaMissing(f"GS1's {SCHEMA_FILE} was not found: set FOODTRACE_EPCIS_SCHEMA to its path")


@cache
def _validator(path: Path) -> Draft7Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=FormatChecker())


def validator() -> Draft7Validator:
    return _validator(schema_path())


def schema_error(document: Any) -> tuple[str, str] | None:
    """The most telling schema error as (JSON path, message), or None when the document is valid."""
    error = best_match(validator().iter_errors(document))
    if error is None:
        return None
    while error.context:  # "not valid under any of the given schemas": say which part of the likeliest one failed
        error = best_match(error.context)
    return error.json_path, error.message
