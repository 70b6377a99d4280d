"""A write route's command from its request body: the body's fields carry the command's names."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from api.schemas import CommandBody
from domain.command import Command

C = TypeVar("C", bound=Command)


def command(kind: type[C], body: BaseModel, leave_out: set[str] | None = None, **fields: Any) -> C:
    """``kind`` from ``body``, field for field; ``fields`` add or replace (the path's code, the acting school).

    When it happened and a late entry's approval are the recorder's to add (api/deps.py: the approver's PIN).
    """
    left_out = (leave_out or set()) | set(CommandBody.model_fields)
    return kind(**{**body.model_dump(exclude=left_out), **fields})
