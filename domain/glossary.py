"""Words a principal uses: the one Chinese (and English) name of every term FoodTrace shows a person.

Pages, the command line, labels and exports all name a category, a unit, a certificate, a meal, an event or a rule
from here, so a batch is 肉类 on its card, its label and its 台账 row alike, and no internal identifier
(``quality_inspection_report``, ``bottle``, ``lunch``) ever reaches Chinese output. Pure data: no web code.

Each term is a pair (中文, English). ``zh(TABLE, key)`` names one; a key a table lacks (a value stored before this
table knew it) is returned as stored rather than lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from domain.rules import Category, CertificateKind
from domain.values import Meal, Role, Stage

Term = tuple[str, str]  # (中文, English)

# 色标管理 (§14): the names the colour-coded fridges, sinks and labels carry.
CATEGORIES: dict[str, Term] = {
    Category.PLANT: ("植物类", "Plant"),
    Category.MEAT: ("肉类", "Meat"),
    Category.AQUATIC: ("水产类", "Aquatic"),
    Category.OTHER: ("其他", "Other"),
}
COLOURS: dict[str, Term] = {
    "green": ("绿", "green"),
    "red": ("红", "red"),
    "yellow": ("黄", "yellow"),
    "blue": ("蓝", "blue"),
    "none": ("", ""),
}
# 索票索证 (§13): the documents a delivery brings.
CERTIFICATES: dict[str, Term] = {
    CertificateKind.QUALITY_INSPECTION_REPORT: ("同批次质量检测报告", "Quality inspection report"),
    CertificateKind.ANIMAL_QUARANTINE_CERTIFICATE: ("动物检疫合格证明", "Animal quarantine certificate"),
    CertificateKind.MEAT_QUALITY_CERTIFICATE: ("肉品品质检验合格证明", "Meat quality certificate"),
    CertificateKind.INVOICE: ("正式发票", "Invoice"),
    CertificateKind.OTHER: ("其他证明", "Other certificate"),
}
# The units of domain.values.UNITS. The SI symbols are written as symbols in Chinese too (GB 3100).
UNITS: dict[str, Term] = {
    "kg": ("kg", "kg"),
    "g": ("g", "g"),
    "L": ("L", "L"),
    "mL": ("mL", "mL"),
    "piece": ("个", "piece"),
    "box": ("箱", "box"),
    "bag": ("袋", "bag"),
    "bottle": ("瓶", "bottle"),
}
MEALS: dict[str, Term] = {
    Meal.BREAKFAST: ("早餐", "Breakfast"),
    Meal.LUNCH: ("午餐", "Lunch"),
    Meal.DINNER: ("晚餐", "Dinner"),
}
# When an inspection happens (§16).
STAGES: dict[str, Term] = {
    Stage.PURCHASE: ("采购", "Purchase"),
    Stage.INTAKE: ("入库", "Intake"),
    Stage.ISSUE: ("出库", "Issue"),
}
ROLES: dict[str, Term] = {
    Role.STOREKEEPER: ("仓管员", "storekeeper"),
    Role.KITCHEN: ("厨师长", "kitchen lead"),
    Role.PRINCIPAL: ("校长/食品安全员", "principal"),
    Role.INVESTIGATOR: ("调查员", "investigator"),
    Role.ADMIN: ("管理员", "admin"),
    Role.LOGISTICS: ("物资/后勤管理", "county logistics office"),
    Role.SUPPLIER: ("供应商", "supplier"),
}
# A batch's events, by their stored class name (the history and the timeline).
BATCH_EVENTS: dict[str, Term] = {
    "Received": ("入库验收", "Received"),
    "CoSignersAwaited": ("待共同验收人签字", "Awaiting co-signer"),
    "CoSigned": ("共同验收人签字", "Co-signed"),
    "CertificateAttached": ("附证明", "Certificate attached"),
    "Inspected": ("查验", "Inspected"),
    "PutOnHold": ("封存", "Put on hold"),
    "Released": ("解封", "Released"),
    "Moved": ("移库", "Moved"),
    "IssueOffered": ("出库待确认", "Issue offered"),
    "IssueOfferCancelled": ("取消出库", "Issue offer cancelled"),
    "IssuedToKitchen": ("出库至厨房", "Issued to the kitchen"),
    "ReturnedToStore": ("退库", "Returned to store"),
    "WrittenOff": ("报损销毁", "Written off"),
    "Corrected": ("更正", "Corrected"),
}
# The rows of a trace export, one per event of a traced batch or sample.
TRACE_EVENTS: dict[str, Term] = {
    "received": ("入库验收", "Received"),
    "certificate": ("附证明", "Certificate"),
    "inspection": ("查验", "Inspection"),
    "issue": ("出库", "Issue"),
    "return": ("退库", "Return"),
    "write_off": ("报损销毁", "Write-off"),
    "hold": ("封存", "Hold"),
    "release": ("解封", "Release"),
    "sample": ("留样", "Sample"),
}
# A row of the 进出库台账.
LEDGER_KINDS: dict[str, Term] = {
    "in": ("入库", "In"),
    "out": ("出库", "Out"),
    "move": ("移库", "Move"),
    "return": ("退库", "Return"),
    "write_off": ("报损", "Write-off"),
    "correction": ("冲销", "Reversal"),
}
# 二证 (§12).
STAFF_CERTIFICATES: dict[str, Term] = {
    "health": ("健康证", "Health certificate"),
    "training": ("培训合格证", "Training certificate"),
}
STAFF_CERTIFICATE_STATUS: dict[str, Term] = {"expired": ("已过期", "Expired"), "expiring": ("即将到期", "Expiring")}
# 检查记录台帐 (§15): who checks the canteen, and how often the county asks.
CHECKS: dict[str, Term] = {
    "school_principal": ("校长/食品安全员抽查（每周）", "School principal / food-safety officer (weekly)"),
    "central_principal": ("中心校校长检查（每月）", "Central school principal (monthly)"),
    "central_logistics": ("中心校后勤人员检查（每月）", "Central school logistics staff (monthly)"),
}
CHECKS_TITLE: Term = ("食堂检查次数", "Canteen checks")
# A period's standing against a minimum: a week or month still running is not yet failed.
STANDINGS: dict[str, Term] = {
    "met": ("达标", "Met"),
    "not_met": ("未达标", "Not met"),
    "in_progress": ("进行中", "In progress"),
    "upcoming": ("未开始", "Not started"),
}
# 留样 (§14). Not 封存: that word is a batch put on hold.
SAMPLE_WORDS: dict[str, Term] = {
    "sealed_at": ("留样时间", "Sampled at"),
    "sealed_at_short": ("留样", "Sampled"),  # where room is short: a 40 × 30 mm label
    "keep_until": ("留样至", "Keep until"),
}
# The fields of a batch's events, as the history names them.
FIELDS: dict[str, Term] = {
    "code": ("批次码", "code"),
    "school_id": ("学校", "school"),
    "supplier_id": ("供应商", "supplier"),
    "product": ("品名", "product"),
    "category": ("类别", "category"),
    "pork": ("猪肉", "pork"),
    "quantity": ("数量", "quantity"),
    "unit": ("单位", "unit"),
    "supplier_lot": ("供应商批号", "supplier lot"),
    "lot": ("批号", "lot"),
    "gtin": ("商品条码", "GTIN"),
    "production_date": ("生产日期", "production date"),
    "use_by_date": ("保质期至", "use by"),
    "invoice_number": ("发票号", "invoice number"),
    "unit_price": ("单价", "unit price"),
    "place": ("存放位置", "place"),
    "from_place": ("原位置", "from"),
    "to_place": ("新位置", "to"),
    "signers": ("验收人", "signed by"),
    "sensory_check": ("感官检查", "sensory check"),
    "arrival_temperature": ("到货温度", "arrival temperature"),
    "kind": ("种类", "kind"),
    "number": ("编号", "number"),
    "issuer": ("出具单位", "issued by"),
    "issue_date": ("出具日期", "issue date"),
    "expiry_date": ("有效期至", "expires"),
    "sha256": ("文件摘要", "sha256"),
    "stage": ("环节", "stage"),
    "passed": ("合格", "passed"),
    "notes": ("备注", "notes"),
    "inspector": ("查验人", "inspector"),
    "reason": ("原因", "reason"),
    "meal_date": ("用餐日期", "meal date"),
    "meal": ("餐次", "meal"),
    "given_by": ("发放人", "given by"),
    "taken_by": ("领用人", "taken by"),
    "offer": ("出库单", "offer"),
    "returned_by": ("退回人", "returned by"),
    "received_by": ("接收人", "received by"),
    "issue": ("原出库", "issue"),
    "witness": ("见证人", "witness"),
    "corrects_version": ("更正第几条", "corrects event"),
}
YES_NO: dict[bool, Term] = {True: ("是", "yes"), False: ("否", "no")}
# Which table names the values of a field that holds an identifier.
FIELD_VALUES: dict[str, Mapping[str, Term]] = {
    "category": CATEGORIES,
    "unit": UNITS,
    "kind": CERTIFICATES,
    "meal": MEALS,
    "stage": STAGES,
}
# Every table whose keys are identifiers a person must never see in Chinese output.
IDENTIFIER_TABLES: tuple[Mapping[str, Term], ...] = (
    CATEGORIES, CERTIFICATES, UNITS, MEALS, STAGES, ROLES, TRACE_EVENTS, LEDGER_KINDS, STAFF_CERTIFICATES,
    STAFF_CERTIFICATE_STATUS, CHECKS, STANDINGS, BATCH_EVENTS,
)  # fmt: skip


def zh(table: Mapping[str, Term], key: str) -> str:
    """The Chinese name of ``key``; a key the table does not know is shown as stored, never dropped."""
    term = table.get(key)
    return term[0] if term else key


def en(table: Mapping[str, Term], key: str) -> str:
    term = table.get(key)
    return term[1] if term else key


def names_zh(table: Mapping[str, Term]) -> dict[str, str]:
    return {key: term[0] for key, term in table.items()}


def page_words(prefix: str, table: Mapping[str, Term]) -> dict[str, Term]:
    """A table as the pages' word keys: ``page_words("cat_", CATEGORIES)`` gives ``cat_meat`` and so on."""
    return {f"{prefix}{key}": term for key, term in table.items()}


