"""Exports investigators and schools file: an incident's trace (xlsx or CSV) and a month's 进出库台账 (xlsx).

Spreadsheets hold real numbers and times, so they sort. A cell cannot hold an offset, so times are written as the
county's wall clock (the answers give them so, domain.clock) and the time column's heading names the offset, e.g.
日期时间（+08:00）; CSV writes the same text. A trace has one row per event. CSV starts with a UTF-8 BOM, without
which Excel opens Chinese text as mojibake. Every cell is written through projections.cells, so text from a record
stays text (never a formula) and stored controls never fail a file.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from domain.business_time import late_note_zh
from domain.clock import offset_label
from domain.glossary import (
    CERTIFICATES,
    COLOURS,
    MEALS,
    ROLES,
    SAMPLE_WORDS,
    STAGES,
    TRACE_EVENTS,
    UNITS,
    names_zh,
    zh,
)
from projections.cells import append_row, csv_line
from projections.print_setup import print_ready
from projections.rows import Row

TRACE_COLUMNS = (
    ("at", "日期时间"), ("event", "事件"), ("school", "学校编号"), ("school_name", "学校"), ("code", "批次码"),
    ("lot", "批号"), ("product", "品名"), ("quantity", "数量"), ("unit", "单位"), ("supplier", "供应商"),
    ("place", "存放位置"), ("who", "经手人"), ("certificates", "证明编号"), ("details", "备注"), ("dish", "菜品"),
    ("recorded", "补录录入时间"),
)  # fmt: skip
EVENT_ZH = names_zh(TRACE_EVENTS)
KEEP_UNTIL = zh(SAMPLE_WORDS, "keep_until")
LEDGER_COLUMNS = (
    ("date", "日期"), ("time", "时间"), ("product", "品名"), ("code", "批次码"), ("lot", "批号"),
    ("supplier", "供应商"), ("colour", "色标"), ("summary", "摘要"), ("quantity_in", "入库数量"),
    ("quantity_out", "出库数量"), ("batch_balance", "本批结存"), ("product_balance", "品名结存"), ("unit", "单位"),
    ("handler", "经手人"), ("receiver", "领用人/见证人"), ("recorded", "补录录入时间"), ("remark", "备注"),
)  # fmt: skip
COLOUR_ZH = names_zh(COLOURS)


def trace_event_rows(trace: dict[str, Any]) -> list[Row]:
    """One row per event of every batch in a forward or backward trace (other schools' batches included)."""
    batches = [*trace["batches"], *trace.get("voided_batches", []), *trace.get("same_lots_at_school", [])]
    batches += [b for s in trace.get("other_schools", []) for b in s["batches"]]
    names = {s["code"]: s.get("name") for s in trace.get("schools", []) + trace.get("other_schools", [])}
    if isinstance(trace.get("school"), dict):
        names[trace["school"]["code"]] = trace["school"].get("name")
    rows: list[Row] = []
    samples = {s["sample_id"]: s for s in trace.get("samples", [])}
    dishes = batch_dishes(trace)
    for b in batches:
        samples.update((s["sample_id"], s) for s in b["samples"])
        rows += [{"dish": dishes.get(b["code"], ""), **row} for row in _batch_rows(b, names)]
    for s in samples.values():
        where = {"school": s["school"], "school_name": names.get(s["school"]), "code": "、".join(s["batch_codes"])}
        rows.append({
            **where, "at": s["sealed_at"], "event": "sample", "lot": "", "product": s["dish"], "dish": s["dish"],
            "quantity": str(s["grams"]), "unit": "g", "supplier": "", "place": s["fridge"], "who": s["sealed_by"],
            "certificates": "", "details": f"{s['meal_date']} {zh(MEALS, s['meal'])}；{KEEP_UNTIL} {s['keep_until']}",
        })  # fmt: skip
    rows.sort(key=lambda r: (r["at"], r["code"], r["event"]))
    return rows


def batch_dishes(trace: dict[str, Any]) -> dict[str, str]:
    """A backward trace's batches: the dishes of the meal each went into (未指明: none known), by batch code."""
    if "dishes" not in trace:
        return {}
    found: dict[str, list[str]] = {b["code"]: [] for b in trace["batches"]}
    for dish in trace["dishes"]:
        for code in dish["batch_codes"]:
            found.setdefault(code, []).append(dish["dish"])
    return {code: "、".join(names) or "未指明" for code, names in found.items()}


def _batch_rows(b: Row, names: dict[str, Any]) -> list[Row]:
    base = {
        "school": b["school"], "school_name": names.get(b["school"]), "code": b["code"], "lot": b["lot"],
        "product": b["product"], "unit": b["unit"], "supplier": b["supplier"], "place": b["place"], "quantity": None,
    }  # fmt: skip
    live = "、".join(c["number"] for c in b["certificates"] if not c["voided"])
    rows = [{
        **base, **_recorded(b), "at": b["received_at"], "event": "received", "quantity": b["quantity"],
        "who": "、".join(b["signers"]), "certificates": live,
        "details": f"供应商批号 {b['supplier_lot']}；保质期至 {b['use_by_date']}",
    }]  # fmt: skip
    for c in b["certificates"]:
        details = f"{zh(CERTIFICATES, c['kind'])}；{c['issuer']}；sha256 {c['sha256']}" + _voided(c)
        rows.append({**base, **_recorded(c), "at": c["attached_at"], "event": "certificate", "who": c["attached_by"],
                     "certificates": c["number"], "details": details})  # fmt: skip
    for i in b["inspections"]:
        details = f"{zh(STAGES, i['stage'])}：{'合格' if i['passed'] else '不合格'} {i['notes']}" + _voided(i)
        who = f"{i['inspector']}（{zh(ROLES, i['by_role'])}）"
        rows.append({**base, **_recorded(i), "at": i["inspected_at"], "event": "inspection",
                     "who": who, "certificates": "", "details": details})  # fmt: skip
    for i in b["issues"]:
        returned = f"；已退库 {i['returned']}，净用 {i['net']}" if i.get("returned", "0") != "0" else ""
        named = {"dish": "、".join(i["dishes"])} if i.get("dishes") else {}
        rows.append({**base, **_recorded(i), **named, "school": i["school"], "at": i["issued_at"], "event": "issue",
                     "quantity": i["quantity"], "who": f"{i['given_by']} → {i['taken_by']}", "certificates": "",
                     "details": f"{i['meal_date']} {zh(MEALS, i['meal'])}" + returned + _voided(i)})  # fmt: skip
    for x in b.get("returns", []):
        meal = f"退自 {x['meal_date']} {zh(MEALS, x['meal'])}（第{x['issue']}条出库）" if x["issue"] else "未注明出库"
        rows.append({**base, **_recorded(x), "at": x["returned_at"], "event": "return", "quantity": x["quantity"],
                     "who": f"{x['returned_by']} → {x['received_by']}", "certificates": "",
                     "details": f"{meal}；{x['reason']}" + _voided(x)})  # fmt: skip
    for w in b.get("write_offs", []):
        rows.append({**base, **_recorded(w), "at": w["written_off_at"], "event": "write_off", "quantity": w["quantity"],
                     "who": f"{w['written_off_by']}（见证 {w['witness']}）", "certificates": "",
                     "details": w["reason"] + _voided(w)})  # fmt: skip
    for h in b.get("holds", []):
        who = f"{h['person']}（{zh(ROLES, h['role'])}）"
        rows.append({**base, **_recorded(h), "at": h["acted_at"], "event": h["action"], "who": who,
                     "certificates": "", "details": h["reason"]})  # fmt: skip
    return rows


def _recorded(fact: Row) -> Row:
    """补录: when a fact written up well after it happened was recorded (blank when recorded as it happened)."""
    return {"recorded": fact.get("recorded_at") if fact.get("late") else None}


def _voided(row: Row) -> str:
    return "；已更正作废" if row["voided"] else ""


def trace_csv(trace: dict[str, Any]) -> bytes:
    rows = trace_event_rows(trace)
    lines = [csv_line(trace_headings(rows))]
    lines += [csv_line([trace_cell(key, row.get(key)) for key, _ in TRACE_COLUMNS]) for row in rows]
    return "".join(lines).encode("utf-8-sig")


def trace_xlsx(trace: dict[str, Any], title: str = "追溯记录") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    rows = trace_event_rows(trace)
    append_row(sheet, trace_headings(rows))
    for row in rows:
        append_row(sheet, [trace_cell(key, row.get(key)) for key, _ in TRACE_COLUMNS])
    print_ready(sheet, title=trace_title(trace), header_row=1, columns=len(TRACE_COLUMNS))
    return _bytes(book)


def ledger_xlsx(ledger: dict[str, Any]) -> bytes:
    """The month's 进出库台账 laid out as the paper book: a title, the brought-forward balances, one row a movement."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    year, month = ledger["month"].split("-")
    sheet.title = f"{year}年{int(month)}月"
    title = ledger_title(ledger)
    append_row(sheet, [title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_COLUMNS))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    append_row(sheet, [f"学校编号：{ledger['school']}"])
    clock = _clock([r["moved_at"] for r in ledger["rows"]])
    append_row(sheet, [f"{header}{clock}" if key in ("time", "recorded") else header for key, header in LEDGER_COLUMNS])
    if ledger["opening"]:
        _section(sheet, "上月结存（各品名）")
    for opening in ledger["opening"]:
        brought = {"product_balance": Decimal(opening["product_balance"]), "unit": zh(UNITS, opening["unit"])}
        append_row(sheet, _ledger_cells(product=opening["product"], summary="上月结存", **brought))
    if ledger["opening"] and ledger["rows"]:
        _section(sheet, "本月出入库")
    for r in ledger["rows"]:
        append_row(sheet, _ledger_cells(**ledger_movement(r)))
    print_ready(sheet, title=f"{title}  学校编号：{ledger['school']}", header_row=3, columns=len(LEDGER_COLUMNS))
    return _bytes(book)


def ledger_title(ledger: dict[str, Any]) -> str:
    year, month = ledger["month"].split("-")
    return f"{ledger['school_name']}食材进出库台账（{year}年{int(month)}月）"


def ledger_movement(r: Row) -> dict[str, Any]:
    """One movement of the 台账 as the paper book's cells, named by LEDGER_COLUMNS (the xlsx and the PDF)."""
    moment = _local(r["moved_at"])
    summary = r["kind_zh"] + (f"（{r['from_place']}→{r['to_place']}）" if r["kind"] == "move" else "")
    if r["meal_date"]:
        summary += f"（{r['meal_date']} {zh(MEALS, r['meal'])}）"
    handler, receiver = _paper_people(r)
    return dict(
        date=moment.date(),
        time=moment.time(),
        product=r["product"],
        code=r["code"],
        lot=r["lot"],
        supplier=r["supplier_name"],
        colour=COLOUR_ZH.get(r["colour"], r["colour"]),
        summary=summary,
        quantity_in=_number(r["quantity_in"]),
        quantity_out=_number(r["quantity_out"]),
        batch_balance=Decimal(r["batch_balance"]),
        product_balance=Decimal(r["product_balance"]),
        unit=zh(UNITS, r["unit"]),
        handler=handler,
        receiver=receiver,
        recorded=_local(r["recorded_at"]).replace(tzinfo=None) if r["late"] else None,  # 补录: when written up
        remark=_remark(r),
    )


def _section(sheet: Worksheet, heading: str) -> None:
    """A heading row over a block of the book (the brought-forward balances, the month's movements)."""
    append_row(sheet, [heading])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(LEDGER_COLUMNS))
    sheet.cell(row=row, column=1).font = Font(bold=True)


