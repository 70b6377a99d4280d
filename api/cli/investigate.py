"""The investigators' commands of ``foodtrace``: the projector, traces, a batch as of a moment, exports.

    foodtrace projections status | rebuild NAME | verify NAME | run
    foodtrace trace forward [--lot L] [--supplier S] [--product P] [--gtin G] [--from D] [--to D] [--json]
    foodtrace trace backward --school S --date D --meal lunch [--json]
    foodtrace batch CODE --as-of ISO_TIME [--json]
    foodtrace export trace forward|backward ... [--format xlsx|csv|pdf] -o FILE (pdf: the incident report)
    foodtrace export ledger --school S --month YYYY-MM [--format pdf] -o FILE.xlsx|FILE.pdf
    foodtrace export checks --school S --month YYYY-MM -o FILE.pdf

Queries first bring the views up to date (a catch-up reads only what is new), so answers are never stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from api.settings import Settings
from domain.glossary import MEALS, TRACE_EVENTS, UNITS, zh
from domain.printable import printable
from projections.failures import ViewFailed
from projections.known import require_known
from projections.service import Projections, UnknownView

COMMANDS = ("projections", "trace", "batch", "export")


def register(subcommands: Any) -> None:
    """Add the investigators' subcommands to the ``foodtrace`` parser's subparsers."""
    projections = subcommands.add_parser("projections", help="the read models: status, rebuild, run the projector")
    actions = projections.add_subparsers(dest="action", required=True)
    actions.add_parser("status", help="each view's position and lag behind the event log")
    rebuild = actions.add_parser("rebuild", help="build one view again from the first event, aside, and swap it in")
    rebuild.add_argument("name", help="warehouse or trace")
    verify = actions.add_parser(
        "verify", help="build one view aside and compare it with the live one (exit 1 if not equal)"
    )
    verify.add_argument("name", help="warehouse or trace")
    actions.add_parser("run", help="follow the event log and keep the views up to date (until Ctrl-C)")

    trace = subcommands.add_parser("trace", help="trace a lot forward or a meal backward")
    _trace_arguments(trace.add_subparsers(dest="direction", required=True))

    batch = subcommands.add_parser("batch", help="a batch as it stood at a past moment")
    batch.add_argument("code")
    batch.add_argument("--as-of", required=True, type=_moment, help="ISO time with offset, e.g. 2026-03-02T10:00+08:00")
    batch.add_argument("--json", action="store_true")

    export = subcommands.add_parser("export", help="for the file: a trace, a month's 进出库台账, its checks (§15)")
    kinds = export.add_subparsers(dest="export", required=True)
    trace_export = kinds.add_parser("trace", help="an incident's trace, one row per event")
    _trace_arguments(trace_export.add_subparsers(dest="direction", required=True), export=True)
    ledger = kinds.add_parser("ledger", help="a school's warehouse ledger for one month (xlsx, or PDF to print)")
    ledger.add_argument("--school", required=True)
    ledger.add_argument("--month", required=True, help="YYYY-MM")
    ledger.add_argument("--format", choices=["xlsx", "pdf"], help="default: by the output's suffix, else xlsx")
    ledger.add_argument("-o", "--output", required=True, type=Path)
    checks = kinds.add_parser("checks", help="a school's 检查记录台帐 (§15 checks) for one month (PDF)")
    checks.add_argument("--school", required=True)
    checks.add_argument("--month", required=True, help="YYYY-MM")
    checks.add_argument("-o", "--output", required=True, type=Path)


def _trace_arguments(directions: Any, export: bool = False) -> None:
    forward = directions.add_parser("forward", help="where a lot, a supplier's or a product's batches went")
    # A lot is (supplier, product, lot): these combine, e.g. --lot LY261126-8 --supplier SUP-LY --product 土豆.
    forward.add_argument("--lot", help="the supplier's lot as printed (or its GS1 form)")
    forward.add_argument("--supplier", help="supplier code")
    forward.add_argument("--product", help="product name, e.g. 猪肉（前腿） (brackets and spaces as you like)")
    forward.add_argument("--gtin", help="narrow to one GTIN")
    forward.add_argument("--from", dest="received_from", type=date.fromisoformat, help="received on or after")
    forward.add_argument("--to", dest="received_to", type=date.fromisoformat, help="received on or before")
    backward = directions.add_parser("backward", help="what went into one meal at one school")
    backward.add_argument("--school", required=True)
    backward.add_argument("--date", required=True, type=date.fromisoformat)
    backward.add_argument("--meal", required=True, choices=["breakfast", "lunch", "dinner"])
    for parser in (forward, backward):
        if export:
            parser.add_argument("--format", choices=["xlsx", "csv", "pdf"], help="default: by -o's suffix, else xlsx")
            parser.add_argument("-o", "--output", required=True, type=Path)
        else:
            parser.add_argument("--json", action="store_true")


def dispatch(settings: Settings, args: argparse.Namespace) -> int:
    """Run one of the COMMANDS; returns the exit status."""
    if args.command == "batch":
        ledger = settings.open_ledger()
        try:
            return _batch(ledger, args)
        finally:
            ledger.close()
    views = Projections(settings.eventsourcing_env(), settings.profile())
    try:
        if args.command == "projections":
            return _projections(views, args)
        views.catch_up()
        if args.command == "trace":
            freshness = views.freshness(["trace"])  # read before the trace: it holds at least this position
            return _print({**_trace(views, args), "freshness": freshness}, args.json, _trace_summary)
        return _export(settings, views, args)
    except (UnknownView, ValueError) as error:
        print(f"foodtrace: {error}", file=sys.stderr)
        return 2
    except ViewFailed as error:
        print(f"foodtrace: the view failed at {error}; the live view was left as it was", file=sys.stderr)
        return 1
    finally:
        views.close()


def _projections(views: Projections, args: argparse.Namespace) -> int:
    if args.action == "status":
        for row in views.status():
            print(f"{row['name']:<10} position {row['position']:>10}  head {row['head']:>10}  lag {row['lag']:>8}")
            if row["failure"] is not None:
                failure = row["failure"]
                print(f"           STOPPED at notification {failure['notification_id']} since {failure['failed_at']} "
                      f"({failure['attempts']} tries): {printable(failure['error'], one_line=True)}")  # fmt: skip
    elif args.action == "rebuild":
        print(json.dumps(views.rebuild(args.name), ensure_ascii=False))
    elif args.action == "verify":
        return _verified(views.verify(args.name))
    else:
        print("following the event log; Ctrl-C to stop", file=sys.stderr)
        views.run_forever()
    return 0


def _verified(found: dict[str, Any]) -> int:
    """Print each table's counts and, where they differ, the first rows found in only one copy."""
    print(f"{found['name']} at position {found['position']}: {'equal' if found['equal'] else 'DIFFERENT'}")
    for table, seen in found["tables"].items():
        print(f"  {table:<32} live {seen['live']:>9}  rebuilt {seen['rebuilt']:>9}")
        for which in ("only_in_live", "only_in_rebuilt"):
            for row in seen[which]:
                print(printable(f"    {which}: {json.dumps(row, ensure_ascii=False)}", one_line=True))
    return 0 if found["equal"] else 1