def value_zh(field: str, value: object, what: str = "") -> str:
    """One event field's value as a person reads it: identifiers named, yes/no in words, lists joined.

    ``what`` is the event's kind: a correction's ``kind`` names the kind of record it voids, not a certificate.
    """
    if isinstance(value, bool):
        return YES_NO[value][0]
    if isinstance(value, list | tuple):
        return "、".join(value_zh(field, v, what) for v in value)
    table = TRACE_EVENTS if (what, field) == ("Corrected", "kind") else FIELD_VALUES.get(field)
    return zh(table, str(value)) if table else str(value)


def details_zh(what: str, details: Mapping[str, object]) -> str:
    """An event's details as one Chinese line: 数量 7；餐次 午餐 (empty values left out)."""
    shown = [(f, v) for f, v in details.items() if v not in (None, "", [])]
    return "；".join(f"{zh(FIELDS, f)} {value_zh(f, v, what)}" for f, v in shown)


def week_bounds(day: date) -> tuple[date, date]:
    """The Monday and Sunday of the ISO week around ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def week_zh(day: date) -> str:
    """第48周（11月23日–11月29日）: the ISO week around ``day``, as a principal reads it."""
    monday, sunday = week_bounds(day)
    return f"第{monday.isocalendar()[1]}周（{monday.month}月{monday.day}日–{sunday.month}月{sunday.day}日）"


def month_zh(day: date) -> str:
    return f"{day.year}年{day.month}月"


CERTIFICATE_NAMES_ZH = names_zh(CERTIFICATES)
UNIT_NAMES_ZH = names_zh(UNITS)
