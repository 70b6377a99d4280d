"""The trace index's tables (追溯索引): one row per fact an investigator asks about.

A lot is (supplier, product, lot): ``view_trace_batches.product_key`` is the GTIN where there is one, else the
normalised product name (domain.gs1.product_key); ``product_folded`` is the normalised name that search matches.
An issue's ``dishes`` and a dish record's ``batch_codes`` are JSON lists of text.
"""

from __future__ import annotations

from projections.store import Schema

COLUMNS = {
    "view_trace_schools": "code, name, district",
    "view_trace_suppliers": "code, supplier_id, name, licence_number, licence_valid_from, licence_valid_until",
    "view_trace_licences": "supplier, version, number, valid_from, valid_until, recorded_at",
    "view_trace_staff": "person_id, staff_id, name, school, roles",
    "view_trace_staff_events": "person_id, version, kind, number, valid_from, valid_until, day, passed, reason, at",
    "view_trace_batches": "batch_id, code, school, supplier, product, category, pork, quantity, unit, "
    "supplier_lot, lot, gtin, production_date, use_by_date, invoice_number, unit_price, place, signers, sensory_check, "
    "received_by, received_at, received_on, on_hold, hold_reason, notification_id, product_key, product_folded, "
    "recorded_at, late",
    "view_trace_certificates": "batch_id, version, kind, number, issuer, issue_date, expiry_date, sha256, "
    "attached_by, attached_at, voided, recorded_at, late",
    "view_trace_inspections": "batch_id, version, school, stage, passed, notes, inspector, by_role, inspected_at, "
    "on_date, voided, recorded_at, late",
    "view_trace_issues": "batch_id, version, school, meal_date, meal, quantity, given_by, taken_by, issued_at, "
    "offer, dishes, voided, recorded_at, late",
    "view_trace_returns": "batch_id, version, school, quantity, returned_by, received_by, reason, returned_at, issue, "
    "voided, recorded_at, late",
    "view_trace_write_offs": "batch_id, version, school, quantity, reason, witness, written_off_by, written_off_at, "
    "voided, recorded_at, late",
    "view_trace_holds": "batch_id, version, action, reason, person, role, acted_at, recorded_at, late",
    "view_trace_samples": "sample_id, school, meal_date, meal, dish, grams, sealed_at, keep_until, fridge, "
    "sealed_by, disposed_at, disposal_reason, sent_to, sent_at",
    "view_trace_sample_batches": "sample_id, code",
    # 周食谱 (projections/menus.py): each publication or amendment, the slots it set, and their dishes
    "view_trace_menus": "school, week, version, kind, reason, copied_from, by_person, acted_at, recorded_at",
    "view_trace_menu_slots": "school, day, meal, version",
    "view_trace_menu_dishes": "school, day, meal, version, position, name, age_group, price, ingredients",
    "view_trace_recalls": "recall_id, notice_number, supplier, product, lot, produced_from, produced_to, reason, "
    "opened_by, opened_at, closed_by, closed_at, note",
    "view_trace_recall_batches": "recall_id, batch_id, school, held_at",
    "view_trace_dish_records": "school, meal_date, meal, version, dish, batch_codes, portions, recorded_by, "
    "recorded_at",
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
        "invoice_number TEXT NOT NULL, unit_price {decimal}, place TEXT NOT NULL, signers TEXT NOT NULL, "
        "sensory_check TEXT NOT NULL, "
        "received_by TEXT NOT NULL, received_at {time} NOT NULL, received_on {date} NOT NULL, "
        "on_hold {bool} NOT NULL, hold_reason TEXT NOT NULL, notification_id BIGINT NOT NULL, "
        "product_key TEXT NOT NULL, product_folded TEXT NOT NULL, recorded_at {time} NOT NULL, late {bool} NOT NULL)",
        "CREATE UNIQUE INDEX IF NOT EXISTS view_trace_batches_code ON view_trace_batches (code)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_lot ON view_trace_batches (lot, gtin)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_supplier_lot ON view_trace_batches (supplier_lot)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_supplier ON view_trace_batches (supplier, received_on)",
        # search: a lot's or a code's start (projections/search.py)
        "CREATE INDEX IF NOT EXISTS view_trace_batches_lot_start ON view_trace_batches (lot {starts})",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_printed_start ON view_trace_batches (supplier_lot {starts})",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_code_start ON view_trace_batches (code {starts})",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_identity ON view_trace_batches (lot, supplier, product_key)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_product ON view_trace_batches (product_folded, received_on)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_school ON view_trace_batches (school, received_on)",
        "CREATE INDEX IF NOT EXISTS view_trace_batches_received ON view_trace_batches (received_on)",
        "CREATE TABLE IF NOT EXISTS view_trace_certificates (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "kind TEXT NOT NULL, number TEXT NOT NULL, issuer TEXT NOT NULL, issue_date {date} NOT NULL, "
        "expiry_date {date}, sha256 TEXT NOT NULL, attached_by TEXT NOT NULL, attached_at {time} NOT NULL, "
        "voided {bool} NOT NULL, recorded_at {time} NOT NULL, late {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_inspections (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, stage TEXT NOT NULL, passed {bool} NOT NULL, notes TEXT NOT NULL, "
        "inspector TEXT NOT NULL, by_role TEXT NOT NULL, inspected_at {time} NOT NULL, on_date {date} NOT NULL, "
        "voided {bool} NOT NULL, recorded_at {time} NOT NULL, late {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_trace_inspections_school ON view_trace_inspections (school, on_date)",
        "CREATE TABLE IF NOT EXISTS view_trace_issues (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, meal_date {date} NOT NULL, meal TEXT NOT NULL, quantity {decimal} NOT NULL, "
        "given_by TEXT NOT NULL, taken_by TEXT NOT NULL, issued_at {time} NOT NULL, offer INTEGER, "
        "dishes TEXT NOT NULL, voided {bool} NOT NULL, recorded_at {time} NOT NULL, late {bool} NOT NULL, "
        "PRIMARY KEY (batch_id, version))",
        "CREATE INDEX IF NOT EXISTS view_trace_issues_meal ON view_trace_issues (school, meal_date, meal)",
        "CREATE TABLE IF NOT EXISTS view_trace_returns (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, quantity {decimal} NOT NULL, returned_by TEXT NOT NULL, received_by TEXT NOT NULL, "
        "reason TEXT NOT NULL, returned_at {time} NOT NULL, issue INTEGER, voided {bool} NOT NULL, "
        "recorded_at {time} NOT NULL, late {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_write_offs (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "school TEXT NOT NULL, quantity {decimal} NOT NULL, reason TEXT NOT NULL, witness TEXT NOT NULL, "
        "written_off_by TEXT NOT NULL, written_off_at {time} NOT NULL, voided {bool} NOT NULL, "
        "recorded_at {time} NOT NULL, late {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_holds (batch_id {uuid} NOT NULL, version INTEGER NOT NULL, "
        "action TEXT NOT NULL, reason TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL, "
        "acted_at {time} NOT NULL, recorded_at {time} NOT NULL, late {bool} NOT NULL, PRIMARY KEY (batch_id, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_samples (sample_id {uuid} PRIMARY KEY, school TEXT NOT NULL, "
        "meal_date {date} NOT NULL, meal TEXT NOT NULL, dish TEXT NOT NULL, grams INTEGER NOT NULL, "
        "sealed_at {time} NOT NULL, keep_until {time} NOT NULL, fridge TEXT NOT NULL, sealed_by TEXT NOT NULL, "
        "disposed_at {time}, disposal_reason TEXT, sent_to TEXT, sent_at {time})",
        "CREATE INDEX IF NOT EXISTS view_trace_samples_meal ON view_trace_samples (school, meal_date, meal)",
        "CREATE TABLE IF NOT EXISTS view_trace_sample_batches (sample_id {uuid} NOT NULL, code TEXT NOT NULL, "
        "PRIMARY KEY (sample_id, code))",
        "CREATE INDEX IF NOT EXISTS view_trace_sample_batches_code ON view_trace_sample_batches (code)",
        "CREATE TABLE IF NOT EXISTS view_trace_menus (school TEXT NOT NULL, week {date} NOT NULL, "
        "version INTEGER NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, copied_from {date}, "
        "by_person TEXT NOT NULL, acted_at {time} NOT NULL, recorded_at {time} NOT NULL, "
        "PRIMARY KEY (school, week, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_menu_slots (school TEXT NOT NULL, day {date} NOT NULL, "
        "meal TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (school, day, meal, version))",
        "CREATE TABLE IF NOT EXISTS view_trace_menu_dishes (school TEXT NOT NULL, day {date} NOT NULL, "
        "meal TEXT NOT NULL, version INTEGER NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, "
        "age_group TEXT NOT NULL, price {decimal} NOT NULL, ingredients TEXT NOT NULL, "
        "PRIMARY KEY (school, day, meal, version, position))",
        "CREATE TABLE IF NOT EXISTS view_trace_recalls (recall_id {uuid} PRIMARY KEY, notice_number TEXT NOT NULL, "
        "supplier TEXT NOT NULL, product TEXT NOT NULL, lot TEXT, produced_from {date}, produced_to {date}, "
        "reason TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at {time} NOT NULL, closed_by TEXT, "
        "closed_at {time}, note TEXT)",
        "CREATE TABLE IF NOT EXISTS view_trace_recall_batches (recall_id {uuid} NOT NULL, batch_id {uuid} NOT NULL, "
        "school TEXT NOT NULL, held_at {time} NOT NULL, PRIMARY KEY (recall_id, batch_id))",
        "CREATE INDEX IF NOT EXISTS view_trace_recall_batches_school ON view_trace_recall_batches (school)",
        # the kitchen's record of each dish served (供餐记录); a dish's latest record (highest version) stands
        "CREATE TABLE IF NOT EXISTS view_trace_dish_records (school TEXT NOT NULL, meal_date {date} NOT NULL, "
        "meal TEXT NOT NULL, version INTEGER NOT NULL, dish TEXT NOT NULL, batch_codes TEXT NOT NULL, "
        "portions INTEGER NOT NULL, recorded_by TEXT NOT NULL, recorded_at {time} NOT NULL, "
        "PRIMARY KEY (school, meal_date, meal, version))",
    ),
)