def _trace(views: Projections, args: argparse.Namespace) -> dict[str, Any]:
    from projections.tracing import trace_backward, trace_forward

    if args.direction == "forward":
        require_known(views, supplier=args.supplier, lot=args.lot)  # a typo is an error, not "nothing found"
        return trace_forward(
            views, lot=args.lot, gtin=args.gtin, supplier=args.supplier, product=args.product,
            received_from=args.received_from, received_to=args.received_to,
        )  # fmt: skip
    require_known(views, school=args.school)
    return trace_backward(views, args.school, args.date, args.meal, others_in_full=args.command == "export")


def _export(settings: Settings, views: Projections, args: argparse.Namespace) -> int:
    from labels.paper import position_note
    from projections.check_record import check_record_pdf, school_checks
    from projections.exports import ledger_xlsx, trace_csv, trace_xlsx  # openpyxl loads only when exporting
    from projections.ledger_book import ledger_pdf
    from projections.stock import recorded_months, warehouse_ledger

    if args.export == "checks":
        require_known(views, school=args.school)
        note = position_note(views.freshness(["trace"])["position"])
        data = check_record_pdf(school_checks(views, args.school, args.month), note=note)
    elif args.export == "ledger":
        require_known(views, school=args.school)
        book = warehouse_ledger(views, args.school, args.month)
        if not book["rows"] and not book["opening"]:
            return _nothing_to_export(
                f"{args.school} 在 {args.month} 没有出入库记录，也没有上月结存", f"{args.school} has no movements in "
                f"{args.month} and nothing carried over", recorded_months(views, args.school),
            )  # fmt: skip
        if _format(args) == "pdf":
            data = ledger_pdf(book, note=position_note(views.freshness(["warehouse"])["position"]))
        else:
            data = ledger_xlsx(book)
    else:
        trace = _trace(views, args)
        if not any(trace.get(part) for part in ("batches", "voided_batches", "samples")):
            if args.direction == "backward":
                what = f"{args.school} {args.date} {args.meal}"
                return _nothing_to_export(f"{what} 没有出库或留样记录", f"nothing was issued or sampled for {what}")
            return _nothing_to_export("没有符合条件的批次", "no batch matches")
        chosen = _format(args)
        if chosen == "pdf":
            data = _incident_report(settings, trace, views.freshness(["trace"])["position"])
        else:
            data = trace_xlsx(trace) if chosen == "xlsx" else trace_csv(trace)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)
    return 0


