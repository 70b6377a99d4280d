"""The reference county: the raw event log folded from the first event, in plain Python.

Nothing here reads a view or calls projections/: it reads the Ledger's notification log through its recorder
and mapper and keeps what an investigator asks about. Value helpers from domain/ (the rules profile's local
date) are used for numbers and dates; every answer is derived again here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.ledger import Ledger
from domain.rules import RulesProfile
from tests.oracle.model import Batch, County, Logged, Movement, Person, Sample


def read_log(ledger: Ledger) -> list[Logged]:
    """Every stored event in log order, decoded by the ledger's own mapper."""
    found: list[Logged] = []
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=1000)
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            found.append(Logged(notification.id, type(event).__qualname__, event))
        if len(page) < 1000:
            return found
        start = page[-1].id + 1


def fold(log: list[Logged], profile: RulesProfile, until: datetime | None = None) -> County:
    """The county from the first event; with ``until``, only what had happened by then (business time)."""
    county = County()
    for logged in log:
        if until is not None and logged.at > until:
            continue
        county.log.append(logged)
        apply = _HANDLERS.get(logged.name)
        if apply is not None:
            apply(county, logged.event, profile)
    return county


def _school(county: County, e: Any, _: RulesProfile) -> None:
    county.schools[e.code] = e.name


def _supplier(county: County, e: Any, _: RulesProfile) -> None:
    county.suppliers[e.code] = e.name


def _staff(county: County, e: Any, _: RulesProfile) -> None:
    county.persons[e.originator_id] = e.person_id
    county.people[e.person_id] = Person(e.person_id, e.name, e.school_id, list(e.roles))


def _staff_history(kind: str) -> Any:
    def apply(county: County, e: Any, _: RulesProfile) -> None:
        person = county.people[county.persons[e.originator_id]]
        value: Any = {
            "health": lambda: (e.number, e.valid_from, e.valid_until),
            "training": lambda: (e.number, e.valid_from, e.valid_until),
            "check": lambda: (e.day, e.passed),
            "suspended": lambda: e.reason,
            "reinstated": lambda: e.reason,
        }[kind]()
        person.history.append((kind, value, e.at))

    return apply


def _received(county: County, e: Any, profile: RulesProfile) -> None:
    county.codes[e.originator_id] = e.code
    county.batches[e.code] = Batch(
        code=e.code, school=e.school_id, supplier=e.supplier_id, product=e.product, category=e.category,
        pork=e.pork, quantity=e.quantity, unit=e.unit, supplier_lot=e.supplier_lot, lot=e.lot, gtin=e.gtin,
        use_by_date=e.use_by_date, received_at=e.at, received_on=profile.local_date(e.at), place=e.place,
        signers=list(e.signers),
    )  # fmt: skip


def _batch(county: County, e: Any) -> Batch:
    return county.batches[county.codes[e.originator_id]]


def _certificate(county: County, e: Any, _: RulesProfile) -> None:
    _batch(county, e).certificates[e.originator_version] = (e.kind, False)


def _inspected(county: County, e: Any, profile: RulesProfile) -> None:
    _batch(county, e).inspections[e.originator_version] = {
        "stage": e.stage, "passed": e.passed, "inspector": e.inspector, "role": e.by.role, "at": e.at,
        "on_date": profile.local_date(e.at), "voided": False,
    }  # fmt: skip


def _hold(county: County, e: Any, _: RulesProfile) -> None:
    batch = _batch(county, e)
    batch.on_hold, batch.hold_reason = True, e.reason
    batch.holds.append(("hold", e.reason, e.at))


def _release(county: County, e: Any, _: RulesProfile) -> None:
    batch = _batch(county, e)
    batch.on_hold, batch.hold_reason = False, ""
    batch.holds.append(("release", e.reason, e.at))


def _moved(county: County, e: Any, _: RulesProfile) -> None:
    _batch(county, e).place = e.to_place


def _offered(county: County, e: Any, _: RulesProfile) -> None:
    _batch(county, e).offers[e.originator_version] = e.quantity


def _offer_cancelled(county: County, e: Any, _: RulesProfile) -> None:
    _batch(county, e).offers.pop(e.offer, None)


