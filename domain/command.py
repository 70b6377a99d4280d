"""Commands are data: a frozen dataclass per command, and the registry that finds the handler for each.

A command names what someone asks the Ledger to do, with every field named; ``Ledger.execute`` adds who asks
(``by``), when (``at``) and an optional idempotency key, and runs the handler registered for the command's class.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from eventsourcing.domain import Aggregate

from domain.business_time import LateApproval
from domain.transcoding import c_encoder
from domain.values import Principal

if TYPE_CHECKING:
    from domain.ledger import Ledger

Result = dict[str, Any]
# json.dumps(…, sort_keys=True, default=str) as v1 called it, built once rather than on every call; and the C encoder
# its encode builds on every call, built once too, without the markers of its check for circular references.
FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)
_FINGERPRINT_ONCE = c_encoder(FINGERPRINT_JSON, str)
Outcome = tuple[list[Aggregate], Result]


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command; subclasses are ``@dataclass(frozen=True, kw_only=True)``.

    Every command may say when it happened (``occurred_at``, default: now) and carry a principal's approval of a
    late entry (domain/business_time.py); ``Ledger.execute`` checks both.
    """

    # Fields added after records were first stored: left out of the fingerprint while None, so a retry of a
    # request sent before the field existed still matches its record.
    added_later: ClassVar[tuple[str, ...]] = ()
    every_command_added_later: ClassVar[tuple[str, ...]] = ("occurred_at", "late_approval")

    occurred_at: datetime | None = None
    late_approval: LateApproval | None = None

    @classmethod
    def command_name(cls) -> str:
        """The command's name as stored in v1 fingerprints: ReceiveBatch → receive_batch."""
        return _snake_case(cls.__name__)

    def fields(self) -> dict[str, Any]:
        """The fields as sent, in their order (shallow: lists stay the caller's values, not copies converted to dicts).

        A copy of the instance's dict: a frozen dataclass's __init__ sets every field, in order, and nothing else
        (tests/unit/test_command_fields.py holds every command to it), and a getattr per field cost ~2 µs an intake.
        """
        return dict(vars(self))

    def fingerprint(self, fields: dict[str, Any] | None = None) -> str:
        """What a retry must repeat to be answered from the first result: the name and the fields, not who or when.

        Computed exactly as v1 computed it from the method's arguments (tests/golden/idempotency/v1.json).
        ``fields`` is ``self.fields()`` when the caller has it already.
        """
        later = (*self.added_later, *self.every_command_added_later)
        sent = self.fields() if fields is None else fields
        kept = {k: v for k, v in sent.items() if not (k in later and v is None)}
        text = fingerprint_json([self.command_name(), kept])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_json(value: Any) -> str:
    """``FINGERPRINT_JSON.encode(value)``: the same text; what the C encoder without markers cannot encode (a
    circular reference, which it meets as a RecursionError) goes to ``encode``, which fails as it always did."""
    if _FINGERPRINT_ONCE is not None:
        try:
            return "".join(_FINGERPRINT_ONCE(value, 0))
        except RecursionError:
            pass
    return FINGERPRINT_JSON.encode(value)


@cache  # once per command class, not a regular expression at every fingerprint
def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


C = TypeVar("C", bound=Command)
Handler = Callable[["Ledger", C, Principal, datetime], Outcome]
HANDLERS: dict[type[Command], Handler[Any]] = {}


def handles(kind: type[C]) -> Callable[[Handler[C]], Handler[C]]:
    """Register the decorated function as the one handler of ``kind``."""

    def register(handler: Handler[C]) -> Handler[C]:
        assert kind not in HANDLERS, f"{kind.__name__} has two handlers"
        HANDLERS[kind] = handler
        return handler

    return register
