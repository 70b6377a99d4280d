"""IngredientBatch (食材批次): one event stream per batch received at one school.

Command methods check the rules and then call a private ``@event`` method whose body only changes
state: event bodies run again on every replay, so they must never consult anything that can change
(the rules profile, the clock, other records). Checks that need those live in domain/ledger.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import AlreadyExists, NotFound, Refusal, RuleViolation, ValidationError, refused
from domain.glossary import CERTIFICATE_NAMES_ZH, UNIT_NAMES_ZH
from domain.rules import Category, CertificateKind
from domain.validity import check_period, past_use_by, valid_on
from domain.values import Meal, Principal, Stage

BATCH_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/batch")


def batch_id(code: str) -> UUID:
    """The stream id of a batch follows from its code, so a label resolves without any index."""
    return uuid5(BATCH_NAMESPACE, code)


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

    @staticmethod
    def check_dates(issue_date: date, expiry_date: date | None) -> None:
        check_period(issue_date, expiry_date, "expiry_date", "证明有效期", "the certificate's validity")


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


# Event kinds that a later "Corrected" event may void, and what voiding them means.
CORRECTABLE = {"certificate", "inspection", "issue", "return", "write_off"}


class IngredientBatch(Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return batch_id(code)

    @event("Received")
    def __init__(
        self,
        code: str,
        school_id: str,
        supplier_id: str,
        product: str,
        category: str,
        pork: bool,
        quantity: Decimal,
        unit: str,
        supplier_lot: str,
        lot: str,
        gtin: str | None,
        production_date: date,
        use_by_date: date,
        invoice_number: str,
        unit_price: Decimal | None,
        place: str,
        signers: list[str],
        sensory_check: str,
        arrival_temperature: Decimal | None,
        by: Principal,
        at: datetime,
    ) -> None:
        self.code = code
        self.school_id = school_id
        self.supplier_id = supplier_id
        self.product = product
        self.category = Category(category)
        self.pork = pork
        self.received_quantity = quantity
        self.unit = unit
        self.supplier_lot = supplier_lot
        self.lot = lot
        self.gtin = gtin
        self.production_date = production_date
        self.use_by_date = use_by_date
        self.invoice_number = invoice_number
        self.unit_price = unit_price
        self.place = place
        self.signers = list(signers)
        self.sensory_check = sensory_check
        self.arrival_temperature = arrival_temperature
        self.received_by = by
        self.received_at = at
        self.on_hold = False
        self.hold_reason = ""
        self.certificates: dict[int, Certificate] = {}
        self.inspections: dict[int, Inspection] = {}
        self.movements: dict[int, Movement] = {}
        self.offers: dict[int, Movement] = {}  # issues the giver signed and the taker has not yet confirmed
        self.kinds: dict[int, str] = {}
        self.voided: set[int] = set()

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

    @property
    def live_certificates(self) -> list[Certificate]:
        return [c for v, c in self.certificates.items() if v not in self.voided]

    @property
    def failed_inspections(self) -> list[Inspection]:
        return [i for v, i in self.inspections.items() if v not in self.voided and not i.passed]

    def missing_certificates(self, required: frozenset[CertificateKind], day: date) -> list[CertificateKind]:
        present = {c.kind for c in self.live_certificates if c.valid_on(day)}
        return sorted(required - present)

    # --- commands ----------------------------------------------------------------------------------

    def attach_certificate(
        self,
        kind: CertificateKind,
        number: str,
        issuer: str,
        issue_date: date,
        expiry_date: date | None,
        sha256: str,
        by: Principal,
        at: datetime,
    ) -> None:
        Certificate.check_dates(issue_date, expiry_date)
        if any(c.kind == kind and c.number == number for c in self.live_certificates):
            raise AlreadyExists(
                zh=f"该批次已附{CERTIFICATE_NAMES_ZH[kind]}（编号{number}）",
                en=f"this batch already has {kind} number {number}",
            )
        self._certificate_attached(kind.value, number, issuer, issue_date, expiry_date, sha256.lower(), by=by, at=at)

    @event("CertificateAttached")
    def _certificate_attached(
        self,
        kind: str,
        number: str,
        issuer: str,
        issue_date: date,
        expiry_date: date | None,
        sha256: str,
        by: Principal,
        at: datetime,
    ) -> None:
        version = self.version + 1
        self.kinds[version] = "certificate"
        self.certificates[version] = Certificate(
            CertificateKind(kind), number, issuer, issue_date, expiry_date, sha256, by
        )

    def inspect(self, stage: Stage, passed: bool, notes: str, inspector: str, by: Principal, at: datetime) -> None:
        if not passed and not notes.strip():
            raise ValidationError(
                zh="查验不合格时请写明原因", en="a failed inspection needs notes saying why", field="notes"
            )
        self._inspected(stage.value, passed, notes, inspector, by=by, at=at)

    @event("Inspected")
    def _inspected(self, stage: str, passed: bool, notes: str, inspector: str, by: Principal, at: datetime) -> None:
        version = self.version + 1
        self.kinds[version] = "inspection"
        self.inspections[version] = Inspection(Stage(stage), passed, notes, inspector, at)

    def put_on_hold(self, reason: str, by: Principal, at: datetime) -> None:
        _refuse(self._hold_refusals())
        self._put_on_hold(reason, by=by, at=at)

    @event("PutOnHold")
    def _put_on_hold(self, reason: str, by: Principal, at: datetime) -> None:
        self.on_hold = True
        self.hold_reason = reason

    def release(self, reason: str, by: Principal, at: datetime) -> None:
        _refuse(self._release_refusals())
        self._released(reason, by=by, at=at)

    @event("Released")
    def _released(self, reason: str, by: Principal, at: datetime) -> None:
        self.on_hold = False
        self.hold_reason = ""

    def move(self, place: str, by: Principal, at: datetime) -> None:
        if place == self.place:
            raise ValidationError(zh=f"该批次已在{place}", en=f"the batch is already in {place}", field="place")
        _refuse(self._move_refusals())
        self._moved(self.place, place, by=by, at=at)

    @event("Moved")
    def _moved(self, from_place: str, to_place: str, by: Principal, at: datetime) -> None:
        self.place = to_place

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
        if self.on_hold:
            refusals.append(Refusal("on_hold", f"已封存：{self.hold_reason}", f"on hold: {self.hold_reason}"))
        if past_use_by(self.use_by_date, today if meal_date is None else max(today, meal_date)):
            use_by = self.use_by_date.isoformat()
            refusals.append(Refusal("expired", f"已过期（保质期至{use_by}）", f"past its use-by date ({use_by})"))
        if self.failed_inspections:
            refusals.append(Refusal("failed_inspection", "查验不合格", "failed an inspection"))
        missing = self.missing_certificates(required, today)
        if missing:
            refusals.append(Refusal(
                "missing_certificates",
                "缺少" + "、".join(CERTIFICATE_NAMES_ZH[k] for k in missing),
                "missing " + ", ".join(k.replace("_", " ") for k in missing),
                {"missing": [str(k) for k in missing]},
            ))  # fmt: skip
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
            return [Refusal(
                "more_than_issued",
                f"退库数量超过已出库数量（{self.issued_net} {self.unit}）",
                f"cannot return more than was issued ({self.issued_net} {self.unit})",
            )]  # fmt: skip
        if quantity is not None and issue is not None and quantity > self.still_out(issue):
            return [Refusal(
                "more_than_issue_out",
                f"退库数量超过该次出库尚未退回的数量（{self.still_out(issue)} {self.unit}）",
                f"cannot return more than issue {issue} still has out ({self.still_out(issue)} {self.unit})",
            )]  # fmt: skip
        return []

    def _write_off_refusals(self, quantity: Decimal | None) -> list[Refusal]:
        """报损: the whole remainder unless a quantity is given; never what waits for a taker's signature."""
        if quantity is None and self.on_hand - self.reserved <= 0:
            return [Refusal("no_stock", "该批次已无库存", "nothing of this batch is left to write off")]
        return [] if quantity is None else self._shortfall(quantity, self.reserved)

    def issue_to_kitchen(
        self,
        quantity: Decimal,
        unit: str,
        meal_date: date,
        meal: Meal,
        given_by: str,
        taken_by: str,
        required: frozenset[CertificateKind],
        today: date,
        by: Principal,
        at: datetime,
    ) -> None:
        """A hand-off that giver and taker sign at once (the taker's PIN on the giver's phone)."""
        self.check_issue(quantity, unit, meal_date, given_by, taken_by, required, today)
        self._issued(quantity, meal_date, meal.value, given_by, taken_by, None, by=by, at=at)

    def offer_issue(
        self,
        quantity: Decimal,
        unit: str,
        meal_date: date,
        meal: Meal,
        given_by: str,
        taken_by: str,
        required: frozenset[CertificateKind],
        today: date,
        by: Principal,
        at: datetime,
    ) -> int:
        """The storekeeper signs first; the stock is set aside until the taker confirms. Returns the offer."""
        self.check_issue(quantity, unit, meal_date, given_by, taken_by, required, today)
        self._issue_offered(quantity, meal_date, meal.value, given_by, taken_by, by=by, at=at)
        return self.version

    @event("IssueOffered")
    def _issue_offered(
        self, quantity: Decimal, meal_date: date, meal: str, given_by: str, taken_by: str, by: Principal, at: datetime
    ) -> None:
        self.offers[self.version + 1] = Movement("offer", quantity, at, given_by, taken_by, meal_date, Meal(meal))

    def confirm_issue(
        self, offer: int, required: frozenset[CertificateKind], today: date, by: Principal, at: datetime
    ) -> None:
        """The kitchen lead signs with their own credential: only then is the hand-off complete."""
        pending = self._pending_offer(offer)
        if by.person_id != pending.taken_by:
            raise RuleViolation(
                zh="只有被指定的领取人可以确认这次出库",
                en=f"only {pending.taken_by}, the named taker, can confirm this hand-off",
            )
        assert pending.meal_date is not None and pending.meal is not None
        self.check_issue(
            pending.quantity, self.unit, pending.meal_date, pending.given_by, pending.taken_by, required, today, offer
        )
        self._issued(
            pending.quantity, pending.meal_date, pending.meal.value, pending.given_by, pending.taken_by, offer,
            by=by, at=at,
        )  # fmt: skip

    def confirm_refusals(self, offer: int, required: frozenset[CertificateKind], today: date) -> list[Refusal]:
        """What stops the taker's signature on ``offer`` now: the rules of an issue of its quantity for its meal."""
        pending = self._pending_offer(offer)
        return self.issue_refusals(required, today, pending.meal_date, pending.quantity, offer)

    def cancel_issue_offer(self, offer: int, reason: str, by: Principal, at: datetime) -> None:
        self._pending_offer(offer)
        self._issue_offer_cancelled(offer, reason, by=by, at=at)

    @event("IssueOfferCancelled")
    def _issue_offer_cancelled(self, offer: int, reason: str, by: Principal, at: datetime) -> None:
        self.offers.pop(offer, None)

    def _pending_offer(self, offer: int) -> Movement:
        pending = self.offers.get(offer)
        if pending is None:
            raise NotFound(
                zh=f"没有待确认的出库（第{offer}条）", en=f"there is no pending hand-off number {offer} on this batch"
            )
        return pending

    class IssuedToKitchen(Aggregate.Event):
        """出库 complete: both giver and taker have signed.

        v2 names the offer it completes (None when both signed at once); v1 events had no offers.
        """

        class_version = 2
        quantity: Decimal
        meal_date: date
        meal: str
        given_by: str
        taken_by: str
        offer: int | None
        by: Principal
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["offer"] = None

    @event(IssuedToKitchen)
    def _issued(
        self,
        quantity: Decimal,
        meal_date: date,
        meal: str,
        given_by: str,
        taken_by: str,
        offer: int | None,
        by: Principal,
        at: datetime,
    ) -> None:
        version = self.version + 1
        self.kinds[version] = "issue"
        self.movements[version] = Movement("issue", quantity, at, given_by, taken_by, meal_date, Meal(meal))
        if offer is not None:
            self.offers.pop(offer, None)

    def return_to_store(
        self,
        quantity: Decimal,
        unit: str,
        returned_by: str,
        received_by: str,
        reason: str,
        by: Principal,
        at: datetime,
        issue: int | None = None,
    ) -> None:
        """退库 from the kitchen, back from one issue: the one named, else the latest that still has that much out."""
        self._check_unit(unit)
        if issue is not None and (self.kinds.get(issue) != "issue" or issue in self.voided):
            raise NotFound(zh=f"没有第{issue}条出库记录", en=f"there is no live issue number {issue} on this batch")
        _refuse(self._return_refusals(quantity, issue))
        source = issue if issue is not None else self._latest_out(quantity)
        self._returned(quantity, returned_by, received_by, reason, source, by=by, at=at)

    def _latest_out(self, quantity: Decimal) -> int | None:
        """A return that names no issue comes back from the latest that still has that much out; None when no
        single issue has: it then counts for the batch, not for a meal."""
        live = [v for v, m in self.movements.items() if m.kind == "issue" and v not in self.voided]
        return next((v for v in reversed(live) if self.still_out(v) >= quantity), None)

    class ReturnedToStore(Aggregate.Event):
        """退库. v2 names the issue it comes back from (None: not known, as in every v1 event)."""

        class_version = 2
        quantity: Decimal
        returned_by: str
        received_by: str
        reason: str
        issue: int | None
        by: Principal
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["issue"] = None

    @event(ReturnedToStore)
    def _returned(
        self,
        quantity: Decimal,
        returned_by: str,
        received_by: str,
        reason: str,
        issue: int | None,
        by: Principal,
        at: datetime,
    ) -> None:
        version = self.version + 1
        self.kinds[version] = "return"
        source = self.movements.get(issue) if issue is not None else None
        self.movements[version] = Movement(
            "return", quantity, at, returned_by, received_by, source.meal_date if source else None,
            source.meal if source else None, reason=reason, issue=issue,
        )  # fmt: skip

    def write_off(self, quantity: Decimal | None, reason: str, witness: str, by: Principal, at: datetime) -> Decimal:
        """报损/销毁: the whole remainder unless a quantity is given. Returns what was written off."""
        if witness == by.person_id:
            raise RuleViolation(
                zh="报损销毁须有另一人见证",
                en="a write-off needs a witness other than the person recording it",
            )
        _refuse(self._write_off_refusals(quantity))
        amount = self.on_hand - self.reserved if quantity is None else quantity
        self._written_off(amount, reason, witness, by=by, at=at)
        return amount

    @event("WrittenOff")
    def _written_off(self, quantity: Decimal, reason: str, witness: str, by: Principal, at: datetime) -> None:
        version = self.version + 1
        self.kinds[version] = "write_off"
        self.movements[version] = Movement("write_off", quantity, at, by.person_id, witness, reason=reason)

    def correct(self, corrects_version: int, reason: str, by: Principal, at: datetime) -> None:
        """A mistake is fixed by a new event naming the one it voids; nothing is edited."""
        kind = self.kinds.get(corrects_version)
        if kind is None or kind not in CORRECTABLE:
            raise NotFound(
                zh=f"第{corrects_version}条记录不存在或不能更正",
                en=f"event {corrects_version} does not exist or cannot be corrected",
            )
        if corrects_version in self.voided:
            raise RuleViolation(
                zh=f"第{corrects_version}条记录已被更正", en=f"event {corrects_version} was already corrected"
            )
        movement = self.movements.get(corrects_version)
        if movement is not None and movement.kind == "return" and movement.quantity > self.on_hand:
            raise RuleViolation(zh="更正后库存将为负数", en="voiding this return would make the stock on hand negative")
        if (
            movement is not None
            and movement.kind == "issue"
            and (movement.quantity > self.issued_net or self.returned_from(corrects_version))
        ):
            raise RuleViolation(
                zh="该出库已有退库记录，请先更正退库",
                en="part of this issue was returned to store; correct the return first",
            )
        self._corrected(corrects_version, kind, reason, by=by, at=at)

    @event("Corrected")
    def _corrected(self, corrects_version: int, kind: str, reason: str, by: Principal, at: datetime) -> None:
        self.voided.add(corrects_version)

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
        return [Refusal(
            "not_enough_stock",
            f"库存不足：现有 {available} {self.unit}{waiting}，需要 {quantity} {self.unit}",
            f"only {available} {self.unit} on hand"
            + (f" ({reserved} {self.unit} awaiting a taker's confirmation)" if reserved else "")
            + f", {quantity} {self.unit} requested",
            {"on_hand": str(available)},
        )]  # fmt: skip

    def summary(self) -> dict[str, Any]:
        return {"code": self.code, "product": self.product, "on_hand": str(self.on_hand), "unit": self.unit}


def _refuse(refusals: list[Refusal]) -> None:
    if refusals:
        raise refused(refusals)