def _issued(county: County, e: Any, _: RulesProfile) -> None:
    batch = _batch(county, e)
    if e.offer is not None:
        batch.offers.pop(e.offer, None)
    people = {"given_by": e.given_by, "taken_by": e.taken_by}
    movement = Movement(e.originator_version, "issue", e.quantity, e.at, **people, meal_date=e.meal_date, meal=e.meal)
    movement.dishes = tuple(getattr(e, "dishes", ()))  # IssuedToKitchen v3 names them; earlier ones name none
    batch.movements[e.originator_version] = movement


def _returned(county: County, e: Any, _: RulesProfile) -> None:
    people = {"given_by": e.returned_by, "taken_by": e.received_by}
    issue = {"from_issue": getattr(e, "issue", None), "names_issue": hasattr(e, "issue")}
    movement = Movement(e.originator_version, "return", e.quantity, e.at, **people, reason=e.reason, **issue)
    _batch(county, e).movements[e.originator_version] = movement


def _written_off(county: County, e: Any, _: RulesProfile) -> None:
    people = {"given_by": e.by.person_id, "taken_by": e.witness}
    movement = Movement(e.originator_version, "write_off", e.quantity, e.at, **people, reason=e.reason)
    _batch(county, e).movements[e.originator_version] = movement


def _corrected(county: County, e: Any, _: RulesProfile) -> None:
    batch = _batch(county, e)
    version = e.corrects_version
    if version in batch.certificates:
        batch.certificates[version] = (batch.certificates[version][0], True)
    elif version in batch.inspections:
        batch.inspections[version]["voided"] = True
    elif version in batch.movements:
        batch.movements[version].voided = True


def _sample(county: County, e: Any, _: RulesProfile) -> None:
    meal = {"meal_date": e.meal_date, "meal": e.meal, "dish": e.dish, "grams": e.grams}
    kept = {"sealed_at": e.sealed_at, "keep_until": e.keep_until, "batch_codes": list(dict.fromkeys(e.batch_codes))}
    county.samples[str(e.originator_id)] = Sample(str(e.originator_id), e.school_id, **meal, **kept)


def _disposed(county: County, e: Any, _: RulesProfile) -> None:
    county.samples[str(e.originator_id)].disposed_at = e.at


def _dish_recorded(county: County, e: Any, _: RulesProfile) -> None:
    county.dish_records.setdefault((e.school_id, e.meal_date, e.meal), {})[e.dish] = list(e.batch_codes)


def _menu(county: County, e: Any, _: RulesProfile) -> None:
    """A publication or an amendment sets each slot it names whole; an empty slot cancels the meal."""
    for slot in e.slots:
        key = (e.school_id, date.fromisoformat(slot["day"]), slot["meal"])
        county.menus[key] = [dish["name"] for dish in slot["dishes"]]


_HANDLERS = {
    "School.Registered": _school,
    "Supplier.Registered": _supplier,
    "StaffMember.Registered": _staff,
    "StaffMember.HealthCertificateRecorded": _staff_history("health"),
    "StaffMember.TrainingCertificateRecorded": _staff_history("training"),
    "StaffMember.HealthChecked": _staff_history("check"),
    "StaffMember.Suspended": _staff_history("suspended"),
    "StaffMember.Reinstated": _staff_history("reinstated"),
    "IngredientBatch.Received": _received,
    "IngredientBatch.CertificateAttached": _certificate,
    "IngredientBatch.Inspected": _inspected,
    "IngredientBatch.PutOnHold": _hold,
    "IngredientBatch.Released": _release,
    "IngredientBatch.Moved": _moved,
    "IngredientBatch.IssueOffered": _offered,
    "IngredientBatch.IssueOfferCancelled": _offer_cancelled,
    "IngredientBatch.IssuedToKitchen": _issued,
    "IngredientBatch.ReturnedToStore": _returned,
    "IngredientBatch.WrittenOff": _written_off,
    "IngredientBatch.Corrected": _corrected,
    "FoodSample.Retained": _sample,
    "FoodSample.Disposed": _disposed,
    "MealService.DishRecorded": _dish_recorded,
    "Menu.Published": _menu,
    "Menu.Amended": _menu,
}
