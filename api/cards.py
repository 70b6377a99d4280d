"""The batch card (批次卡): a batch as the caller sees it, with only the actions the rules allow now."""

from __future__ import annotations

from functools import cache, partial

from api.schemas import BatchCard, CertificateOut, PendingIssueOut, RecallNote
from api.tokens import Caller
from domain.batch import IngredientBatch
from domain.clock import county_time
from domain.errors import NotFound
from domain.glossary import CERTIFICATE_NAMES_ZH
from domain.ledger import Ledger
from domain.supplier import Supplier
from domain.validity import past_use_by
from domain.values import Role

# Which roles may ask for which action at all; the batch's state then narrows it.
ACTION_ROLES = {
    "inspect": {Role.STOREKEEPER, Role.PRINCIPAL, Role.LOGISTICS, Role.ADMIN},
    "move": {Role.STOREKEEPER, Role.ADMIN},
    "issue": {Role.STOREKEEPER, Role.ADMIN},
    "confirm_issue": {Role.KITCHEN},
    "co_sign": {Role.STOREKEEPER, Role.KITCHEN, Role.PRINCIPAL},
    "return": {Role.STOREKEEPER, Role.ADMIN},
    "hold": {Role.STOREKEEPER, Role.PRINCIPAL, Role.ADMIN},
    "release": {Role.STOREKEEPER, Role.PRINCIPAL, Role.ADMIN},
    "write_off": {Role.STOREKEEPER, Role.ADMIN},
    "attach_certificate": {Role.SUPPLIER, Role.STOREKEEPER, Role.ADMIN},
}


def batch_card(
    ledger: Ledger, batch: IngredientBatch, caller: Caller, prefix: str = "/api/v1", supplier: Supplier | None = None
) -> BatchCard:
    profile = ledger.profile
    today = profile.local_date(ledger.clock())
    required = profile.certificates_required(batch.category, batch.pork)
    missing = batch.missing_certificates(required, today)
    # The domain's own checks, per command: the card never re-derives a rule.
    found = batch.refusals(required, today)
    mine = [offer for offer, o in batch.offers.items() if o.taken_by == caller.person_id]
    if mine and (confirm := batch.confirm_refusals(mine[0], required, today)):
        found["confirm_issue"] = confirm
    refusals = {
        command: ("；".join(r.zh for r in reasons), "; ".join(r.en for r in reasons))
        for command, reasons in found.items()
    }
    actions = [
        action
        for action, roles in ACTION_ROLES.items()
        if caller.role in roles and action not in refusals and _possible(action, batch, caller)
    ]
    supplier = supplier or ledger.supplier(batch.supplier_id, read_only=True)  # read with the batch, if it was
    names = cache(partial(_name, ledger))  # each person read once: the same two usually give and take every offer
    return BatchCard(
        code=batch.code,
        version=batch.version,
        product=batch.product,
        category=batch.category.value,
        colour=profile.colour(batch.category),
        pork=batch.pork,
        school=batch.school_id,
        supplier=batch.supplier_id,
        supplier_name=supplier.name,
        lot=batch.lot,
        supplier_lot=batch.supplier_lot,
        gtin=batch.gtin,
        received_quantity=str(batch.received_quantity),
        on_hand=str(batch.on_hand),
        reserved=str(batch.reserved),
        unit=batch.unit,
        production_date=batch.production_date,
        use_by_date=batch.use_by_date,
        expired=past_use_by(batch.use_by_date, today),
        received_at=county_time(batch.received_at, profile.zone),
        received_by=batch.signers,
        awaiting_co_signers=batch.awaiting_co_signers,
        place=batch.place,
        on_hold=batch.on_hold,
        hold_reason=batch.hold_reason,
        recalls=[_recall_note(ledger, recall) for recall in batch.recalls],
        certificates=[
            CertificateOut(
                version=version,
                kind=c.kind.value,
                kind_zh=CERTIFICATE_NAMES_ZH[c.kind],
                number=c.number,
                issuer=c.issuer,
                issue_date=c.issue_date,
                expiry_date=c.expiry_date,
                sha256=c.sha256,
                attached_by=c.attached_by.person_id,
                document_url=f"{prefix}/batches/{batch.code}/documents/{c.sha256}",
            )
            for version, c in batch.certificates.items()
            if version not in batch.voided
        ],
        missing_certificates=[str(k) for k in missing],
        failed_inspections=len(batch.failed_inspections),
        pending_issues=[
            PendingIssueOut(
                offer=offer,
                quantity=str(o.quantity),
                unit=batch.unit,
                meal_date=o.meal_date or today,
                meal=o.meal.value if o.meal else "",
                given_by=o.given_by,
                taken_by=o.taken_by,
                given_by_name=names(o.given_by),
                taken_by_name=names(o.taken_by),
            )
            for offer, o in batch.offers.items()
        ],
        actions=actions,
        refusals={action: zh for action, (zh, _) in refusals.items()},
        refusals_en={action: en for action, (_, en) in refusals.items()},
        label_url=f"{prefix}/batches/{batch.code}/label",
        history_url=f"{prefix}/batches/{batch.code}/history",
    )


def _possible(action: str, batch: IngredientBatch, caller: Caller) -> bool:
    if action == "confirm_issue":
        return any(o.taken_by == caller.person_id for o in batch.offers.values())
    if action == "co_sign":
        return caller.person_id in batch.awaiting_co_signers
    return True


def _name(ledger: Ledger, person_id: str) -> str:
    try:
        return ledger.staff(person_id, read_only=True).name
    except NotFound:
        return person_id


def _recall_note(ledger: Ledger, recall_id: str) -> RecallNote:
    recall = ledger.recall(recall_id)
    return RecallNote(
        recall_id=recall_id, notice_number=recall.notice_number, reason=recall.reason, open=recall.is_open
    )
