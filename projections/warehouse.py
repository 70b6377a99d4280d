"""The warehouse ledger (进出库台账): one row per movement of stock at a school, with running balances.

Movements are a receipt (in), an issue to the kitchen (out), a move between store rooms (move), a return
from the kitchen (return) and a write-off (write_off). A correction that voids a movement adds a reversing
row (红字冲销), as a paper ledger would: the same column, the quantity negated. Offers of an issue only
reserve stock and are not movements. Balances are per batch and per product (name and unit) at the school.
Each row keeps when it happened and when it was recorded (补录 when well after, with a principal's approval if any).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch
from domain.business_time import late_approval
from domain.dishes import MealService
from domain.idempotency import IdempotencyRecord
from domain.menu import Menu
from domain.recall import Recall, RecallRegister
from domain.sample import FoodSample
from domain.school import School
from domain.staff import StaffMember
from domain.supplier import Supplier
from projections.projection import ChunkProjection, Event, Numbered, event_class, events_of, handlers
from projections.store import Schema, Writer

SCHEMA = Schema(
    tables=(
        "view_warehouse_batches",
        "view_warehouse_products",
        "view_warehouse_offers",
        "view_warehouse_movements",
        "view_warehouse_names",
    ),
    statements=(
        "CREATE TABLE IF NOT EXISTS view_warehouse_batches (batch_id {uuid} PRIMARY KEY, code TEXT NOT NULL, "
        "school TEXT NOT NULL, supplier TEXT NOT NULL, product TEXT NOT NULL, category TEXT NOT NULL, "
        "unit TEXT NOT NULL, lot TEXT NOT NULL, received_at {time} NOT NULL, use_by_date {date} NOT NULL, "
        "place TEXT NOT NULL, received {decimal} NOT NULL, on_hand {decimal} NOT NULL, "
        "reserved {decimal} NOT NULL, on_hold {bool} NOT NULL, in_stock {bool} NOT NULL)",
        "CREATE UNIQUE INDEX IF NOT EXISTS view_warehouse_batches_code ON view_warehouse_batches (code)",
        "CREATE INDEX IF NOT EXISTS view_warehouse_batches_stock "
        "ON view_warehouse_batches (school, in_stock, use_by_date)",
        "CREATE TABLE IF NOT EXISTS view_warehouse_products (school TEXT NOT NULL, product TEXT NOT NULL, "
        "unit TEXT NOT NULL, on_hand {decimal} NOT NULL, PRIMARY KEY (school, product, unit))",
        "CREATE TABLE IF NOT EXISTS view_warehouse_offers (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "quantity {decimal} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_warehouse_movements (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "notification_id BIGINT NOT NULL, school TEXT NOT NULL, on_date {date} NOT NULL, moved_at {time} NOT NULL, "
        "recorded_at {time} NOT NULL, late_approver TEXT, late_reason TEXT, "
        "code TEXT NOT NULL, product TEXT NOT NULL, unit TEXT NOT NULL, category TEXT NOT NULL, "
        "supplier TEXT NOT NULL, lot TEXT NOT NULL, kind TEXT NOT NULL, quantity_in {decimal}, "
        "quantity_out {decimal}, batch_balance {decimal} NOT NULL, product_balance {decimal} NOT NULL, "
        "given_by TEXT NOT NULL, taken_by TEXT NOT NULL, from_place TEXT NOT NULL, to_place TEXT NOT NULL, "
        "meal_date {date}, meal TEXT, note TEXT NOT NULL, corrects_version INTEGER, "
        "PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_warehouse_movements_school "
        "ON view_warehouse_movements (school, on_date, notification_id)",
        "CREATE TABLE IF NOT EXISTS view_warehouse_names (code TEXT PRIMARY KEY, name TEXT NOT NULL)",
    ),
)

MOVEMENT_COLUMNS = (
    "batch_id, version, notification_id, school, on_date, moved_at, recorded_at, late_approver, late_reason, code, "
    "product, unit, category, supplier, lot, kind, quantity_in, quantity_out, batch_balance, product_balance, "
    "given_by, taken_by, from_place, to_place, meal_date, meal, note, corrects_version"
)
BATCH_COLUMNS = (
    "batch_id, code, school, supplier, product, category, unit, lot, received_at, use_by_date, place, received, "
    "on_hand, reserved, on_hold, in_stock"
)


# The domain's events that move no stock and name no one (tests/projections/test_dispatch.py: all others have a
# handler). An announcement's goods enter the store with the batch's Received.
NOT_NEEDED = (
    events_of(Supplier, "LicenceRenewed TenderAwarded Suspended Reinstated")
    + events_of(StaffMember, "HealthCertificateRecorded TrainingCertificateRecorded HealthChecked")
    + events_of(StaffMember, "Suspended Reinstated")
    + events_of(IngredientBatch, "CertificateAttached Inspected CoSignersAwaited CoSigned")
    + events_of(FoodSample, "Retained Disposed SentToLaboratory")
    + events_of(DeliveryAnnouncement, "Announced CertificateAttached Received Rejected Withdrawn")
    + events_of(IdempotencyRecord, "Recorded")
    + events_of(Menu, "Published Amended")  # a menu plans meals; it moves nothing in the store
    + events_of(Recall, "Opened Closed")  # a recall moves nothing: each batch it holds records a PutOnHold
    + events_of(RecallRegister, "Started Listed Delisted")
    + events_of(MealService, "Opened DishRecorded")  # the kitchen's record of dishes moves no stock
)
_BATCH_EVENT = event_class(IngredientBatch, "Event")
_RECEIVED, _CORRECTED = events_of(IngredientBatch, "Received Corrected")
_CLOSING_OFFERS = events_of(IngredientBatch, "IssuedToKitchen IssueOfferCancelled")


@dataclass
class _Chunk:
    """What a chunk of events reads and changes, written back at its end."""

    batches: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    products: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    offers: dict[tuple[UUID, int], Decimal] = field(default_factory=dict)
    new_offers: set[tuple[UUID, int]] = field(default_factory=set)
    closed_offers: set[tuple[UUID, int]] = field(default_factory=set)
    movements: dict[tuple[UUID, int], dict[str, Any]] = field(default_factory=dict)
    new_movements: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    touched: set[UUID] = field(default_factory=set)
    new_batches: set[UUID] = field(default_factory=set)
    touched_products: set[tuple[str, str, str]] = field(default_factory=set)


class WarehouseLedger(ChunkProjection):
    name = "view_warehouse"
    schema = SCHEMA
    not_needed = NOT_NEEDED

    # --- reading what the chunk needs ---------------------------------------------------------------

    def load(self, events: Sequence[Numbered], writer: Writer) -> _Chunk:
        chunk = _Chunk()
        ids = {e.originator_id for _, e in events if isinstance(e, _BATCH_EVENT)}
        for row in writer.select_in("SELECT * FROM view_warehouse_batches WHERE batch_id IN", list(ids)):
            row["batch_id"] = UUID(str(row["batch_id"]))
            row["on_hold"] = bool(row["on_hold"])
            for key in ("received", "on_hand", "reserved"):
                row[key] = Decimal(row[key])
            chunk.batches[row["batch_id"]] = row
        keys = {_key(e.school_id, e.product, e.unit) for _, e in events if isinstance(e, _RECEIVED)}
        keys |= {_key(b["school"], b["product"], b["unit"]) for b in chunk.batches.values()}
        # The table is small (schools × products): matching the joined key scans it, and returns only what we need.
        sql = "SELECT * FROM view_warehouse_products WHERE school || '|' || product || '|' || unit IN"
        for row in writer.select_in(sql, sorted(keys)):
            chunk.products[(row["school"], row["product"], row["unit"])] = Decimal(row["on_hand"])
        offered = [e.originator_id for _, e in events if isinstance(e, _CLOSING_OFFERS)]
        for row in writer.select_in("SELECT * FROM view_warehouse_offers WHERE batch_id IN", offered):
            chunk.offers[(UUID(str(row["batch_id"])), row["version"])] = Decimal(row["quantity"])
        corrected = [e.originator_id for _, e in events if isinstance(e, _CORRECTED)]
        sql = (
            "SELECT batch_id, version, kind, quantity_in, quantity_out FROM view_warehouse_movements WHERE batch_id IN"
        )
        for row in writer.select_in(sql, corrected):
            chunk.movements[(UUID(str(row["batch_id"])), row["version"])] = row
        return chunk

    # --- one handler per event class ---------------------------------------------------------------

    handle = handlers()

    @handle.register(event_class(School, "Registered"))
    @handle.register(event_class(Supplier, "Registered"))
    def _named(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.names[e.code] = e.name

    @handle.register(event_class(StaffMember, "Registered"))
    def _staff_registered(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.names[e.person_id] = e.name

    @handle.register(_RECEIVED)
    def _received(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        chunk.batches[e.originator_id] = {
            "batch_id": e.originator_id,
            "code": e.code,
            "school": e.school_id,
            "supplier": e.supplier_id,
            "product": e.product,
            "category": e.category,
            "unit": e.unit,
            "lot": e.lot,
            "received_at": e.at,
            "use_by_date": e.use_by_date,
            "place": e.place,
            "received": e.quantity,
            "on_hand": Decimal(0),
            "reserved": Decimal(0),
            "on_hold": False,
        }
        chunk.new_batches.add(e.originator_id)
        self._movement(
            e, chunk, notification_id, kind="in", change=e.quantity, given=e.supplier_id, taken=",".join(e.signers)
        )

    @handle.register(event_class(IngredientBatch, "Moved"))
    def _moved(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        row = self._movement(e, chunk, notification_id, kind="move", change=Decimal(0), given=e.by.person_id, taken="")
        row.update(from_place=e.from_place, to_place=e.to_place)
        chunk.batches[e.originator_id]["place"] = e.to_place

    @handle.register(event_class(IngredientBatch, "PutOnHold"))
    def _put_on_hold(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._batch(chunk, e)["on_hold"] = True

    @handle.register(event_class(IngredientBatch, "Released"))
    def _released(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._batch(chunk, e)["on_hold"] = False

    @handle.register(event_class(IngredientBatch, "IssueOffered"))
    def _issue_offered(self, e: Event, chunk: _Chunk, _: int) -> None:
        chunk.offers[(e.originator_id, e.originator_version)] = e.quantity
        chunk.new_offers.add((e.originator_id, e.originator_version))
        self._batch(chunk, e)["reserved"] += e.quantity

    @handle.register(event_class(IngredientBatch, "IssueOfferCancelled"))
    def _issue_offer_cancelled(self, e: Event, chunk: _Chunk, _: int) -> None:
        self._close_offer(chunk, e, e.offer)

    @handle.register(event_class(IngredientBatch, "IssuedToKitchen"))
    def _issued_to_kitchen(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        row = self._movement(
            e, chunk, notification_id, kind="out", change=-e.quantity, given=e.given_by, taken=e.taken_by
        )
        row.update(meal_date=e.meal_date, meal=e.meal)
        if e.offer is not None:
            self._close_offer(chunk, e, e.offer)

    @handle.register(event_class(IngredientBatch, "ReturnedToStore"))
    def _returned_to_store(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        row = self._movement(
            e, chunk, notification_id, kind="return", change=e.quantity, given=e.returned_by, taken=e.received_by
        )
        row["note"] = e.reason

    @handle.register(event_class(IngredientBatch, "WrittenOff"))
    def _written_off(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        row = self._movement(
            e, chunk, notification_id, kind="write_off", change=-e.quantity, given=e.by.person_id, taken=e.witness
        )
        row["note"] = e.reason

    @handle.register(_CORRECTED)
    def _corrected(self, e: Event, chunk: _Chunk, notification_id: int) -> None:
        voided = chunk.movements.get((e.originator_id, e.corrects_version))
        if voided is None:  # a certificate or an inspection: not a movement
            return
        # Red-ink reversal: the voided row's column again, negated.
        out = voided["quantity_out"] is not None
        amount = Decimal(voided["quantity_out"] if out else voided["quantity_in"])
        change = amount if out else -amount
        row = self._movement(
            e, chunk, notification_id, kind="correction", change=change, given=e.by.person_id, taken=""
        )
        row.update(quantity_in=None if out else -amount, quantity_out=-amount if out else None)
        row.update(note=e.reason, corrects_version=e.corrects_version)

    # --- shared steps -------------------------------------------------------------------------------

    def _batch(self, chunk: _Chunk, event: Event) -> dict[str, Any]:
        chunk.touched.add(event.originator_id)
        return chunk.batches[event.originator_id]

    def _close_offer(self, chunk: _Chunk, event: Event, offer: int) -> None:
        quantity = chunk.offers.pop((event.originator_id, offer), None)
        if quantity is not None:
            self._batch(chunk, event)["reserved"] -= quantity
            chunk.closed_offers.add((event.originator_id, offer))

    def _movement(
        self, event: Event, chunk: _Chunk, notification_id: int, *, kind: str, change: Decimal, given: str, taken: str
    ) -> dict[str, Any]:
        """Record a movement of ``change`` (signed: into the store is positive) and move both balances."""
        batch = self._batch(chunk, event)
        approval = late_approval(event)
        product = (batch["school"], batch["product"], batch["unit"])
        batch["on_hand"] += change
        chunk.products[product] = chunk.products.get(product, Decimal(0)) + change
        chunk.touched_products.add(product)
        row = {
            "batch_id": event.originator_id,
            "version": event.originator_version,
            "notification_id": notification_id,
            "school": batch["school"],
            "on_date": self.profile.local_date(event.at),
            "moved_at": event.at,  # when it happened: the book's order (a receipt written up late keeps its hour)
            "recorded_at": event.recorded_at,
            "late_approver": approval["approver"] if approval else None,
            "late_reason": approval["reason"] if approval else None,
            "code": batch["code"],
            "product": batch["product"],
            "unit": batch["unit"],
            "category": batch["category"],
            "supplier": batch["supplier"],
            "lot": batch["lot"],
            "kind": kind,
            "quantity_in": change if change > 0 or kind == "in" else None,
            "quantity_out": -change if change < 0 else None,
            "batch_balance": batch["on_hand"],
            "product_balance": chunk.products[product],
            "given_by": given,
            "taken_by": taken,
            "from_place": batch["place"],
            "to_place": batch["place"],
            "meal_date": None,
            "meal": None,
            "note": "",
            "corrects_version": None,
        }
        if kind == "move":
            row.update(quantity_in=None, quantity_out=None)
        chunk.new_movements.append(row)
        chunk.movements[(event.originator_id, event.originator_version)] = row
        return row

    def write(self, chunk: _Chunk, writer: Writer) -> None:
        columns = [c.strip() for c in BATCH_COLUMNS.split(",")]
        rows = {
            i: [*(chunk.batches[i][c] for c in columns[:-1]), chunk.batches[i]["on_hand"] > 0] for i in chunk.touched
        }
        new = [rows[i] for i in chunk.touched if i in chunk.new_batches]
        if new:
            writer.insert("view_warehouse_batches", BATCH_COLUMNS, new)
        writer.executemany(
            "UPDATE view_warehouse_batches SET place = ?, on_hand = ?, reserved = ?, on_hold = ?, in_stock = ? "
            "WHERE batch_id = ?",
            [[*(rows[i][columns.index(c)] for c in _CHANGING), i] for i in chunk.touched - chunk.new_batches],
        )
        writer.executemany(
            "INSERT INTO view_warehouse_products (school, product, unit, on_hand) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (school, product, unit) DO UPDATE SET on_hand = excluded.on_hand",
            [[*key, chunk.products[key]] for key in sorted(chunk.touched_products)],
        )
        offers = [[*key, chunk.offers[key]] for key in sorted(chunk.new_offers - chunk.closed_offers)]
        if offers:
            writer.insert("view_warehouse_offers", "batch_id, version, quantity", offers)
        writer.executemany(
            "DELETE FROM view_warehouse_offers WHERE batch_id = ? AND version = ?", sorted(chunk.closed_offers)
        )
        names = [c.strip() for c in MOVEMENT_COLUMNS.split(",")]
        if chunk.new_movements:
            writer.insert(
                "view_warehouse_movements", MOVEMENT_COLUMNS, [[r[c] for c in names] for r in chunk.new_movements]
            )
        writer.executemany(
            "INSERT INTO view_warehouse_names (code, name) VALUES (?, ?) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            sorted(chunk.names.items()),
        )


_CHANGING = ("place", "on_hand", "reserved", "on_hold", "in_stock")


def _key(school: str, product: str, unit: str) -> str:
    return f"{school}|{product}|{unit}"
