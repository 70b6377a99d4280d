"""A write route's command from its request body: the body's fields carry the command's names."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from domain.command import Command

C = TypeVar("C", bound=Command)


def command(kind: type[C], body: BaseModel, leave_out: set[str] | None = None, **fields: Any) -> C:
    """``kind`` from ``body``, field for field; ``fields`` add or replace (the path's code, the acting school)."""
    return kind(**{**body.model_dump(exclude=leave_out), **fields})
