"""签字背书 at intake: the co-signer who signs at once, with their PIN on the receiver's phone."""

from __future__ import annotations

from api.auth import visible_staff
from api.deps import PinCheck
from api.schemas import Accepted
from api.tokens import Caller
from domain.ledger import Ledger


def co_signed(ledger: Ledger, caller: Caller, pins: PinCheck, intake: Accepted) -> list[str]:
    """The co-signers who sign an intake now: the first, when their PIN comes with it (any other signs later with
    their own session); a wrong PIN is 422 and nothing is received."""
    if intake.co_signer_pin is None:
        return []
    person = intake.co_signers[0]
    visible_staff(ledger, caller, person)  # another school's staff: 404 before any PIN is tried
    zh, en = f"共同验收人{person}的PIN错误，未入库", f"co-signer {person}'s PIN is wrong; nothing was received"
    pins(person, intake.co_signer_pin, "co_signer_pin", zh, en, status=422)
    return [person]
