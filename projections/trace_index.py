"""The trace index (追溯索引): who received which lot, where it went, who handled it, what proved it safe.

One row per fact an investigator asks about: batches with their supplier lot, certificates, inspections,
issues to meals, food samples and the batches they name, and the people, schools and suppliers with the
history of their certificates, licences and suspensions (so a status can be read "as of" any day).
Compliance and search queries read these tables too: they need the same facts, and a second copy would
double the work of following twenty million events. A correction marks the row it voids (``voided``); returns
(with the issue they come back from), write-offs and every hold and release keep their own rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any
from uuid import UUID

from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch
from domain.business_time import is_late
from domain.dishes import MealService
from domain.gs1 import normalise_product, product_key
from domain.idempotency import IdempotencyRecord
from domain.menu import Menu
from domain.recall import Recall, RecallRegister
from domain.rules import RulesProfile
from domain.sample import FoodSample
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from projections import menus
from projections.projection import ChunkProjection, Event, Numbered, event_class, event_name, events_of, handlers, named
from projections.store import Writer
from projections.trace_schema import COLUMNS, SCHEMA

# The domain's events this index has no use for (tests/projections/test_dispatch.py: all others have a handler).
NOT_NEEDED = (
    events_of(Supplier, "TenderAwarded Suspended Reinstated")  # not yet shown to investigators
    + events_of(IngredientBatch, "IssueOffered IssueOfferCancelled")  # an offer moves nothing; the issue is indexed
    + events_of(IngredientBatch, "CoSignersAwaited CoSigned")  # the intake's signers are indexed with its receipt
    + events_of(DeliveryAnnouncement, "Announced CertificateAttached Received Rejected Withdrawn")  # before a batch
    + events_of(IdempotencyRecord, "Recorded")
    + events_of(RecallRegister, "Started Listed Delisted")  # the recalls' own events say what is open
    + events_of(MealService, "Opened")  # its dish records carry the meal
)
# Each table's columns in the order of COLUMNS, to turn a row given by name into the tuple that is inserted.
_IN_ORDER = {table: itemgetter(*(c.strip() for c in columns.split(","))) for table, columns in COLUMNS.items()}


@dataclass
class _Chunk:
    rows: dict[str, list[Sequence[Any]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    updates: list[tuple[str, Sequence[Any]]] = field(default_factory=list)  # in event order, after the inserts
    batches: dict[UUID, tuple[str, str]] = field(default_factory=dict)  # batch id: code, school
    staff: dict[UUID, str] = field(default_factory=dict)  # staff id: person id
    suppliers: dict[UUID, str] = field(default_factory=dict)  # supplier id: code

    def add(self, table: str, **row: Any) -> None:
        """A row of ``table``, every column named (a column missing or unknown fails here, not in a wrong place)."""
        in_order = _IN_ORDER[table](row)
        if len(row) != len(in_order):
            raise TypeError(f"{table} has no column among {sorted(row)}")
        self.rows[table].append(in_order)


class TraceIndex(ChunkProjection):
    name = "view_trace"
    schema = SCHEMA
    not_needed = NOT_NEEDED
    handle = handlers()

    # --- schools, suppliers, staff ----------------------------------------------------------------

    @handle.register(event_class(School, "Registered"))
    def _school_registered(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.add("view_trace_schools", **named(e, "code name district"))

    @handle.register(event_class(Supplier, "Registered"))
    def _supplier_registered(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.suppliers[e.originator_id] = e.code
        supplier = named(e, "code name licence_number licence_valid_from licence_valid_until")
        chunk.add("view_trace_suppliers", **supplier, supplier_id=e.originator_id)
        licence = {"number": e.licence_number, "valid_from": e.licence_valid_from, "valid_until": e.licence_valid_until}
        self._licence(chunk, e, e.code, **licence)

    @handle.register(event_class(Supplier, "LicenceRenewed"))
    def _licence_renewed(self, e: Event, chunk: _Chunk, _: int) -> None:
        code = chunk.suppliers[e.originator_id]
        self._licence(chunk, e, code, **named(e, "number valid_from valid_until"))
        sql = (
            "UPDATE view_trace_suppliers SET licence_number = ?, licence_valid_from = ?, licence_valid_until = ? "
            "WHERE code = ?"
        )
        chunk.updates.append((sql, (e.number, e.valid_from, e.valid_until, code)))

    def _licence(self, chunk: _Chunk, e: Event, supplier: str, **licence: Any) -> None:
        chunk.add("view_trace_licences", supplier=supplier, version=e.originator_version, recorded_at=e.at, **licence)

    @handle.register(event_class(StaffMember, "Registered"))
    def _staff_registered(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.staff[e.originator_id] = e.person_id
        roles = ",".join(e.roles)
        chunk.add(
            "view_trace_staff", **named(e, "person_id name"), staff_id=e.originator_id, school=e.school_id, roles=roles
        )

    def _staff_event(self, chunk: _Chunk, e: Event, kind: str, **values: Any) -> None:
        row = {**dict.fromkeys(("number", "valid_from", "valid_until", "day", "passed", "reason")), **values}
        row.update(person_id=chunk.staff[e.originator_id], version=e.originator_version, kind=kind, at=e.at)
        chunk.add("view_trace_staff_events", **row)

    @handle.register(event_class(StaffMember, "HealthCertificateRecorded"))
    def _health_certificate(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._staff_event(chunk, e, "health", **named(e, "number valid_from valid_until"))

    @handle.register(event_class(StaffMember, "TrainingCertificateRecorded"))
    def _training_certificate(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._staff_event(chunk, e, "training", **named(e, "number valid_from valid_until"))

    @handle.register(event_class(StaffMember, "HealthChecked"))
    def _health_checked(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._staff_event(chunk, e, "check", day=e.day, passed=e.passed, reason=e.notes)

    @handle.register(event_class(StaffMember, "Suspended"))
    def _staff_suspended(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._staff_event(chunk, e, "suspended", reason=e.reason)

    @handle.register(event_class(StaffMember, "Reinstated"))
    def _staff_reinstated(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._staff_event(chunk, e, "reinstated", reason=e.reason)

    # --- batches ------------------------------------------------------------------------------------

    @handle.register(event_class(IngredientBatch, "Received"))
    def _received(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        chunk.batches[e.originator_id] = (e.code, e.school_id)
        chunk.add(
            "view_trace_batches",
            **named(e, "code product category pork quantity unit supplier_lot lot gtin production_date use_by_date"),
            **named(e, "invoice_number unit_price place sensory_check"),
            batch_id=e.originator_id,
            school=e.school_id,
            supplier=e.supplier_id,
            signers=",".join(e.signers),
            received_by=e.by.person_id,
            received_at=e.at,
            received_on=self.profile.local_date(e.at),
            on_hold=False,
            hold_reason="",
            notification_id=notification_id,
            product_key=product_key(e.gtin, e.product),
            product_folded=normalise_product(e.product),
            **_recorded(e, self.profile),
        )

    @handle.register(event_class(IngredientBatch, "CertificateAttached"))
    def _certificate_attached(self, e: Event, chunk: _Chunk, _: int) -> None:
        certificate = named(e, "kind number issuer issue_date expiry_date sha256")
        by = {"attached_by": e.by.person_id, "attached_at": e.at}
        chunk.add("view_trace_certificates", **_versioned(e, self.profile), **certificate, **by, voided=False)

    @handle.register(event_class(IngredientBatch, "Inspected"))
    def _inspected(self, e: Event, chunk: _Chunk, _: int) -> None:
        inspection = named(e, "stage passed notes inspector")
        by = {"by_role": e.by.role, "inspected_at": e.at, "on_date": self.profile.local_date(e.at)}
        chunk.add("view_trace_inspections", **self._batch_fact(chunk, e), **inspection, **by)

    @handle.register(event_class(IngredientBatch, "PutOnHold"))
    def _put_on_hold(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.updates.append((_HOLD, (True, e.reason, e.originator_id)))
        self._hold_history(chunk, e, "hold")
        if e.recall_id is not None:
            school = chunk.batches[e.originator_id][1]
            row = {"batch_id": e.originator_id, "school": school, "held_at": e.at}
            chunk.add("view_trace_recall_batches", recall_id=UUID(e.recall_id), **row)

    @handle.register(event_class(IngredientBatch, "Released"))
    def _released(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.updates.append((_HOLD, (False, "", e.originator_id)))
        self._hold_history(chunk, e, "release")

    def _hold_history(self, chunk: _Chunk, e: Event, action: str) -> None:
        by = {"person": e.by.person_id, "role": e.by.role, "acted_at": e.at}
        chunk.add("view_trace_holds", **_versioned(e, self.profile), action=action, reason=e.reason, **by)

    @handle.register(event_class(IngredientBatch, "Moved"))
    def _moved(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.updates.append(
            ("UPDATE view_trace_batches SET place = ? WHERE batch_id = ?", (e.to_place, e.originator_id))
        )

    @handle.register(event_class(IngredientBatch, "IssuedToKitchen"))
    def _issued_to_kitchen(self, e: Event, chunk: _Chunk, _: int) -> None:
        issue = named(e, "meal_date meal quantity given_by taken_by offer")
        dishes = _JSON.encode(e.dishes)
        chunk.add("view_trace_issues", **self._batch_fact(chunk, e), **issue, dishes=dishes, issued_at=e.at)

    @handle.register(event_class(IngredientBatch, "ReturnedToStore"))
    def _returned_to_store(self, e: Event, chunk: _Chunk, _: int) -> None:
        returned = named(e, "quantity returned_by received_by reason issue")
        chunk.add("view_trace_returns", **self._batch_fact(chunk, e), **returned, returned_at=e.at)

    @handle.register(event_class(IngredientBatch, "WrittenOff"))
    def _written_off(self, e: Event, chunk: _Chunk, _: int) -> None:
        by = {"written_off_by": e.by.person_id, "written_off_at": e.at}
        chunk.add("view_trace_write_offs", **self._batch_fact(chunk, e), **named(e, "quantity reason witness"), **by)

    def _batch_fact(self, chunk: _Chunk, e: Event) -> dict[str, Any]:
        """The columns a fact about a batch at its school starts with; a correction may void it later."""
        return {**_versioned(e, self.profile), "school": chunk.batches[e.originator_id][1], "voided": False}

    @handle.register(event_class(IngredientBatch, "Corrected"))
    def _corrected(self, e: Event, chunk: _Chunk, _: int) -> None:
        table = _VOIDABLE.get(e.kind)
        if table is not None:
            sql = f"UPDATE view_trace_{table} SET voided = ? WHERE batch_id = ? AND version = ?"
            chunk.updates.append((sql, (True, e.originator_id, e.corrects_version)))

    # --- recalls (召回) ---------------------------------------------------------------------------------

    @handle.register(event_class(Recall, "Opened"))
    def _recall_opened(self, e: Event, chunk: _Chunk, _: int) -> None:
        scope = named(e, "notice_number product lot produced_from produced_to reason")
        opened = {"opened_by": e.by.person_id, "opened_at": e.at, "closed_by": None, "closed_at": None, "note": None}
        chunk.add("view_trace_recalls", recall_id=e.originator_id, supplier=e.supplier_id, **scope, **opened)

    @handle.register(event_class(Recall, "Closed"))
    def _recall_closed(self, e: Event, chunk: _Chunk, _: int) -> None:
        sql = "UPDATE view_trace_recalls SET closed_by = ?, closed_at = ?, note = ? WHERE recall_id = ?"
        chunk.updates.append((sql, (e.by.person_id, e.at, e.note, e.originator_id)))

    # --- food samples -------------------------------------------------------------------------------

    @handle.register(event_class(FoodSample, "Retained"))
    def _retained(self, e: Event, chunk: _Chunk, _: int) -> None:
        sample = named(e, "meal_date meal dish grams sealed_at keep_until fridge sealed_by")
        later = dict.fromkeys(("disposed_at", "disposal_reason", "sent_to", "sent_at"))  # set as it leaves the fridge
        chunk.add("view_trace_samples", sample_id=e.originator_id, school=e.school_id, **sample, **later)
        for code in dict.fromkeys(e.batch_codes):
            chunk.add("view_trace_sample_batches", sample_id=e.originator_id, code=code)

    # --- weekly menus (周食谱): their rows are projections/menus.py's ---------------------------------------

    @handle.register(event_class(Menu, "Published"))
    def _menu_published(self, e: Event, chunk: _Chunk, _: int) -> None:
        menus.add_rows(chunk, e, kind="published", reason="", copied_from=e.copied_from)

    @handle.register(event_class(Menu, "Amended"))
    def _menu_amended(self, e: Event, chunk: _Chunk, _: int) -> None:
        menus.add_rows(chunk, e, kind="amended", reason=e.reason, copied_from=None)

    @handle.register(event_class(FoodSample, "Disposed"))
    def _disposed(self, e: Event, chunk: _Chunk, _: int) -> None:
        sql = "UPDATE view_trace_samples SET disposed_at = ?, disposal_reason = ? WHERE sample_id = ?"
        chunk.updates.append((sql, (e.at, e.reason, e.originator_id)))

    @handle.register(event_class(FoodSample, "SentToLaboratory"))
    def _sent_to_laboratory(self, e: Event, chunk: _Chunk, _: int) -> None:
        sql = "UPDATE view_trace_samples SET sent_to = ?, sent_at = ? WHERE sample_id = ?"
        chunk.updates.append((sql, (e.laboratory, e.at, e.originator_id)))

    # --- the kitchen's record of dishes served ------------------------------------------------------

    @handle.register(event_class(MealService, "DishRecorded"))
    def _dish_recorded(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.add(
            "view_trace_dish_records",
            **named(e, "meal_date meal dish portions"),
            school=e.school_id,
            version=e.originator_version,
            batch_codes=_JSON.encode(e.batch_codes),
            recorded_by=e.by.person_id,
            recorded_at=e.at,
        )

    # --- reading and writing a chunk ---------------------------------------------------------------

    def load(self, events: Sequence[Numbered], writer: Writer) -> _Chunk:
        chunk = _Chunk()
        wanted: dict[str, set[UUID]] = {"IngredientBatch": set(), "StaffMember": set(), "Supplier": set()}
        for _, event in events:
            aggregate = event_name(event).split(".")[0]
            if aggregate in wanted:
                wanted[aggregate].add(event.originator_id)
        batches = list(wanted["IngredientBatch"])
        for row in writer.select_in("SELECT batch_id, code, school FROM view_trace_batches WHERE batch_id IN", batches):
            chunk.batches[UUID(str(row["batch_id"]))] = (row["code"], row["school"])
        for row in writer.select_in(
            "SELECT staff_id, person_id FROM view_trace_staff WHERE staff_id IN", list(wanted["StaffMember"])
        ):
            chunk.staff[UUID(str(row["staff_id"]))] = row["person_id"]
        for row in writer.select_in(
            "SELECT supplier_id, code FROM view_trace_suppliers WHERE supplier_id IN", list(wanted["Supplier"])
        ):
            chunk.suppliers[UUID(str(row["supplier_id"]))] = row["code"]
        return chunk

    def write(self, chunk: _Chunk, writer: Writer) -> None:
        for table, columns in COLUMNS.items():
            if chunk.rows[table]:
                writer.insert(table, columns, chunk.rows[table])
        # Consecutive updates of one kind go together; their order (event order) is kept.
        for sql, group in groupby(chunk.updates, key=lambda update: update[0]):
            writer.executemany(sql, [params for _, params in group])


def _versioned(e: Event, profile: RulesProfile) -> dict[str, Any]:
    """A batch's event as the key of its row: the batch and the event's version in it, and when it was recorded."""
    return {"batch_id": e.originator_id, "version": e.originator_version, **_recorded(e, profile)}


def _recorded(e: Event, profile: RulesProfile) -> dict[str, Any]:
    """When the event was recorded, and whether that was well after it happened (补录)."""
    return {"recorded_at": e.recorded_at, "late": is_late(e.at, e.recorded_at, profile)}


# As json.dumps(..., ensure_ascii=False) writes it, without building an encoder for every call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_HOLD = "UPDATE view_trace_batches SET on_hold = ?, hold_reason = ? WHERE batch_id = ?"
# What a correction can void, by its kind: the table of the voided row (view_trace_<table>).
_VOIDABLE = {
    "certificate": "certificates",
    "inspection": "inspections",
    "issue": "issues",
    "return": "returns",
    "write_off": "write_offs",
}