def trace_title(trace: dict[str, Any]) -> str:
    """The incident a trace answers, in the investigator's words: the meal traced back, or what was traced forward."""
    query = trace.get("query") or {}
    if isinstance(trace.get("school"), dict):
        school = trace["school"]
        name = f"{school['code']} {school.get('name') or ''}".strip()
        return f"追溯记录（反向）：{name} {query.get('meal_date', '')} {zh(MEALS, str(query.get('meal', '')))}"
    asked = {"lot": "批号", "gtin": "GTIN", "supplier": "供应商", "product": "品名"}
    named = "，".join(f"{word} {query[key]}" for key, word in asked.items() if query.get(key))
    return f"追溯记录（正向）：{named}"


def _ledger_cells(**cells: Any) -> list[Any]:
    """A row of the paper book with its cells named (LEDGER_COLUMNS); a cell not given is left blank."""
    unknown = set(cells) - {key for key, _ in LEDGER_COLUMNS}
    if unknown:
        raise KeyError(f"the 台账 has no column {sorted(unknown)}")
    return [cells.get(key) for key, _ in LEDGER_COLUMNS]


def _remark(row: Row) -> str:
    voids = f"（冲销第{row['corrects_version']}条）" if row["corrects_version"] else ""
    expired = "已过期" if row.get("expired") else ""  # still in store past its use-by date
    late = late_note_zh(row.get("late_approval")) if row.get("late") else ""
    return " ".join(part for part in (late, expired, str(row["note"]) + voids) if part)