def _incident_report(settings: Settings, trace: dict[str, Any], position: int) -> bytes:
    from dataclasses import asdict

    from api.checkpoints import Checkpoints
    from projections.incident_report import incident_pdf

    ledger = settings.open_ledger()
    try:
        vouching = Checkpoints(ledger, settings.signing_key_path()).vouching_for(position)
    finally:
        ledger.close()
    return incident_pdf(trace, position, asdict(vouching) if vouching else None)


def _format(args: argparse.Namespace) -> str:
    """--format as given, else the output's suffix says: 台账.pdf is a PDF, incident.csv a CSV."""
    return str(args.format or {".csv": "csv", ".pdf": "pdf"}.get(args.output.suffix.lower(), "xlsx"))


def _nothing_to_export(zh: str, en: str, months: tuple[str, str] | None = None) -> int:
    """An empty answer is not a file: an empty spreadsheet filed for an inspector would read as "nothing happened"."""
    hint_zh = f"（有记录的月份：{months[0]} 至 {months[1]}）" if months else ""
    hint_en = f" (months with records: {months[0]} to {months[1]})" if months else ""
    print(f"foodtrace: {zh}，未写文件{hint_zh} / {en}: no file written{hint_en}", file=sys.stderr)
    return 1


def _batch(ledger: Any, args: argparse.Namespace) -> int:
    from projections.batch_state import batch_as_of

    state = batch_as_of(ledger, args.code, args.as_of)
    return _print(state, args.json, _batch_summary)


def _print(result: dict[str, Any], as_json: bool, summary: Any) -> int:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for line in summary(result):
            print(printable(line, one_line=True))  # a stored ESC must not drive the reader's terminal
    return 0


def _trace_summary(trace: dict[str, Any]) -> list[str]:
    """The trace as an investigator reads it at the terminal: in Chinese, names never identifiers."""
    lines = []
    for batch in trace["batches"]:
        unit = zh(UNITS, batch["unit"])
        meals = "、".join(f"{i['meal_date']} {zh(MEALS, i['meal'])}" for i in batch["issues"] if not i["voided"])
        lines.append(f"{batch['code']}  {batch['school']}  {batch['product']}  批号 {batch['lot']}  "
                     f"{batch['supplier']}  {batch['quantity']} {unit}  → {meals or '未出库'}")  # fmt: skip
        if "net_for_meal" in batch:
            lines.append(f"  本餐：出库 {batch['issued_for_meal']}，退库 {batch['returned_for_meal']}，"
                         f"净用 {batch['net_for_meal']} {unit}")  # fmt: skip
        lines += [f"  {h['acted_at']}  {zh(TRACE_EVENTS, h['action'])}  {h['person']}：{h['reason']}"
                  for h in batch["holds"]]  # fmt: skip
        lines += [f"  {w['written_off_at']}  报损销毁 {w['quantity']} {unit}  {w['written_off_by']}"
                  f"（见证 {w['witness']}）：{w['reason']}" + ("（已更正作废）" if w["voided"] else "")
                  for w in batch["write_offs"]]  # fmt: skip
    for batch in trace.get("voided_batches", []):
        lines.append(f"{batch['code']}  {batch['product']}：曾记为本餐出库，已更正作废")
    for person in trace.get("people", []):
        fit = all(h["fit_for_food_work"] for h in person["handled"])
        fitness = "可从事食品工作" if fit else "不可从事食品工作"
        lines.append(f"经手人 {person['person_id']} {person['name']}：经手当日{fitness}")
    for school in trace.get("other_schools", []):
        lines.append(f"同批号也在 {school['code']} {school.get('name', '')}："
                     + "、".join(b["code"] for b in school["batches"]))  # fmt: skip
    for batch in trace.get("same_lots_at_school", []):
        lines.append(f"本校同批号的其他批次 {batch['code']}（{batch['received_on']} 入库）")
    for sample in trace.get("samples", []):
        lines.append(f"留样 {sample['school']} {sample['meal_date']} {zh(MEALS, sample['meal'])} {sample['dish']} "
                     f"{sample['grams']} g")  # fmt: skip
    return lines or ["没有找到"]


def _batch_summary(state: dict[str, Any]) -> list[str]:
    if not state["exists"]:
        return [f"{state['code']} 在 {state['as_of']} 时尚未入库"]
    unit = zh(UNITS, state["unit"])
    return [
        f"{state['code']} 截至 {state['as_of']}（第{state['version']}条记录）",
        f"  {state['product']}  {state['school']}  {state['place']}；库存 {state['on_hand']} {unit}"
        + ("；已封存：" + state["hold_reason"] if state["on_hold"] else "")
        + (f"；已过期（保质期至 {state['use_by_date']}）" if state.get("expired") else ""),
        *(f"  {m['at']}  {zh(TRACE_EVENTS, m['kind'])} {m['quantity']} {unit}  {m['given_by']} → {m['taken_by']}"
          for m in state["movements"]),
    ]  # fmt: skip


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2026-03-02T10:00+08:00")
    return moment
