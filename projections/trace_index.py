"""The trace index (追溯索引): who received which lot, where it went, who handled it, what proved it safe.

One row per fact an investigator asks about: batches with their supplier lot, certificates, inspections,
issues to meals, food samples and the batches they name, and the people, schools and suppliers with the
history of their certificates, licences and suspensions (so a status can be read "as of" any day).
Compliance and search queries read these tables too: they need the same facts, and a second copy would
double the work of following twenty million events. A correction marks the row it voids (``voided``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from uuid import UUID

from domain.batch import IngredientBatch
from domain.rules import DEFAULT_PROFILE, RulesProfile
from domain.sample import FoodSample
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from projections.projection import ChunkProjection, Event, Numbered, event_name, topics_of
from projections.store import PostgresView, Schema, SQLiteView, Writer

COLUMNS = {
    "view_trace_schools": "code, name, district",
    "view_trace_suppliers": "code, supplier_id, name, licence_number, licence_valid_from, licence_valid_until",
    "view_trace_licences": "supplier, version, number, valid_from, valid_until, recorded_at",
    "view_trace_staff": "person_id, staff_id, name, school, roles",
    "view_trace_staff_events": "person_id, version, kind, number, valid_from, valid_until, day, passed, reason, at",
    "view_trace_batches": "batch_id, code, school, supplier, product, category, pork, quantity, unit, "
    "supplier_lot, lot, gtin, production_date, use_by_date, invoice_number, place, signers, sensory_check, "
    "received_by, received_at, received_on, on_hold, hold_reason, notification_id",
    "view_trace_certificates": "batch_id, version, kind, number, issuer, issue_date, expiry_date, sha256, "
    "attached_by, attached_at, voided",
    "view_trace_inspections": "batch_id, version, school, stage, passed, notes, inspector, by_role, inspected_at, "
    "on_date, voided",
    "view_trace_issues": "batch_id, version, school, meal_date, meal, quantity, given_by, taken_by, issued_at, "
    "offer, voided",
    "view_trace_samples": "sample_id, school, meal_date, meal, dish, grams, sealed_at, keep_until, fridge, "
    "sealed_by, disposed_at, disposal_reason, sent_to, sent_at",
    "view_trace_sample_batches": "sample_id, code",
}

SCHEMA = Schema(
    tables=tuple(COLUMNS),
    statements=(
        "CREATE TABLE IF NOT EXISTS view_trace_schools (code TEXT PRIMARY KEY, name TEXT NOT NULL, district TEXT)",
        "CREATE TABLE IF NOT EXISTS view_trace_suppliers (code TEXT PRIMARY KEY, supplier_id {uuid} NOT NULL UNIQUE, "
        "name TEXT NOT NULL, licence_number TEXT NOT NULL, licence_valid_from {date}, licence_valid_until {date})",
        "CREATE TABLE IF NOT EXISTS view_trace_licences (supplier TEXT NOT NULL, version INTEGER NOT NULL, "
        "number TEXT NOT NULL, valid_from {date} NOT NULL, valid_until {date} NOT NULL, recorded_at {time} NOT NULL, "
        "PRIMARY KEY (supplier, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_staff (person_id TEXT PRIMARY KEY, staff_id {uuid} NOT NULL UNIQUE, "
        "name TEXT NOT NULL, school TEXT, roles TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS view_trace_staff_events (person_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "kind TEXT NOT NULL, number TEXT, valid_from {date}, valid_until {date}, day {date}, passed {bool}, "
        "reason TEXT, at {time} NOT NULL, PRIMARY KEY (person_id, version))",
        "CREATE INDEX IF NOT EXISTS view_trace_staff_events_until ON view_trace_staff_events (valid_until)",
        "CREATE TABLE IF NOT EXISTS view_trace_batches (batch_id {uuid} PRIMARY KEY, code TEXT NOT NULL, "
        "school TEXT NOT NULL, supplier TEXT NOT NULL, product TEXT NOT NULL, category TEXT NOT NULL, "
        "pork {bool} NOT NULL, quantity {decimal} NOT NULL, unit TEXT NOT NULL, supplier_lot TEXT NOT NULL, "
        "lot TEXT NOT NULL, gtin TEXT, production_date {date} NOT NULL, use_by_date {date} NOT NULL, "
        "invoice_number TEXT NOT NULL, place TEXT NOT NULL, signers TEXT NOT NULL, sensory_check TEXT NOT NULL, "
        "received_by TEXT NOT NULL, received_at {time} NOT NULL, received_on {date} NOT NULL, "
        "on_hold {bool} NOT NULL, hold_reason TEXT NOT NULL, notification_id BIGINT NOT NULL)",
        "CREATE UNIQUE INDEX IF NOT EXISTS view_trace_batches_code ON view_trace_batches (code)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_lot ON view_trace_batches (lot, gtin)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_supplier_lot ON view_trace_batches (supplier_lot)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_supplier ON view_trace_batches (supplier, received_on)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_product ON view_trace_batches (product, received_on)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_school ON view_trace_batches (school, received_on)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_received ON view_trace_batches (received_on)",
        "CREATE TABLE IF NOT EXISTS view_trace_certificates (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "kind TEXT NOT NULL, number TEXT NOT NULL, issuer TEXT NOT NULL, issue_date {date} NOT NULL, "
        "expiry_date {date}, sha256 TEXT NOT NULL, attached_by TEXT NOT NULL, attached_at {time} NOT NULL, "
        "voided {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_inspections (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, stage TEXT NOT NULL, passed {bool} NOT NULL, notes TEXT NOT NULL, "
        "inspector TEXT NOT NULL, by_role TEXT NOT NULL, inspected_at {time} NOT NULL, on_date {date} NOT NULL, "
        "voided {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_trace_inspections_school ON view_trace_inspections (school, on_date)",
        "CREATE TABLE IF NOT EXISTS view_trace_issues (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, meal_date {date} NOT NULL, meal TEXT NOT NULL, quantity {decimal} NOT NULL, "
        "given_by TEXT NOT NULL, taken_by TEXT NOT NULL, issued_at {time} NOT NULL, offer INTEGER, "
        "voided {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_trace_issues_meal ON view_trace_issues (school, meal_date, meal)",
        "CREATE TABLE IF NOT EXISTS view_trace_samples (sample_id {uuid} PRIMARY KEY, school TEXT NOT NULL, "
        "meal_date {date} NOT NULL, meal TEXT NOT NULL, dish TEXT NOT NULL, grams INTEGER NOT NULL, "
        "sealed_at {time} NOT NULL, keep_until {time} NOT NULL, fridge TEXT NOT NULL, sealed_by TEXT NOT NULL, "
        "disposed_at {time}, disposal_reason TEXT, sent_to TEXT, sent_at {time})",
        "CREATE INDEX IF NOT EXISTS view_trace_samples_meal ON view_trace_samples (school, meal_date, meal)",
        "CREATE TABLE IF NOT EXISTS view_trace_sample_batches (sample_id {uuid} NOT NULL, code TEXT NOT NULL, "
        "PRIMARY KEY (sample_id, code))",
        "CREATE INDEX IF NOT EXISTS view_trace_sample_batches_code ON view_trace_sample_batches (code)",
    ),
)


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
            notification_id,
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

    def _IngredientBatch_Released(self, chunk: _Chunk, _: int, e: Event) -> None:
        sql = "UPDATE view_trace_batches SET on_hold = ?, hold_reason = ? WHERE batch_id = ?"
        chunk.updates.append((sql, (False, "", e.originator_id)))

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

    def _IngredientBatch_Corrected(self, chunk: _Chunk, _: int, e: Event) -> None:
        table = {"certificate": "certificates", "inspection": "inspections", "issue": "issues"}.get(e.kind)
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
