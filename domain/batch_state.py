"""What a batch's events add up to (stock, certificates, inspections) and what the rules refuse because of it.

IngredientBatch (domain/batch.py) records the events; this is its read side, kept apart so that each rule that
refuses an action has one home: the batch card, the 422's reasons and the commands all ask ``refusals`` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, NotFound, Refusal, RuleViolation, ValidationError, refused
from domain.glossary import CERTIFICATE_NAMES_ZH, UNIT_NAMES_ZH
from domain.rules import CertificateKind
from domain.validity import check_period, past_use_by, valid_on
from domain.values import Meal, Principal, Stage


@dataclass(frozen=True)
class Certificate:
    kind: CertificateKind
    number: str
    issuer: str
    issue_date: date
    expiry_date: date | None
    sha256: str
    attached_by: Principal

    def valid_on(self, day: date) -> bool:
        return valid_on(day, self.issue_date, self.expiry_date)

    def check_dates(self) -> None:
        check_period(self.issue_date, self.expiry_date, "expiry_date", "证明有效期", "the certificate's validity")

    def same_as(self, other: Certificate) -> bool:
        """One document is attached once: the same kind and number again is the same certificate."""
        return (self.kind, self.number) == (other.kind, other.number)

    def event_fields(self) -> dict[str, Any]:
        """As a CertificateAttached event stores it, for a batch or an announcement alike."""
        fields = {"number": self.number, "issuer": self.issuer, "issue_date": self.issue_date}
        return {"kind": self.kind.value, **fields, "expiry_date": self.expiry_date, "sha256": self.sha256.lower()}

    def check_joins(self, attached: Iterable[Certificate], zh: str, en: str) -> None:
        """索证: the certificate's dates make sense and it is not already among ``attached`` (else zh/en say so)."""
        self.check_dates()
        if any(self.same_as(c) for c in attached):
            raise AlreadyExists(zh=zh, en=en)


class CertificateAttachedEvent(Aggregate.Event):
    """What a CertificateAttached event stores, on a batch or an announcement alike.

    Each aggregate subclasses it as its own ``CertificateAttached`` (so its topic names that aggregate) and keeps
    the certificate in ``keep_certificate(version, certificate)``.
    """

    kind: str
    number: str
    issuer: str
    issue_date: date
    expiry_date: date | None
    sha256: str
    by: Principal
    at: datetime

    def apply(self, aggregate: Any) -> None:
        kind = CertificateKind(self.kind)
        fields = (self.number, self.issuer, self.issue_date, self.expiry_date)
        aggregate.keep_certificate(self.originator_version, Certificate(kind, *fields, self.sha256, self.by))


@dataclass(frozen=True)
class Inspection:
    stage: Stage
    passed: bool
    notes: str
    inspector: str
    at: datetime


@dataclass(frozen=True)
class Movement:
    """An issue to the kitchen, a return to store or a write-off: a signed hand-off."""

    kind: str  # issue / return / write_off
    quantity: Decimal
    at: datetime
    given_by: str
    taken_by: str
    meal_date: date | None = None
    meal: Meal | None = None
    reason: str = ""
    issue: int | None = None  # a return: the issue (its version) it comes back from, when known
    disposal: str = ""  # a write-off: destroyed or returned_to_supplier
    dishes: tuple[str, ...] = ()  # an issue: the dishes (菜品) of the meal it is for, where the storekeeper named them


# Event kinds that a later "Corrected" event may void, and what voiding them means.
CORRECTABLE = {"certificate", "inspection", "issue", "return", "write_off"}


