"""检查记录台帐: the principal's and food-safety officer's checks of a school's canteen (§15) in one month, as
recorded data and as a PDF to file, with the same page furniture as the 台账.

A check is one inspector's walk on one day (compliance counts it so), listing the batches looked at; the record
closes with each week's and the month's count against the rules profile's minimum.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.glossary import CHECKS, ROLES, STAGES, STANDINGS, month_bounds, zh
from labels.paper import Document, Grid, Section, render_document
from projections.compliance import SUPERVISING, supervision
from projections.rows import Row, plain_rows
from projections.service import Projections

CHECK_COLUMNS = ("日期", "时间", "检查人", "身份", "环节", "检查的批次", "结果", "说明")
COUNT_COLUMNS = ("检查类别", "周期", "起止", "次数", "最低要求", "结果")


def school_checks(views: Projections, school: str, month: str, today: date | None = None) -> dict[str, Any]:
    """The month's §15 checks at ``school`` (one entry per inspector and day) and the counts against the minima."""
    start, end = month_bounds(date.fromisoformat(f"{month}-01"))
    with views.reading("trace") as r:
        rows = r.select(
            "SELECT i.on_date, i.inspected_at, i.inspector, s.name, i.by_role, i.stage, i.passed, i.notes, b.code, "
            "b.product FROM view_trace_inspections i JOIN view_trace_batches b ON b.batch_id = i.batch_id "
            "LEFT JOIN view_trace_staff s ON s.person_id = i.inspector WHERE i.school = ? AND i.on_date >= ? "
            f"AND i.on_date <= ? AND i.voided = ? AND {SUPERVISING} ORDER BY i.inspected_at",
            [school, start, end, False],
        )
        names = r.select("SELECT name FROM view_trace_schools WHERE code = ?", [school])
        counts = supervision(r, start, end, school, today or r.profile.local_date(r.ledger.clock()))
        checks = _walks(plain_rows(rows, r.zone))
    return {
        "school": school,
        "school_name": names[0]["name"] if names else school,
        "month": month,
        "checks": checks,
        "supervision": counts,
    }


def _walks(rows: list[Row]) -> list[Row]:
    """One check per inspector and day: the batches looked at on that walk, failed ones named."""
    walks: dict[tuple[str, str], Row] = {}
    for row in rows:
        walk = walks.setdefault((row["on_date"], row["inspector"]), {
            "on_date": row["on_date"], "first_at": row["inspected_at"], "inspector": row["inspector"],
            "inspector_name": row["name"] or row["inspector"], "by_role": row["by_role"], "stages": [],
            "batches": [], "failed": [], "notes": [],
        })  # fmt: skip
        walk["batches"].append({"code": row["code"], "product": row["product"], "passed": bool(row["passed"])})
        if row["stage"] not in walk["stages"]:
            walk["stages"].append(row["stage"])
        if not row["passed"]:
            walk["failed"].append(row["code"])
        if row["notes"] and row["notes"] not in walk["notes"]:
            walk["notes"].append(row["notes"])
    return list(walks.values())


def check_record_pdf(record: dict[str, Any], note: str = "") -> bytes:
    return render_document(check_record_document(record, note))


def check_record_document(record: dict[str, Any], note: str = "") -> Document:
    year, month = record["month"].split("-")
    lines = [
        [
            walk["on_date"], walk["first_at"][11:16], walk["inspector_name"], zh(ROLES, walk["by_role"]),
            "、".join(zh(STAGES, stage) for stage in walk["stages"]),
            "、".join(f"{b['code']}（{b['product']}）" for b in walk["batches"]),
            "合格" if not walk["failed"] else f"不合格：{'、'.join(walk['failed'])}", "；".join(walk["notes"]),
        ]
        for walk in record["checks"]
    ]  # fmt: skip
    checks = Grid(columns=CHECK_COLUMNS, rows=lines)
    counts = [
        [zh(CHECKS, c["check"]), c["period_zh"], f"{c['period_start']} 至 {c['period_end']}", str(c["count"]),
         str(c["minimum"]), zh(STANDINGS, c["status"])]
        for c in record["supervision"]
    ]  # fmt: skip
    tally = Grid(columns=COUNT_COLUMNS, rows=counts, numeric=frozenset({3, 4}))
    return Document(
        title=f"{record['school_name']}食堂检查记录台帐（{year}年{int(month)}月）",
        subtitle=f"学校编号：{record['school']}；本月检查 {len(record['checks'])} 次（每人每日计一次）",
        sections=[
            Section(heading="检查记录", grid=checks, lines=() if lines else ("本月没有检查记录",)),
            Section(heading="检查次数与要求（§15）", grid=tally),
        ],
        note=note,
        signers=("检查人", "校长/食品安全员", "审核人"),
    )
