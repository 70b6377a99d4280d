"""The trace index (追溯索引): who received which lot, where it went, who handled it, what proved it safe.

One row per fact an investigator asks about: batches with their supplier lot, certificates, inspections,
issues to meals, food samples and the batches they name, and the people, schools and suppliers with the
history of their certificates, licences and suspensions (so a status can be read "as of" any day).
Compliance and search queries read these tables too: they need the same facts, and a second copy would
double the work of following twenty million events. A correction marks the row it voids (``voided``); returns
(with the issue they come back from), write-offs and every hold and release keep their own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from uuid import UUID

from domain.batch import IngredientBatch
from domain.gs1 import normalise_product, product_key
from domain.rules import DEFAULT_PROFILE, RulesProfile
from domain.sample import FoodSample
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from projections.projection import ChunkProjection, Event, Numbered, event_name, topics_of
from projections.store import PostgresView, SQLiteView, Writer
from projections.trace_schema import COLUMNS, SCHEMA


@dataclass
class _Chunk:
    rows: dict[str, list[Sequence[Any]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    updates: list[tuple[str, Sequence[Any]]] = field(default_factory=list)  # in event order, after the inserts
    batches: dict[UUID, tuple[str, str]] = field(default_factory=dict)  # batch id: code, school
    staff: dict[UUID, str] = field(default_factory=dict)  # staff id: person id
    suppliers: dict[UUID, str] = field(default_factory=dict)  # supplier id: code


class TraceIndex(ChunkProjection):
    name = "view_trace"
    schema = SCHEMA
    topics: tuple[str, ...] = (
        topics_of(School, "Registered")
        + topics_of(Supplier, "Registered", "LicenceRenewed")
        + topics_of(
            StaffMember,
            "Registered",
            "HealthCertificateRecorded",
            "TrainingCertificateRecorded",
            "HealthChecked",
            "Suspended",
            "Reinstated",
        )
        + topics_of(
            IngredientBatch,
            "Received",
            "CertificateAttached",
            "Inspected",
            "PutOnHold",
            "Released",
            "Moved",
            "IssuedToKitchen",
            "ReturnedToStore",
            "WrittenOff",
            "Corrected",
        )
        + topics_of(FoodSample, "Retained", "Disposed", "SentToLaboratory")
    )

    def __init__(self, view: PostgresView | SQLiteView, profile: RulesProfile = DEFAULT_PROFILE) -> None:
        super().__init__(view)
        self.profile = profile

    def apply(self, events: Sequence[Numbered], writer: Writer) -> None:
        chunk = self._load(events, writer)
        for notification_id, event in events:
            handler = getattr(self, "_" + event_name(event).replace(".", "_"), None)
            if handler is not None:
                handler(chunk, notification_id, event)
        for table, columns in COLUMNS.items():
            if chunk.rows[table]:
                writer.insert(table, columns, chunk.rows[table])
        # Consecutive updates of one kind go together; their order (event order) is kept.
        for sql, group in groupby(chunk.updates, key=lambda update: update[0]):
            writer.executemany(sql, [params for _, params in group])

    def _load(self, events: Sequence[Numbered], writer: Writer) -> _Chunk:
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

    # --- schools, suppliers, staff ----------------------------------------------------------------

    def _School_Registered(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.rows["view_trace_schools"].append((e.code, e.name, e.district))

    def _Supplier_Registered(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.suppliers[e.originator_id] = e.code
        chunk.rows["view_trace_suppliers"].append(
            (e.code, e.originator_id, e.name, e.licence_number, e.licence_valid_from, e.licence_valid_until)
        )
        chunk.rows["view_trace_licences"].append(
            (e.code, e.originator_version, e.licence_number, e.licence_valid_from, e.licence_valid_until, e.at)
        )

    def _Supplier_LicenceRenewed(self, chunk: _Chunk, _: int, e: Event) -> None:
        code = chunk.suppliers[e.originator_id]
        chunk.rows["view_trace_licences"].append(
            (code, e.originator_version, e.number, e.valid_from, e.valid_until, e.at)
        )
        chunk.updates.append((
            "UPDATE view_trace_suppliers SET licence_number = ?, licence_valid_from = ?, licence_valid_until = ? "
            "WHERE code = ?",
            (e.number, e.valid_from, e.valid_until, code),
        ))  # fmt: skip

    def _StaffMember_Registered(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.staff[e.originator_id] = e.person_id
        chunk.rows["view_trace_staff"].append((e.person_id, e.originator_id, e.name, e.school_id, ",".join(e.roles)))

    def _staff_event(self, chunk: _Chunk, e: Event, kind: str, **values: Any) -> None:
        chunk.rows["view_trace_staff_events"].append((
            chunk.staff[e.originator_id], e.originator_version, kind, values.get("number"), values.get("valid_from"),
            values.get("valid_until"), values.get("day"), values.get("passed"), values.get("reason"), e.at,
        ))  # fmt: skip

    def _StaffMember_HealthCertificateRecorded(self, chunk: _Chunk, _: int, e: Event) -> None:
        self._staff_event(chunk, e, "health", number=e.number, valid_from=e.valid_from, valid_until=e.valid_until)

    def _StaffMember_TrainingCertificateRecorded(self, chunk: _Chunk, _: int, e: Event) -> None:
        self._staff_event(chunk, e, "training", number=e.number, valid_from=e.valid_from, valid_until=e.valid_until)

    def _StaffMember_HealthChecked(self, chunk: _Chunk, _: int, e: Event) -> None:
        self._staff_event(chunk, e, "check", day=e.day, passed=e.passed, reason=e.notes)

    def _StaffMember_Suspended(self, chunk: _Chunk, _: int, e: Event) -> None:
        self._staff_event(chunk, e, "suspended", reason=e.reason)

    def _StaffMember_Reinstated(self, chunk: _Chunk, _: int, e: Event) -> None:
        self._staff_event(chunk, e, "reinstated", reason=e.reason)

    # --- batches ------------------------------------------------------------------------------------

    def _IngredientBatch_Received(self, chunk: _Chunk, notification_id: int, e: Event) -> None:
        chunk.batches[e.originator_id] = (e.code, e.school_id)
        chunk.rows["view_trace_batches"].append((
            e.originator_id, e.code, e.school_id, e.supplier_id, e.product, e.category, e.pork, e.quantity, e.unit,
            e.supplier_lot, e.lot, e.gtin, e.production_date, e.use_by_date, e.invoice_number, e.place,
            ",".join(e.signers), e.sensory_check, e.by.person_id, e.at, self.profile.local_date(e.at), False, "",
            notification_id, product_key(e.gtin, e.product), normalise_product(e.product),
        ))  # fmt: skip

    def _IngredientBatch_CertificateAttached(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.rows["view_trace_certificates"].append((
            e.originator_id, e.originator_version, e.kind, e.number, e.issuer, e.issue_date, e.expiry_date, e.sha256,
            e.by.person_id, e.at, False,
        ))  # fmt: skip

    def _IngredientBatch_Inspected(self, chunk: _Chunk, _: int, e: Event) -> None:
        school = chunk.batches[e.originator_id][1]
        chunk.rows["view_trace_inspections"].append((
            e.originator_id, e.originator_version, school, e.stage, e.passed, e.notes, e.inspector, e.by.role, e.at,
            self.profile.local_date(e.at), False,
        ))  # fmt: skip

    def _IngredientBatch_PutOnHold(self, chunk: _Chunk, _: int, e: Event) -> None:
        sql = "UPDATE view_trace_batches SET on_hold = ?, hold_reason = ? WHERE batch_id = ?"
        chunk.updates.append((sql, (True, e.reason, e.originator_id)))
        self._hold_history(chunk, e, "hold")

    def _IngredientBatch_Released(self, chunk: _Chunk, _: int, e: Event) -> None:
        sql = "UPDATE view_trace_batches SET on_hold = ?, hold_reason = ? WHERE batch_id = ?"
        chunk.updates.append((sql, (False, "", e.originator_id)))
        self._hold_history(chunk, e, "release")

    def _hold_history(self, chunk: _Chunk, e: Event, action: str) -> None:
        chunk.rows["view_trace_holds"].append(
            (e.originator_id, e.originator_version, action, e.reason, e.by.person_id, e.by.role, e.at)
        )

    def _IngredientBatch_Moved(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.updates.append(
            ("UPDATE view_trace_batches SET place = ? WHERE batch_id = ?", (e.to_place, e.originator_id))
        )

    def _IngredientBatch_IssuedToKitchen(self, chunk: _Chunk, _: int, e: Event) -> None:
        school = chunk.batches[e.originator_id][1]
        chunk.rows["view_trace_issues"].append((
            e.originator_id, e.originator_version, school, e.meal_date, e.meal, e.quantity, e.given_by, e.taken_by,
            e.at, e.offer, False,
        ))  # fmt: skip

    def _IngredientBatch_ReturnedToStore(self, chunk: _Chunk, _: int, e: Event) -> None:
        school = chunk.batches[e.originator_id][1]
        chunk.rows["view_trace_returns"].append((
            e.originator_id, e.originator_version, school, e.quantity, e.returned_by, e.received_by, e.reason, e.at,
            e.issue, False,
        ))  # fmt: skip

    def _IngredientBatch_WrittenOff(self, chunk: _Chunk, _: int, e: Event) -> None:
        school = chunk.batches[e.originator_id][1]
        chunk.rows["view_trace_write_offs"].append((
            e.originator_id, e.originator_version, school, e.quantity, e.reason, e.witness, e.by.person_id, e.at,
            False,
        ))  # fmt: skip

    def _IngredientBatch_Corrected(self, chunk: _Chunk, _: int, e: Event) -> None:
        table = {
            "certificate": "certificates", "inspection": "inspections", "issue": "issues", "return": "returns",
            "write_off": "write_offs",
        }.get(e.kind)  # fmt: skip
        if table is not None:
            sql = f"UPDATE view_trace_{table} SET voided = ? WHERE batch_id = ? AND version = ?"
            chunk.updates.append((sql, (True, e.originator_id, e.corrects_version)))

    # --- food samples -------------------------------------------------------------------------------

    def _FoodSample_Retained(self, chunk: _Chunk, _: int, e: Event) -> None:
        chunk.rows["view_trace_samples"].append((
            e.originator_id, e.school_id, e.meal_date, e.meal, e.dish, e.grams, e.sealed_at, e.keep_until, e.fridge,
            e.sealed_by, None, None, None, None,
        ))  # fmt: skip
        chunk.rows["view_trace_sample_batches"] += [(e.originator_id, code) for code in dict.fromkeys(e.batch_codes)]

    def _FoodSample_Disposed(self, chunk: _Chunk, _: int, e: Event) -> None:
        sql = "UPDATE view_trace_samples SET disposed_at = ?, disposal_reason = ? WHERE sample_id = ?"
        chunk.updates.append((sql, (e.at, e.reason, e.originator_id)))

    def _FoodSample_SentToLaboratory(self, chunk: _Chunk, _: int, e: Event) -> None:
        sql = "UPDATE view_trace_samples SET sent_to = ?, sent_at = ? WHERE sample_id = ?"
        chunk.updates.append((sql, (e.laboratory, e.at, e.originator_id)))