def _paper_people(row: Row) -> tuple[str, str]:
    """经手人 is the store's side of a hand-off; 领用人 the kitchen's (or the witness of a write-off)."""
    if row["kind"] == "in":
        return row["taken_by_name"], ""
    if row["kind"] == "return":
        return row["taken_by_name"], row["given_by_name"]
    return row["given_by_name"], row["taken_by_name"]


def trace_cell(key: str, value: Any) -> Any:
    """A trace row's value as a cell: local time, a number, the event and unit in Chinese."""
    if value is None or value == "":
        return None
    if key in ("at", "recorded"):
        return _local(value).replace(tzinfo=None)  # Excel has no time zones: local time, as staff read it
    if key == "quantity":
        return Decimal(value)
    if key == "event":
        return EVENT_ZH.get(value, value)
    if key == "unit":
        return zh(UNITS, value)
    return value


def _local(value: str) -> datetime:
    """A time of an answer, already on the county's clock with its offset."""
    return datetime.fromisoformat(value)


def trace_headings(rows: list[Row]) -> list[str]:
    clock = _clock([row["at"] for row in rows if row.get("at")])
    return [f"{heading}{clock}" if key in ("at", "recorded") else heading for key, heading in TRACE_COLUMNS]


def _clock(times: list[str]) -> str:
    """The offset the file's times are written in, for their heading: （+08:00）; none when there are no times."""
    offsets = sorted({offset_label(_local(value)) for value in times})
    return f"（{'/'.join(offsets)}）" if offsets else ""


def _number(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
