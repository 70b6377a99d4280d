"""IngredientBatch (食材批次): one event stream per batch received at one school.

Command methods check the rules and then call a private ``@event`` method whose body only changes
state: event bodies run again on every replay, so they must never consult anything that can change
(the rules profile, the clock, other records). Checks that need those live with the commands' handlers
(domain/intake.py, domain/handoff.py); what the state refuses is in domain/batch_state.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.batch_state import CORRECTABLE, BatchState, Certificate, CertificateAttachedEvent, Inspection, Movement
from domain.errors import NotFound, Refusal, RuleViolation, ValidationError, refused
from domain.glossary import CERTIFICATE_NAMES_ZH
from domain.ids import stream_id
from domain.rules import Category, CertificateKind
from domain.values import Meal, Principal, Stage


def batch_id(code: str) -> UUID:
    """The stream id of a batch follows from its code, so a label resolves without any index."""
    return stream_id("batch", code)


def _added_in_v2(field: str, v1: Any = None) -> Callable[[dict[str, Any]], None]:
    """The upcaster of an event whose v2 added ``field``: every v1 event meant ``v1`` (None: not known)."""

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state[field] = v1

    return upcast_v1_v2


class IngredientBatch(Aggregate, BatchState):
    create_id = staticmethod(batch_id)

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
        self.awaiting_co_signers: list[str] = []  # named at intake, not yet signed with their own credential
        self.recalls: list[str] = []  # the recalls (召回) that hold it

    # --- commands ----------------------------------------------------------------------------------

    def await_co_signers(self, co_signers: list[str], by: Principal, at: datetime) -> None:
        """签字背书 still open: the co-signers named at intake who did not sign with their own credential then.

        Recorded beside Received (which keeps its meaning: batches received before this step have no such event,
        and every signer they name counts as signed).
        """
        self._co_signers_awaited(list(co_signers), by=by, at=at)

    @event("CoSignersAwaited")
    def _co_signers_awaited(self, co_signers: list[str], by: Principal, at: datetime) -> None:
        self.awaiting_co_signers = list(co_signers)

    def co_sign(self, by: Principal, at: datetime) -> None:
        """A co-signer named at intake signs with their own credential (their session or token)."""
        if by.person_id not in self.awaiting_co_signers:
            raise RuleViolation(
                zh=f"该批次没有等待{by.person_id}签字的入库验收",
                en=f"this batch's intake does not await {by.person_id}'s signature",
            )
        self._co_signed(by.person_id, by=by, at=at)

    @event("CoSigned")
    def _co_signed(self, person_id: str, by: Principal, at: datetime) -> None:
        self.awaiting_co_signers = [p for p in self.awaiting_co_signers if p != person_id]

    def attach_certificate(self, certificate: Certificate, at: datetime) -> None:
        """索证: a same-batch certificate joins the batch, each document once."""
        kind, number = certificate.kind, certificate.number
        certificate.check_joins(
            self.live_certificates,
            zh=f"该批次已附{CERTIFICATE_NAMES_ZH[kind]}（编号{number}）",
            en=f"this batch already has {kind} number {number}",
        )
        self.trigger_event(self.CertificateAttached, **certificate.event_fields(), by=certificate.attached_by, at=at)

    class CertificateAttached(CertificateAttachedEvent):
        """索证 on the batch."""

    def keep_certificate(self, version: int, certificate: Certificate) -> None:
        self.kinds[version] = "certificate"
        self.certificates[version] = certificate

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
        self.trigger_event(self.PutOnHold, reason=reason, recall_id=None, by=by, at=at)

    def hold_for_recall(self, recall_id: UUID, reason: str, by: Principal, at: datetime) -> None:
        """召回: held in the recall's name, even if already on hold, and never released while it names one."""
        self.trigger_event(self.PutOnHold, reason=reason, recall_id=str(recall_id), by=by, at=at)

    class PutOnHold(Aggregate.Event):
        """封存. v2 names the recall that holds it (None: a hold of this batch alone, as in every v1 event)."""

        class_version = 2
        reason: str
        recall_id: str | None
        by: Principal
        at: datetime

        upcast_v1_v2 = staticmethod(_added_in_v2("recall_id"))

        def apply(self, batch: IngredientBatch) -> None:
            batch.on_hold = True
            batch.hold_reason = self.reason
            if self.recall_id is not None:
                batch.recalls.append(self.recall_id)

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
        dishes: tuple[str, ...] = (),
    ) -> None:
        """A hand-off that giver and taker sign at once (the taker's PIN on the giver's phone)."""
        self.check_issue(quantity, unit, meal_date, given_by, taken_by, required=required, today=today)
        people = {"given_by": given_by, "taken_by": taken_by}
        self._issued(quantity, meal_date, meal, people, offer=None, dishes=dishes, by=by, at=at)

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
        dishes: tuple[str, ...] = (),
    ) -> int:
        """The storekeeper signs first; the stock is set aside until the taker confirms. Returns the offer."""
        self.check_issue(quantity, unit, meal_date, given_by, taken_by, required=required, today=today)
        self._issue_offered(quantity, meal_date, meal.value, given_by, taken_by, by=by, at=at, dishes=list(dishes))
        return self.version

    @event("IssueOffered")
    def _issue_offered(
        self,
        quantity: Decimal,
        meal_date: date,
        meal: str,
        given_by: str,
        taken_by: str,
        by: Principal,
        at: datetime,
        dishes: list[str] | None = None,  # added with dishes: an offer stored before names none
    ) -> None:
        self.offers[self.version + 1] = Movement(
            "offer", quantity, at, given_by, taken_by, meal_date=meal_date, meal=Meal(meal), dishes=tuple(dishes or ())
        )

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
        people = {"given_by": pending.given_by, "taken_by": pending.taken_by}
        self.check_issue(
            pending.quantity, self.unit, pending.meal_date, **people, required=required, today=today, offer=offer
        )
        meal = (pending.quantity, pending.meal_date, pending.meal)
        self._issued(*meal, people, offer=offer, dishes=pending.dishes, by=by, at=at)

    def cancel_issue_offer(self, offer: int, reason: str, by: Principal, at: datetime) -> None:
        self._pending_offer(offer)
        self._issue_offer_cancelled(offer, reason, by=by, at=at)

    @event("IssueOfferCancelled")
    def _issue_offer_cancelled(self, offer: int, reason: str, by: Principal, at: datetime) -> None:
        self.offers.pop(offer, None)

    def _issued(
        self,
        quantity: Decimal,
        meal_date: date,
        meal: Meal,
        people: dict[str, str],
        offer: int | None,
        dishes: tuple[str, ...],
        by: Principal,
        at: datetime,
    ) -> None:
        """出库 completes; ``people`` names the giver and the taker."""
        fields = {"quantity": quantity, "meal_date": meal_date, "meal": meal.value, **people, "offer": offer}
        self.trigger_event(self.IssuedToKitchen, **fields, dishes=list(dishes), by=by, at=at)

    class IssuedToKitchen(Aggregate.Event):
        """出库 complete: both giver and taker have signed.

        v2 names the offer it completes (None when both signed at once); v1 events had no offers. v3 names the
        dishes of the meal it is for (empty: not named, as in every earlier event).
        """

        class_version = 3
        quantity: Decimal
        meal_date: date
        meal: str
        given_by: str
        taken_by: str
        offer: int | None
        dishes: list[str]
        by: Principal
        at: datetime

        upcast_v1_v2 = staticmethod(_added_in_v2("offer"))

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["dishes"] = []

        def apply(self, batch: IngredientBatch) -> None:
            batch.kinds[self.originator_version] = "issue"
            batch.movements[self.originator_version] = Movement(
                "issue",
                self.quantity,
                self.at,
                self.given_by,
                self.taken_by,
                meal_date=self.meal_date,
                meal=Meal(self.meal),
                dishes=tuple(self.dishes),
            )
            if self.offer is not None:
                batch.offers.pop(self.offer, None)

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
        source = issue if issue is not None else self.latest_out(quantity)
        fields = {"quantity": quantity, "returned_by": returned_by, "received_by": received_by, "reason": reason}
        self.trigger_event(self.ReturnedToStore, **fields, issue=source, by=by, at=at)

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

        upcast_v1_v2 = staticmethod(_added_in_v2("issue"))

        def apply(self, batch: IngredientBatch) -> None:
            batch.kinds[self.originator_version] = "return"
            source = batch.movements.get(self.issue) if self.issue is not None else None
            day, meal = (source.meal_date, source.meal) if source else (None, None)
            who = (self.returned_by, self.received_by)
            batch.movements[self.originator_version] = Movement(
                "return", self.quantity, self.at, *who, meal_date=day, meal=meal, reason=self.reason, issue=self.issue
            )

    def write_off(
        self,
        quantity: Decimal | None,
        reason: str,
        witness: str,
        by: Principal,
        at: datetime,
        disposal: str = "destroyed",
    ) -> Decimal:
        """报损/销毁 (or 退货, ``disposal``): the whole remainder unless a quantity is given. Returns the amount."""
        if witness == by.person_id:
            raise RuleViolation(
                zh="报损销毁须有另一人见证",
                en="a write-off needs a witness other than the person recording it",
            )
        _refuse(self._write_off_refusals(quantity))
        amount = self.on_hand - self.reserved if quantity is None else quantity
        fields = {"quantity": amount, "reason": reason, "witness": witness, "disposal": disposal}
        self.trigger_event(self.WrittenOff, **fields, by=by, at=at)
        return amount

    class WrittenOff(Aggregate.Event):
        """报损销毁. v2 says where the goods went (``disposal``: destroyed, as every v1 event, or returned to the
        supplier)."""

        class_version = 2
        quantity: Decimal
        reason: str
        witness: str
        disposal: str
        by: Principal
        at: datetime

        upcast_v1_v2 = staticmethod(_added_in_v2("disposal", "destroyed"))

        def apply(self, batch: IngredientBatch) -> None:
            batch.kinds[self.originator_version] = "write_off"
            who = (self.by.person_id, self.witness)
            batch.movements[self.originator_version] = Movement(
                "write_off", self.quantity, self.at, *who, reason=self.reason, disposal=self.disposal
            )

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

    def summary(self) -> dict[str, Any]:
        return {"code": self.code, "product": self.product, "on_hand": str(self.on_hand), "unit": self.unit}


def _refuse(refusals: list[Refusal]) -> None:
    if refusals:
        raise refused(refusals)
