"""County histories, generated through the Ledger's own commands (hypothesis stateful testing).

Three schools, three suppliers and their staff; lot numbers that collide across products and suppliers
(date-based produce lots, a full-width twin of a lot), product names typed with full- and half-width brackets.
Each rule is one command a real user could send; a refused command (a domain error) changes nothing and is
fine. The machine keeps only what it needs to pick sensible arguments (batch codes, pending offers, samples):
the answers it checks are derived from the stored events alone, at teardown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from domain import handoff, intake, planning, registry, sampling
from domain.command import Command
from domain.dishes import RecordDishServed
from domain.errors import DomainError
from domain.ledger import Ledger
from domain.values import Principal
from projections.service import Projections
from tests.oracle.county import (
    ADMIN,
    DISHES,
    LOTS,
    MEALS,
    MENUS,
    NAMED_ON_ISSUES,
    PLACES,
    PRODUCTS,
    SCHOOLS,
    STAFF,
    SUPPLIERS,
    Clock,
    cook,
    head,
    keeper,
    set_up_county,
)


@dataclass
class Seen:
    """What was accepted so far, to pick arguments from (never used to compute an answer)."""

    batches: list[str] = field(default_factory=list)
    received: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code: school, supplier, unit
    offers: list[tuple[str, int]] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    meals: list[tuple[str, date, str]] = field(default_factory=list)
    invoices: int = 0


class CountyHistory(RuleBasedStateMachine):
    """A subclass sets ``open_store`` (an empty Ledger on this clock, and its views) and checks at teardown."""

    open_store: ClassVar[Callable[[Clock], tuple[Ledger, Projections]]]

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.ledger, self.views = type(self).open_store(self.clock)
        set_up_county(self.ledger)
        self.seen = Seen()
        self.refused = 0

    @property
    def today(self) -> date:
        return self.clock.now.date()

    def _try(self, command: Command, by: Principal) -> dict[str, Any] | None:
        try:
            return self.ledger.execute(command, by=by)
        except DomainError:
            self.refused += 1
            return None

    def _batch(self, pick: int) -> str:
        return self.seen.batches[pick % len(self.seen.batches)]

    def _school_of(self, code: str) -> str:
        return self.seen.received[code][0]

    @initialize(deliveries=st.lists(st.tuples(st.sampled_from(SCHOOLS), st.sampled_from(SUPPLIERS),
                st.sampled_from(PRODUCTS), st.sampled_from(LOTS)), min_size=2, max_size=6))  # fmt: skip
    def morning_deliveries(self, deliveries: list[tuple[str, str, tuple[str, str, str, str | None], str]]) -> None:
        """Each history starts with a few deliveries, in order and certified, so that there is food to trace."""
        for school, supplier, product, lot in deliveries:
            self.receive(
                school, supplier, product, lot, quantity=20, keeps_days=3, certificates="all", second_signer=False
            )

    # --- time --------------------------------------------------------------------------------------

    @rule(hours=st.integers(1, 20))
    def time_passes(self, hours: int) -> None:
        self.clock.now += timedelta(hours=hours)

    @rule()
    def views_catch_up(self) -> None:
        """The projector runs mid-history, so later events land on views that already hold rows."""
        self.views.catch_up()

    # --- intake ------------------------------------------------------------------------------------

    @rule(
        school=st.sampled_from(SCHOOLS), supplier=st.sampled_from(SUPPLIERS), product=st.sampled_from(PRODUCTS),
        lot=st.sampled_from(LOTS), quantity=st.integers(1, 30), keeps_days=st.integers(0, 4),
        certificates=st.sampled_from(("all", "all", "all", "one missing", "none")), second_signer=st.booleans(),
    )  # fmt: skip
    def receive(
        self, school: str, supplier: str, product: tuple[str, str, str, str | None], lot: str, quantity: int,
        keeps_days: int, certificates: str, second_signer: bool,
    ) -> None:  # fmt: skip
        goods = self._goods(product, lot, quantity, keeps_days)
        by, co = (keeper(school, 2), keeper(school)) if second_signer else (keeper(school), keeper(school, 2))
        done = self._try(
            intake.ReceiveBatch(
                school=school,
                supplier=supplier,
                **goods,
                place=PLACES[0],
                co_signers=[co.person_id],
                co_signed=[co.person_id],
                sensory_ok=True,
                sensory_notes="",
            ),
            by=by,
        )
        if done is None:
            return
        code = done["code"]
        self.seen.batches.append(code)
        self.seen.received[code] = (school, supplier, goods["unit"])
        batch = self.ledger.batch(code)
        kinds = sorted(self.ledger.profile.certificates_required(batch.category, batch.pork))
        for kind in {"all": kinds, "one missing": kinds[1:], "none": []}[certificates]:
            self._certify(code, kind)

    @rule(school=st.sampled_from(SCHOOLS), supplier=st.sampled_from(SUPPLIERS), product=st.sampled_from(PRODUCTS),
          lot=st.sampled_from(LOTS), quantity=st.integers(1, 30), certified=st.booleans())  # fmt: skip
    def announced_delivery(
        self, school: str, supplier: str, product: tuple[str, str, str, str | None], lot: str, quantity: int,
        certified: bool,
    ) -> None:  # fmt: skip
        """送货预告: the supplier announces (with its certificates, or none) and the school receives it by scanning."""
        goods = self._goods(product, lot, quantity, keeps_days=3)
        sender = Principal(supplier, "supplier")
        announced = self._try(
            intake.AnnounceDelivery(
                supplier=supplier,
                reference=f"DN{self.seen.invoices:04d}",
                school=school,
                **goods,
                expected_on=self.today,
            ),
            by=sender,
        )
        if announced is None:
            return
        kinds = ("quality_inspection_report", "invoice", "animal_quarantine_certificate", "meat_quality_certificate")
        for kind in kinds if certified else ():
            self._try(
                intake.AttachCertificateToDelivery(
                    announcement=announced["announcement_id"],
                    kind=kind,
                    number=f"{kind[:2]}-DN",
                    issuer="县食品检验检测中心",
                    issue_date=self.today - timedelta(days=1),
                    sha256=hashlib.sha256(kind.encode()).hexdigest(),
                ),
                by=sender,
            )
        done = self._try(
            intake.ReceiveAnnounced(
                announcement=announced["announcement_id"],
                place=PLACES[1],
                co_signers=[keeper(school, 2).person_id],
                co_signed=[keeper(school, 2).person_id],
                sensory_ok=True,
                sensory_notes="",
            ),
            by=keeper(school),
        )
        if done is not None:
            self.seen.batches.append(done["code"])
            self.seen.received[done["code"]] = (school, supplier, goods["unit"])

    def _goods(
        self, product: tuple[str, str, str, str | None], lot: str, quantity: int, keeps_days: int
    ) -> dict[str, Any]:
        """The goods as a delivery note names them, the same whether received at the door or announced first."""
        name, category, unit, gtin = product
        self.seen.invoices += 1
        return {
            "product": name,
            "category": category,
            "quantity": Decimal(quantity),
            "unit": unit,
            "supplier_lot": lot,
            "production_date": self.today - timedelta(days=1),
            "use_by_date": self.today + timedelta(days=keeps_days),
            "invoice_number": f"FP{self.seen.invoices:04d}",
            "gtin": gtin,
        }

    def _certify(self, code: str, kind: str) -> None:
        self._try(
            intake.AttachCertificate(
                code=code,
                kind=kind,
                number=f"{kind[:2].upper()}-{code}",
                issuer="县食品检验检测中心",
                issue_date=self.today - timedelta(days=1),
                sha256=hashlib.sha256(f"{code}{kind}".encode()).hexdigest(),
            ),
            by=Principal(self.seen.received[code][1], "supplier"),
        )

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99))
    def certificates_arrive_late(self, pick: int) -> None:
        code = self._batch(pick)
        batch = self.ledger.batch(code)
        present = {c.kind for c in batch.live_certificates}
        for kind in sorted(self.ledger.profile.certificates_required(batch.category, batch.pork) - present):
            self._certify(code, kind)

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), stage=st.sampled_from(("intake", "issue")), passed=st.booleans(),
          who=st.sampled_from(("keeper", "head", "central", "admin")))  # fmt: skip
    def inspect(self, pick: int, stage: str, passed: bool, who: str) -> None:
        code = self._batch(pick)
        school = self._school_of(code)
        by = {"keeper": keeper(school), "head": head(school), "central": head("CG01"), "admin": ADMIN}[who]
        self._try(handoff.Inspect(code=code, stage=stage, passed=passed, notes="" if passed else "有异味"), by=by)

    # --- in the store room -------------------------------------------------------------------------

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), reason=st.sampled_from(("供应商召回通知", "疑似变质")))
    def hold_or_release(self, pick: int, reason: str) -> None:
        """封存 a batch, or 解封 one that is on hold."""
        code = self._batch(pick)
        by = head(self._school_of(code))
        if self.ledger.batch(code).on_hold:
            self._try(handoff.Release(code=code, reason="检测合格，解除封存"), by=by)
        else:
            self._try(handoff.PutOnHold(code=code, reason=reason), by=by)

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), place=st.sampled_from(PLACES))
    def move(self, pick: int, place: str) -> None:
        code = self._batch(pick)
        self._try(handoff.Move(code=code, place=place), by=keeper(self._school_of(code)))

    def _meal_date(self, days_ahead: int) -> date:
        return self.today + timedelta(days=days_ahead)

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), quantity=st.sampled_from(("0.5", "1", "2", "3", "5", "8")),
          meal=st.sampled_from(MEALS), days_ahead=st.integers(0, 1),
          dishes=st.sampled_from(NAMED_ON_ISSUES))  # fmt: skip
    def issue(self, pick: int, quantity: str, meal: str, days_ahead: int, dishes: tuple[str, ...] = ()) -> None:
        self._issue(pick, quantity, meal, days_ahead, dishes)

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), quantity=st.sampled_from(("1", "2.5", "4")), meal=st.sampled_from(MEALS))
    def issue_today(self, pick: int, quantity: str, meal: str) -> None:
        """A second way in, so that hand-offs are as common in the histories as they are in a kitchen."""
        self._issue(pick, quantity, meal, 0)

    def _issue(self, pick: int, quantity: str, meal: str, days_ahead: int, dishes: tuple[str, ...] = ()) -> None:
        code = self._batch(pick)
        school, _, unit = self.seen.received[code]
        meal_date = self._meal_date(days_ahead)
        issue = {"quantity": Decimal(quantity), "unit": unit, "meal_date": meal_date, "meal": meal}
        done = self._try(
            handoff.IssueToKitchen(code=code, **issue, taken_by=cook(school), dishes=list(dishes) or None),
            by=keeper(school),
        )
        if done is not None:
            self.seen.meals.append((school, meal_date, meal))

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), quantity=st.sampled_from(("1", "2", "4")), meal=st.sampled_from(MEALS),
          days_ahead=st.integers(0, 1), dishes=st.sampled_from(NAMED_ON_ISSUES))  # fmt: skip
    def offer(self, pick: int, quantity: str, meal: str, days_ahead: int, dishes: tuple[str, ...] = ()) -> None:
        code = self._batch(pick)
        school, _, unit = self.seen.received[code]
        done = self._try(
            handoff.OfferIssue(
                code=code,
                quantity=Decimal(quantity),
                unit=unit,
                meal_date=self._meal_date(days_ahead),
                meal=meal,
                taken_by=cook(school),
                dishes=list(dishes),
            ),
            by=keeper(school, 2),
        )
        if done is not None:
            self.seen.offers.append((code, done["offer"]))

    @precondition(lambda self: self.seen.offers)
    @rule(pick=st.integers(0, 99))
    def confirm(self, pick: int) -> None:
        code, offer = self.seen.offers.pop(pick % len(self.seen.offers))
        school = self._school_of(code)
        pending = self.ledger.batch(code).offers.get(offer)
        if self._try(handoff.ConfirmIssue(code=code, offer=offer), by=Principal(cook(school), "kitchen")) and pending:
            assert pending.meal_date is not None and pending.meal is not None
            self.seen.meals.append((school, pending.meal_date, pending.meal.value))

    @precondition(lambda self: self.seen.offers)
    @rule(pick=st.integers(0, 99))
    def cancel_offer(self, pick: int) -> None:
        code, offer = self.seen.offers.pop(pick % len(self.seen.offers))
        self._try(
            handoff.CancelIssueOffer(code=code, offer=offer, reason="厨房不需要了"), by=keeper(self._school_of(code), 2)
        )

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), part=st.sampled_from(("all of the last", "half of the last", "0.5", "all out")),
          names=st.sampled_from((None, None, "last", "first")))  # fmt: skip
    def kitchen_returns(self, pick: int, part: str, names: str | None) -> None:
        """退库: part of what the kitchen took last, or all it has out. It may name the hand-off it comes back from;
        else the ledger takes the latest that has that much out, or none (then it counts for no meal)."""
        code = self._batch(pick)
        batch = self.ledger.batch(code)
        issues = [v for v, m in batch.movements.items() if m.kind == "issue" and v not in batch.voided]
        if not issues:
            return
        last_out = batch.still_out(issues[-1])
        quantity = {"all of the last": last_out, "half of the last": last_out / 2, "0.5": Decimal("0.5"),
                    "all out": batch.issued_net}[part]  # fmt: skip
        if quantity > 0:
            school = batch.school_id
            self._try(
                handoff.ReturnToStore(
                    code=code,
                    quantity=quantity.quantize(Decimal("0.001")),
                    unit=batch.unit,
                    returned_by=cook(school),
                    reason="用剩",
                    issue={None: None, "last": issues[-1], "first": issues[0]}[names],
                ),
                by=keeper(school),
            )

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), meal=st.sampled_from(MEALS), part=st.sampled_from(("half of the last", "0.5")),
          names=st.sampled_from((None, "last")))  # fmt: skip
    def meal_with_leftovers(self, pick: int, meal: str, part: str, names: str | None) -> None:
        """A hand-off for today's meal and, after the meal, what the kitchen did not use back to the store."""
        self._issue(pick, "2", meal, 0)
        self.kitchen_returns(pick, part, names)

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), quantity=st.sampled_from(("0.5", "1", "2", None)))
    def write_off(self, pick: int, quantity: str | None) -> None:
        code = self._batch(pick)
        school = self._school_of(code)
        self._try(
            handoff.WriteOff(
                code=code,
                reason="变质报损",
                witness=keeper(school, 2).person_id,
                quantity=Decimal(quantity) if quantity else None,
            ),
            by=keeper(school),
        )

    @precondition(lambda self: self.seen.batches)
    @rule(pick=st.integers(0, 99), kind=st.sampled_from(("issue", "issue", "return", "write_off", "certificate",
          "inspection")), which=st.integers(0, 99))  # fmt: skip
    def correct(self, pick: int, kind: str, which: int) -> None:
        """更正: void an earlier certificate, inspection or movement (the ledger refuses to void an issue that
        something came back from)."""
        code = self._batch(pick)
        batch = self.ledger.batch(code)
        versions = sorted(v for v, k in batch.kinds.items() if k == kind and v not in batch.voided)
        if not versions:
            return
        version = versions[which % len(versions)]
        self._try(handoff.Correct(code=code, corrects_version=version, reason="录入错误"), by=keeper(batch.school_id))

    # --- samples and staff -------------------------------------------------------------------------

    @precondition(lambda self: self.seen.meals)
    @rule(pick=st.integers(0, 99), grams=st.sampled_from((125, 150, 200)), batches=st.integers(0, 7),
          dish=st.sampled_from(DISHES))  # fmt: skip
    def sample(self, pick: int, grams: int, batches: int, dish: str = "红烧肉") -> None:
        school, meal_date, meal = self.seen.meals[pick % len(self.seen.meals)]
        at_school = [c for c in self.seen.batches if self._school_of(c) == school]
        chosen = [c for i, c in enumerate(at_school) if batches >> (i % 3) & 1]
        done = self._try(
            sampling.RetainSample(
                school=school,
                meal_date=meal_date,
                meal=meal,
                dish=dish,
                grams=grams,
                fridge="留样柜1",
                batch_codes=chosen,
            ),
            by=keeper(school),
        )
        if done is not None:
            self.seen.samples.append(done["sample_id"])

    @precondition(lambda self: self.seen.meals)
    @rule(
        pick=st.integers(0, 99), dish=st.sampled_from(DISHES), batches=st.integers(0, 7), portions=st.integers(0, 400)
    )
    def kitchen_records_a_dish(self, pick: int, dish: str, batches: int, portions: int) -> None:
        """供餐记录 after service: the batches of a dish (some perhaps not issued for the meal: refused)."""
        school, meal_date, meal = self.seen.meals[pick % len(self.seen.meals)]
        at_school = [c for c in self.seen.batches if self._school_of(c) == school]
        chosen = [c for i, c in enumerate(at_school) if batches >> (i % 3) & 1]
        served = {"school": school, "meal_date": meal_date, "meal": meal, "dish": dish, "portions": portions}
        self._try(RecordDishServed(**served, batch_codes=chosen), by=Principal(cook(school), "kitchen"))

    @rule(school=st.sampled_from(SCHOOLS), meal=st.sampled_from(MEALS), days_ahead=st.integers(0, 1),
          planned=st.sampled_from(MENUS))  # fmt: skip
    def plan_a_meal(self, school: str, meal: str, days_ahead: int, planned: tuple[str, ...]) -> None:
        """周食谱: the principal publishes the week's menu with this meal, or amends the published week."""
        day = self._meal_date(days_ahead)
        week = day - timedelta(days=day.weekday())
        named = [{"name": name, "price": "1.50", "ingredients": [{"category": "other"}]} for name in planned]
        slots = [{"day": day, "meal": meal, "dishes": named}]
        if self._try(planning.PublishMenu(school=school, week=week, slots=slots), by=head(school)) is None:
            self._try(planning.AmendMenu(school=school, week=week, slots=slots, reason="食材调整"), by=head(school))

    @precondition(lambda self: self.seen.samples)
    @rule(pick=st.integers(0, 99), early=st.booleans())
    def dispose_sample(self, pick: int, early: bool) -> None:
        sample = self.seen.samples[pick % len(self.seen.samples)]
        self._try(sampling.DisposeSample(sample_id=sample, reason="送检完毕" if early else ""), by=ADMIN)

    @rule(person=st.sampled_from([p for p, _ in STAFF]), change=st.sampled_from(("health", "training", "suspend",
          "reinstate")), days=st.integers(-3, 45))  # fmt: skip
    def staff_change(self, person: str, change: str, days: int) -> None:
        """A certificate recorded that runs out soon or ran out already, or a suspension (调岗停岗) or its end."""
        if change == "suspend":
            self._try(registry.SuspendStaff(person_id=person, reason="腹泻，调岗停岗"), by=ADMIN)
        elif change == "reinstate":
            self._try(registry.ReinstateStaff(person_id=person, reason="康复"), by=ADMIN)
        else:
            self._try(
                registry.RecordStaffCertificate(
                    person_id=person,
                    kind=change,
                    number=f"{change[:2]}-{person}-{days}",
                    valid_from=date(2026, 1, 1),
                    valid_until=self.today + timedelta(days=days),
                ),
                by=ADMIN,
            )

    @rule(school=st.sampled_from(SCHOOLS), who=st.sampled_from(("keeper1", "keeper2", "cook")), passed=st.booleans())
    def health_check(self, school: str, who: str, passed: bool) -> None:
        """晨午检 of someone who handles food, today: a failed one keeps them off food work for the day."""
        person = f"{school}-{who}"
        self._try(
            registry.RecordHealthCheck(person_id=person, day=self.today, passed=passed, notes="" if passed else "发热"),
            by=ADMIN,
        )
