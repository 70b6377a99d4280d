"""Business time (业务时间): when a thing happened (``at``) beside when the Ledger wrote it down (``recorded_at``).

GS1 EPCIS keeps both (eventTime, recordTime). A command may say when it happened (``occurred_at``): a delivery at
6 a.m. written up from the paper slip at 8, a scan queued on a phone with no signal. The rules stop backdating from
hiding things: not in the future beyond the clock skew; not earlier than the late-entry window unless a principal
approves it (the approval is stored on the event); on a batch, never before its previous event (its story stays in
order). Every reader takes ``at`` as when it happened; an entry recorded well after is shown as 补录 with both times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from domain.clock import county_iso
from domain.errors import RuleViolation
from domain.glossary import BATCH_EVENTS, names_zh
from domain.rules import RulesProfile
from domain.values import Role, require_aware, require_text

if TYPE_CHECKING:
    from domain.ledger import Ledger

LATE_ZH = "补录"


@dataclass(frozen=True, kw_only=True)
class LateApproval:
    """A principal's approval of an entry older than the window: who approved and why. Stored on the event."""

    approver: str  # the principal's person id
    reason: str

    def stored(self) -> dict[str, str]:
        """As the event keeps it: plain text, no class of ours in the log."""
        return {"approver": self.approver, "reason": require_text(self.reason, "late_approval.reason", "补录理由")}


def late_approval(event: object) -> dict[str, str] | None:
    """The approval an event carries, if it was entered after the window."""
    found: dict[str, str] | None = vars(event).get("late_approval")
    return found


def is_late(at: datetime, recorded_at: datetime, profile: RulesProfile) -> bool:
    """补录: recorded more than the clock skew after it happened. The one rule every reader shows."""
    return recorded_at - at > profile.clock_skew


def late_note_zh(approval: Mapping[str, str] | None, recorded: str = "") -> str:
    """How a late entry reads in a terminal and on paper: 补录（录入于…；批准人…：理由）; ``recorded`` as shown."""
    parts = [f"录入于{recorded}"] if recorded else []
    if approval:
        parts.append(f"批准人{approval['approver']}：{approval['reason']}")
    return LATE_ZH + (f"（{'；'.join(parts)}）" if parts else "")


def upcast_recorded_at(state: dict[str, Any]) -> None:
    """Events stored before business time carry no ``recorded_at``: they were recorded when they happened."""
    if "at" in state and "recorded_at" not in state:
        state["recorded_at"] = state["at"]


class BusinessTimeMapper(Mapper[UUID]):
    """The Ledger's mapper: every event it reads, old or new, says when it was recorded (one upcaster, here)."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        upcast_recorded_at(vars(event))
        return event


def occurred(
    occurred_at: datetime | None, now: datetime, profile: RulesProfile, approval: LateApproval | None
) -> datetime:
    """When the command's events happened: ``occurred_at`` if given, else now; refused in the future beyond the
    clock skew, or earlier than the late-entry window without a principal's approval."""
    if occurred_at is None:
        return now
    moment = require_aware(occurred_at, "occurred_at")
    if moment - now > profile.clock_skew:
        minutes = profile.clock_skew_minutes
        raise RuleViolation(
            zh=f"发生时间{county_iso(moment, profile.zone)}晚于现在（允许误差{minutes}分钟），不能记录将来的事",
            en=f"occurred_at {county_iso(moment, profile.zone)} is in the future (clock skew allowed: {minutes} min)",
            field="occurred_at",
        )
    if now - moment > profile.late_entry_window and approval is None:
        hours = profile.late_entry_hours
        raise RuleViolation(
            zh=f"发生时间早于补录时限（{hours}小时），须由校长批准补录",
            en=f"occurred_at is earlier than the late-entry window ({hours} h): a principal must approve a late entry",
            field="occurred_at",
            window_hours=hours,
        )
    return moment


def check_approver(ledger: Ledger, approval: LateApproval, aggregates: Iterable[Aggregate]) -> None:
    """The approver is a registered principal, of the record's school where the record has one."""
    approver = ledger.staff(approval.approver, read_only=True)
    schools = {school for a in aggregates if isinstance(school := getattr(a, "school_id", None), str)}
    if Role.PRINCIPAL not in approver.roles or (schools and approver.school_id not in schools):
        raise RuleViolation(
            zh=f"{approval.approver}不是本校校长，不能批准补录",
            en=f"{approval.approver} is not a principal of this school and cannot approve a late entry",
            field="late_approval",
        )


def check_in_order(ledger: Ledger, aggregates: Iterable[Aggregate], moment: datetime) -> None:
    """A backdated entry keeps a batch's story in order: nothing before its receipt, nor before its previous event."""
    from domain.batch import IngredientBatch  # the batch imports the rules this module imports

    for batch in aggregates:
        read_version = batch.version - len(batch.pending_events)
        if not isinstance(batch, IngredientBatch) or read_version == 0:
            continue
        zone = ledger.profile.zone
        if moment < batch.received_at:
            raise RuleViolation(
                zh=f"发生时间早于该批次入库（{county_iso(batch.received_at, zone)}）",
                en=f"occurred_at is before the batch was received ({county_iso(batch.received_at, zone)})",
                field="occurred_at",
            )
        previous: Any = next(iter(ledger.events.get(batch.id, lte=read_version, desc=True, limit=1)))
        if moment < previous.at:
            what = type(previous).__name__
            raise RuleViolation(
                zh=f"发生时间早于该批次上一条记录（第{previous.originator_version}条{WHAT_ZH.get(what, what)}，"
                f"{county_iso(previous.at, zone)}）",
                en=f"occurred_at is before the batch's previous event (number {previous.originator_version}, {what}, "
                f"{county_iso(previous.at, zone)})",
                field="occurred_at",
            )


def stamp(aggregates: Iterable[Aggregate], recorded_at: datetime, approval: Mapping[str, str] | None) -> None:
    """Every event a command records says when it was recorded, and the approval of a late entry if there is one."""
    for aggregate in aggregates:
        for event in aggregate.pending_events:
            if "at" in vars(event):
                object.__setattr__(event, "recorded_at", recorded_at)  # events are frozen; this is their birth
                if approval is not None:
                    object.__setattr__(event, "late_approval", dict(approval))


WHAT_ZH = names_zh(BATCH_EVENTS)
