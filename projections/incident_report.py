"""The incident report an investigator files (PDF): the question asked, where in the log the answer stands and the
signed checkpoint that vouches for it (DESIGN: 7), the batches, their certificates with SHA-256, the people who
handled them, the samples kept, and an annex of every event (the xlsx export's rows); the xlsx stays for sorting.
"""

from __future__ import annotations

from typing import Any

from domain.glossary import CERTIFICATES, MEALS, ROLES, UNITS, zh
from labels.paper import Document, Grid, Section, position_note, render_document
from projections.exports import (
    TRACE_COLUMNS,
    batch_dishes,
    trace_cell,
    trace_event_rows,
    trace_headings,
    trace_title,
)

HANDLED = {"intake_signer": "入库签收", "gave": "发出", "took": "领取"}


def incident_pdf(trace: dict[str, Any], position: int, checkpoint: dict[str, Any] | None) -> bytes:
    return render_document(incident_document(trace, position, checkpoint))


def incident_document(trace: dict[str, Any], position: int, checkpoint: dict[str, Any] | None) -> Document:
    batches = trace["batches"] + [b for s in trace.get("other_schools", []) for b in s["batches"]]
    sections = [
        Section(heading="一、调查的问题", lines=_question(trace)),
        Section(heading="二、数据依据（日志位置与签名检查点）", lines=_evidence(position, checkpoint)),
        Section(heading="三、批次", grid=_batches(batches, batch_dishes(trace)), lines=_voided(trace)),
        Section(heading="四、证明文件（含 SHA-256）", grid=_certificates(batches)),
        Section(heading="五、经手人", grid=_people(trace.get("people", [])), lines=_no_people(trace)),
        Section(heading="六、留样", grid=_samples(trace.get("samples", []))),
        Section(heading="附件：全部事件", grid=_annex(trace)),
    ]
    return Document(
        title=trace_title(trace),
        subtitle=f"追溯报告；数据截至日志位置 {position}",
        sections=sections,
        note=position_note(position),
        signers=("调查员", "负责人", "审核人"),
    )


def _question(trace: dict[str, Any]) -> list[str]:
    query = trace.get("query") or {}
    if isinstance(trace.get("school"), dict):
        school = trace["school"]
        meal = zh(MEALS, str(query.get("meal", "")))
        return [f"反向追溯：{school['code']} {school.get('name') or ''} {query.get('meal_date')} {meal}用了哪些食材，"
                "来自哪些供应商和批次，谁经手，留了哪些样，同批号还去了哪些学校。"]  # fmt: skip
    return [f"正向追溯：{trace_title(trace).split('：', 1)[-1]} 的食材去了哪些学校、哪些餐次，留了哪些样。"]


def _evidence(position: int, checkpoint: dict[str, Any] | None) -> list[str]:
    lines = [f"本报告反映事件日志第 1 至第 {position} 条事件（日志位置 {position}）。"]
    if checkpoint is None:
        return [*lines, "尚无已签名的检查点：请管理员签发（foodtrace checkpoint）后重新导出。"]
    lines += [
        f"签名检查点：日志位置 {checkpoint['position']}，签名时间 {checkpoint['signed_at']}",
        f"摘要（sha256 链）：{checkpoint['digest']}",
        f"Ed25519 公钥：{checkpoint['public_key']}",
        f"签名：{checkpoint['signature']}",
    ]
    if checkpoint["position"] >= position:
        lines.append("该检查点覆盖本报告的全部事件；核验：foodtrace verify --checkpoints 检查点文件。")
    else:
        lines.append(f"第 {checkpoint['position'] + 1} 至第 {position} 条事件尚无签名检查点覆盖。")
    return lines


def _batches(batches: list[dict[str, Any]], dishes: dict[str, str]) -> Grid:
    """The batches with, in a backward trace, the dishes of the meal each went into (菜品)."""
    rows = [
        [b["code"], b["school"], b["product"], b["lot"], b["supplier"], f"{b['quantity']} {zh(UNITS, b['unit'])}",
         b["received_at"][:16].replace("T", " "), b["use_by_date"], b.get("net_for_meal", b.get("net", "")),
         dishes.get(b["code"], ""), "已封存：" + b["hold_reason"] if b["on_hold"] else ""]
        for b in batches
    ]  # fmt: skip
    columns = ["批次码", "学校", "品名", "批号", "供应商", "入库数量", "入库时间", "保质期至", "本餐净用", "菜品"]
    columns.append("状态")
    return Grid(columns=columns, rows=rows)


def _voided(trace: dict[str, Any]) -> list[str]:
    return [f"{b['code']} {b['product']}：曾记为本餐出库，已更正作废" for b in trace.get("voided_batches", [])]


def _certificates(batches: list[dict[str, Any]]) -> Grid:
    rows = [
        [b["code"], zh(CERTIFICATES, c["kind"]), c["number"], c["issuer"], c["issue_date"], c["sha256"],
         "已作废" if c["voided"] else "有效"]
        for b in batches
        for c in b["certificates"]
    ]  # fmt: skip
    columns = ("批次码", "类别", "编号", "签发机构", "签发日期", "SHA-256", "状态")
    return Grid(columns=columns, rows=rows, whole=frozenset({5}))


def _people(people: list[dict[str, Any]]) -> Grid:
    rows = []
    for person in people:
        handled = person["handled"]
        did = "、".join(sorted({f"{HANDLED.get(h['what'], h['what'])} {h['batch']}" for h in handled}))
        certificates = handled[0]["health_certificate"], handled[0]["training_certificate"]
        numbers = "；".join(f"{c['number']}（至 {c['valid_until']}）" for c in certificates if c)
        fit = "是" if all(h["fit_for_food_work"] for h in handled) else "否"
        roles = "、".join(zh(ROLES, role) for role in person.get("roles", []))
        rows.append([person["person_id"], person["name"], roles, did, numbers, fit])
    columns = ("人员编号", "姓名", "身份", "经手", "健康证、培训证", "当日可从事食品工作")
    return Grid(columns=columns, rows=rows)


def _no_people(trace: dict[str, Any]) -> list[str]:
    return [] if "people" in trace else ["正向追溯不列经手人：见附件中每条事件的经手人。"]


def _samples(samples: list[dict[str, Any]]) -> Grid:
    rows = [
        [s["school"], f"{s['meal_date']} {zh(MEALS, s['meal'])}", s["dish"], f"{s['grams']} g",
         s["sealed_at"][:16].replace("T", " "), s["keep_until"][:16].replace("T", " "), s["fridge"], s["sealed_by"],
         "、".join(s["batch_codes"])]
        for s in samples
    ]  # fmt: skip
    columns = ("学校", "餐次", "菜品", "留样量", "封存时间", "保留至", "留样柜", "留样人", "所含批次")
    return Grid(columns=columns, rows=rows)


def _annex(trace: dict[str, Any]) -> Grid:
    events = trace_event_rows(trace)
    keys = [key for key, _ in TRACE_COLUMNS if key != "school_name"]  # the school's code says it, and saves width
    columns = [heading for (key, _), heading in zip(TRACE_COLUMNS, trace_headings(events), strict=True) if key in keys]
    rows = [[trace_cell(key, row.get(key)) for key in keys] for row in events]
    whole = frozenset(i for i, key in enumerate(keys) if key in ("at", "event", "code", "lot"))
    return Grid(columns=columns, rows=rows, whole=whole)