class BatchState:
    """The state IngredientBatch's events build, and the questions asked of it."""

    unit: str
    use_by_date: date
    received_quantity: Decimal
    on_hold: bool
    hold_reason: str
    certificates: dict[int, Certificate]
    inspections: dict[int, Inspection]
    movements: dict[int, Movement]
    offers: dict[int, Movement]
    voided: set[int]
    awaiting_co_signers: list[str]
    recalls: list[str]

    # --- state derived from the events -------------------------------------------------------------

    @property
    def live_movements(self) -> list[Movement]:
        return [m for v, m in self.movements.items() if v not in self.voided]

    def _total(self, kind: str) -> Decimal:
        return sum((m.quantity for m in self.live_movements if m.kind == kind), Decimal(0))

    @property
    def on_hand(self) -> Decimal:
        """What the store room holds now (库存)."""
        return self.received_quantity - self._total("issue") + self._total("return") - self._total("write_off")

    @property
    def reserved(self) -> Decimal:
        """Set aside for hand-offs that wait for the taker's signature."""
        return sum((o.quantity for o in self.offers.values()), Decimal(0))

    @property
    def issued_net(self) -> Decimal:
        return self._total("issue") - self._total("return")

    def returned_from(self, issue: int) -> Decimal:
        """What has come back to the store from one issue (live returns that name it)."""
        returns = (m for v, m in self.movements.items() if v not in self.voided and m.kind == "return")
        return sum((m.quantity for m in returns if m.issue == issue), Decimal(0))

    def still_out(self, issue: int) -> Decimal:
        """What of one issue has not come back to the store."""
        return self.movements[issue].quantity - self.returned_from(issue)

    def latest_out(self, quantity: Decimal) -> int | None:
        """A return that names no issue comes back from the latest that still has that much out; None when no
        single issue has: it then counts for the batch, not for a meal."""
        live = [v for v, m in self.movements.items() if m.kind == "issue" and v not in self.voided]
        return next((v for v in reversed(live) if self.still_out(v) >= quantity), None)

    @property
    def live_certificates(self) -> list[Certificate]:
        return [c for v, c in self.certificates.items() if v not in self.voided]

    @property
    def failed_inspections(self) -> list[Inspection]:
        return [i for v, i in self.inspections.items() if v not in self.voided and not i.passed]

    def missing_certificates(self, required: frozenset[CertificateKind], day: date) -> list[CertificateKind]:
        present = {c.kind for c in self.live_certificates if c.valid_on(day)}
        return sorted(required - present)

    def check_issue(
        self,
        quantity: Decimal,
        unit: str,
        meal_date: date,
        given_by: str,
        taken_by: str,
        required: frozenset[CertificateKind],
        today: date,
        offer: int | None = None,
    ) -> None:
        """出库 rules that concern the batch itself; people are checked by the ledger."""
        self._check_unit(unit)
        if given_by == taken_by:
            raise RuleViolation(
                zh="出库交接须由两人完成：发放人与领取人不能是同一人",
                en="the person giving and the person taking must be two different people",
            )
        refusals = self.issue_refusals(required, today, meal_date, quantity, offer)
        if refusals:
            raise refused(refusals, "不能出库", "the batch cannot be issued")

    def issue_refusals(
        self,
        required: frozenset[CertificateKind],
        today: date,
        meal_date: date | None = None,
        quantity: Decimal | None = None,
        offer: int | None = None,
    ) -> list[Refusal]:
        """Every reason the rules refuse 出库 now; none means it may go. The batch card shows them all.

        Without a quantity, the question is whether any of it may go.
        """
        refusals = []
        if self.awaiting_co_signers:
            waiting = "、".join(self.awaiting_co_signers)
            refusals.append(
                Refusal(
                    "awaiting_co_signer",
                    f"入库验收尚待{waiting}签字",
                    f"the intake awaits the signature of {', '.join(self.awaiting_co_signers)}",
                    {"awaiting": list(self.awaiting_co_signers)},
                )
            )
        if self.on_hold:
            refusals.append(Refusal("on_hold", f"已封存：{self.hold_reason}", f"on hold: {self.hold_reason}"))
        if past_use_by(self.use_by_date, today if meal_date is None else max(today, meal_date)):
            use_by = self.use_by_date.isoformat()
            refusals.append(Refusal("expired", f"已过期（保质期至{use_by}）", f"past its use-by date ({use_by})"))
        if self.failed_inspections:
            refusals.append(Refusal("failed_inspection", "查验不合格", "failed an inspection"))
        missing = self.missing_certificates(required, today)
        if missing:
            refusals.append(
                Refusal(
                    "missing_certificates",
                    "缺少" + "、".join(CERTIFICATE_NAMES_ZH[k] for k in missing),
                    "missing " + ", ".join(k.replace("_", " ") for k in missing),
                    {"missing": [str(k) for k in missing]},
                )
            )
        reserved_elsewhere = self.reserved - (self.offers[offer].quantity if offer in self.offers else 0)
        return refusals + self._shortfall(quantity, reserved_elsewhere)

    def refusals(self, required: frozenset[CertificateKind], today: date) -> dict[str, list[Refusal]]:
        """What the rules refuse now, per command, before anyone says how much: what the batch card shows."""
        found = {
            "issue": self.issue_refusals(required, today),
            "hold": self._hold_refusals(),
            "release": self._release_refusals(),
            "move": self._move_refusals(),
            "return": self._return_refusals(None),
            "write_off": self._write_off_refusals(None),
        }
        return {command: reasons for command, reasons in found.items() if reasons}

    def _hold_refusals(self) -> list[Refusal]:
        return [Refusal("already_on_hold", "该批次已在封存中", "this batch is already on hold")] if self.on_hold else []

    def _release_refusals(self) -> list[Refusal]:
        if self.recalls:
            return [Refusal("recalled", "该批次已被召回，不能解封", "this batch is recalled and cannot be released")]
        return [] if self.on_hold else [Refusal("not_on_hold", "该批次未被封存，无需解封", "this batch is not on hold")]

    def _move_refusals(self) -> list[Refusal]:
        if self.on_hand > 0:  # stock set aside for a taker is still in the store room, and moves with the rest
            return []
        return [Refusal("no_stock", "该批次已无库存，无需移库", "nothing of this batch is left in store to move")]

    def _return_refusals(self, quantity: Decimal | None, issue: int | None = None) -> list[Refusal]:
        """退库: never more than went to the kitchen and has not come back (from the issue named, if one is)."""
        if self.issued_net <= 0:
            return [Refusal("nothing_issued", "尚无出库，无可退库", "nothing was issued to the kitchen to return")]
        if quantity is not None and quantity > self.issued_net:
            return [
                Refusal(
                    "more_than_issued",
                    f"退库数量超过已出库数量（{self.issued_net} {self.unit}）",
                    f"cannot return more than was issued ({self.issued_net} {self.unit})",
                )
            ]
        if quantity is not None and issue is not None and quantity > self.still_out(issue):
            return [
                Refusal(
                    "more_than_issue_out",
                    f"退库数量超过该次出库尚未退回的数量（{self.still_out(issue)} {self.unit}）",
                    f"cannot return more than issue {issue} still has out ({self.still_out(issue)} {self.unit})",
                )
            ]
        return []

    def _write_off_refusals(self, quantity: Decimal | None) -> list[Refusal]:
        """报损: the whole remainder unless a quantity is given; never what waits for a taker's signature."""
        if quantity is None and self.on_hand - self.reserved <= 0:
            return [Refusal("no_stock", "该批次已无库存", "nothing of this batch is left to write off")]
        return [] if quantity is None else self._shortfall(quantity, self.reserved)

    # --- shared checks -----------------------------------------------------------------------------

    def _check_unit(self, unit: str) -> None:
        if unit != self.unit:
            raise ValidationError(
                zh=f"单位应为{UNIT_NAMES_ZH.get(self.unit, self.unit)}，与入库单位一致",
                en=f"use the batch's unit {self.unit!r}, not {unit!r}",
                field="unit",
            )

    def _shortfall(self, quantity: Decimal | None, reserved: Decimal) -> list[Refusal]:
        """Not enough stock beyond what waits for a taker's signature (without a quantity: is any left?)."""
        available = self.on_hand - reserved
        if available <= 0:
            return [Refusal("no_stock", "无可用库存", "none of this batch is available", {"on_hand": str(available)})]
        if quantity is None or quantity <= available:
            return []
        waiting = f"（另有 {reserved} {self.unit} 待领取确认）" if reserved else ""
        return [
            Refusal(
                "not_enough_stock",
                f"库存不足：现有 {available} {self.unit}{waiting}，需要 {quantity} {self.unit}",
                f"only {available} {self.unit} on hand"
                + (f" ({reserved} {self.unit} awaiting a taker's confirmation)" if reserved else "")
                + f", {quantity} {self.unit} requested",
                {"on_hand": str(available)},
            )
        ]

    def confirm_refusals(self, offer: int, required: frozenset[CertificateKind], today: date) -> list[Refusal]:
        """What stops the taker's signature on ``offer`` now: the rules of an issue of its quantity for its meal."""
        pending = self._pending_offer(offer)
        return self.issue_refusals(required, today, pending.meal_date, pending.quantity, offer)

    def _pending_offer(self, offer: int) -> Movement:
        pending = self.offers.get(offer)
        if pending is None:
            raise NotFound(
                zh=f"没有待确认的出库（第{offer}条）", en=f"there is no pending hand-off number {offer} on this batch"
            )
        return pending
