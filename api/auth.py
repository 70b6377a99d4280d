"""Who may call what: bearer tokens, roles, and the school or supplier a caller acts for.

Every route under /api/v1 depends on one of the callers named here (each an ``Allow(...)`` of the roles in
README's table); a test walks every route and every role, so a route that forgot its check fails the build.
What a caller may see is narrowed by its scope: another school's or supplier's record answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from api.deps import CredentialsDep
from api.errors import ApiError
from api.tokens import Caller, Credentials
from domain.announcement import DeliveryAnnouncement
from domain.batch import IngredientBatch
from domain.errors import NotFound
from domain.ledger import Ledger
from domain.sample import FoodSample
from domain.staff import StaffMember
from domain.supplier import Supplier as SupplierRecord  # Supplier: the role, below
from domain.values import Role

EVERYONE = tuple(Role)
SCHOOL_ROLES = (Role.STOREKEEPER, Role.KITCHEN, Role.PRINCIPAL)
COUNTY_WIDE = (Role.INVESTIGATOR, Role.ADMIN, Role.LOGISTICS)  # see every school and supplier


class Allow:
    """A dependency: the caller must present a valid token for one of these roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, request: Request, credentials: CredentialsDep) -> Caller:
        return self.admit(request, credentials.caller(self.token(request)))

    @staticmethod
    def token(request: Request) -> str:
        """The bearer token the request carries (401 without one)."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated", "请先登录", "sign in: send Authorization: Bearer <token>")
        return token.strip()

    def admit(self, request: Request, caller: Caller | None) -> Caller:
        """The caller the token stands for, if it may call here (401 for no caller, 403 for another role)."""
        if caller is None:
            raise ApiError(401, "unauthenticated", "登录已失效，请重新登录", "the token is unknown or revoked")
        if caller.role not in self.roles:
            raise ApiError(403, "forbidden", "您的岗位无权进行此操作", f"a {caller.role.value} may not do this")
        request.state.caller = caller
        return caller


@dataclass(frozen=True)
class Check:
    """``Allow``'s check of one request, to make later: where the endpoint runs."""

    allow: Allow
    request: Request
    credentials: Credentials

    def __call__(self) -> Caller:
        return Allow.__call__(self.allow, self.request, self.credentials)


class AllowWhereEndpointRuns(Allow):
    """``Allow``'s check, made in the endpoint's own trip to the thread pool rather than a trip of its own (the
    token is read from the database, so it cannot run on the event loop). FastAPI hands the endpoint the check, and
    api/routing.py makes it before the endpoint runs. Only for a route where nothing else can refuse the request
    first (api/routing.py decides): the caller then hears the same 401 or 403, and nothing runs before it."""

    def __init__(self, allow: Allow) -> None:
        super().__init__(*allow.roles)

    async def __call__(  # type: ignore[override]  # the check itself, to make later
        self, request: Request, credentials: CredentialsDep
    ) -> Check:
        return Check(self, request, credentials)


# The callers, as README's role table names them.
# Every role reads; what each one sees is narrowed by its scope (the visible_* loaders below).
Reader = Annotated[Caller, Depends(Allow(*EVERYONE))]
# A reader whose check the endpoint makes itself, first (``checked_with_batch``: the card).
ReaderCheck = Annotated[Check, Depends(AllowWhereEndpointRuns(Allow(*EVERYONE)))]
# A school's own records (its 台账, stock, staff, samples, compliance) are no supplier's business.
SchoolReader = Annotated[Caller, Depends(Allow(*SCHOOL_ROLES, *COUNTY_WIDE))]
SchoolStaff = Annotated[Caller, Depends(Allow(*SCHOOL_ROLES, Role.ADMIN))]
Investigator = Annotated[Caller, Depends(Allow(*COUNTY_WIDE))]
Admin = Annotated[Caller, Depends(Allow(Role.ADMIN))]
Storekeeper = Annotated[Caller, Depends(Allow(Role.STOREKEEPER, Role.ADMIN))]
Kitchen = Annotated[Caller, Depends(Allow(Role.KITCHEN))]
CoSigner = Annotated[Caller, Depends(Allow(*SCHOOL_ROLES))]  # signs an intake that named them, as themselves
Supervisor = Annotated[Caller, Depends(Allow(Role.STOREKEEPER, Role.PRINCIPAL, Role.ADMIN))]
# §15's checks (查验): the school's own, the principal's and the county logistics office's.
Checker = Annotated[Caller, Depends(Allow(Role.STOREKEEPER, Role.PRINCIPAL, Role.LOGISTICS, Role.ADMIN))]
SampleKeeper = Annotated[Caller, Depends(Allow(Role.STOREKEEPER, Role.KITCHEN, Role.ADMIN))]
SchoolAdmin = Annotated[Caller, Depends(Allow(Role.PRINCIPAL, Role.ADMIN))]
HealthChecker = Annotated[Caller, Depends(Allow(Role.PRINCIPAL, Role.STOREKEEPER, Role.ADMIN))]
Supplier = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.ADMIN))]
CertificateAttacher = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.STOREKEEPER, Role.ADMIN))]
# Webhooks: a supplier's ERP hears of its own deliveries, the county office (logistics, an admin) of all.
Subscriber = Annotated[Caller, Depends(Allow(Role.SUPPLIER, Role.LOGISTICS, Role.ADMIN))]
# Recalls (召回): the county's logistics office opens and closes them; schools read those that touch them.
Logistics = Annotated[Caller, Depends(Allow(Role.LOGISTICS, Role.ADMIN))]


def check_school(caller: Caller, school: str) -> None:
    """Storekeepers, kitchen leads and principals act for one school only (another's records answer 404)."""
    not_found_unless(caller.role not in SCHOOL_ROLES or caller.scope == school)
    if caller.role is Role.SUPPLIER:
        raise ApiError(403, "forbidden", "供应商无权进行此操作", "a supplier may not do this")


def school_of(caller: Caller, requested: str | None) -> str:
    """The school a request is about: a school's own staff always act for theirs; others must name one."""
    if caller.role in SCHOOL_ROLES and caller.scope:
        return caller.scope
    if not requested:
        raise ApiError(422, "invalid_input", "请填写学校", "school is required", "school")
    return requested


def check_supplier(caller: Caller, supplier: str) -> None:
    not_found_unless(caller.role is not Role.SUPPLIER or caller.scope == supplier)


def may_see(caller: Caller, school: str | None, supplier: str | None = None) -> bool:
    """A record of ``school`` (delivered by ``supplier``): the county sees all, the others their own."""
    if caller.role in COUNTY_WIDE:
        return True
    if caller.role is Role.SUPPLIER:
        return supplier is not None and supplier == caller.scope
    return school is not None and school == caller.scope


def not_found_unless(visible: bool) -> None:
    """Refuse as if the record did not exist, so that a caller learns nothing about other schools."""
    if not visible:
        raise ApiError(404, "not_found", "记录不存在", "no such record")


def visible_batch(ledger: Ledger, caller: Caller, code: str) -> IngredientBatch:
    """The batch, if this caller may see it; otherwise 404, as if it did not exist."""
    try:
        batch = ledger.batch(code, read_only=True)  # every caller only reads it; a command reads it again
    except NotFound:
        not_found_unless(False)
        raise
    not_found_unless(may_see(caller, batch.school_id, batch.supplier_id))
    return batch


def checked_with_batch(
    ledger: Ledger, check: Check, code: str
) -> tuple[Caller, IngredientBatch, SupplierRecord | None]:
    """The caller (``check``, made where the endpoint runs: ``AllowWhereEndpointRuns``) and the batch they may see,
    with its supplier: the caller's token is read in the batch's query when all three are cached, one round trip,
    not two. The same refusals in the same order: the token's 401 or 403, then the batch's 404."""
    allow, request, credentials = check.allow, check.request, check.credentials
    token_id = Credentials.token_id(Allow.token(request))
    read = ledger.batch_supplier_and(code, token_id) if token_id is not None else None
    if read is None:
        caller = check()
        batch, supplier = visible_batch_and_supplier(ledger, caller, code)
        return caller, batch, supplier
    batch, supplier, token = read
    caller = allow.admit(request, credentials.caller_of(token))
    not_found_unless(may_see(caller, batch.school_id, batch.supplier_id))
    return caller, batch, supplier


def visible_batch_and_supplier(
    ledger: Ledger, caller: Caller, code: str
) -> tuple[IngredientBatch, SupplierRecord | None]:
    """``visible_batch``, and the batch's supplier when the ledger could read it in the same round trip."""
    try:
        batch, supplier = ledger.batch_and_supplier(code)
    except NotFound:
        not_found_unless(False)
        raise
    not_found_unless(may_see(caller, batch.school_id, batch.supplier_id))
    return batch, supplier


def visible_announcement(ledger: Ledger, caller: Caller, announcement_id: UUID) -> DeliveryAnnouncement:
    announcement = ledger.announcement(announcement_id)
    not_found_unless(may_see(caller, announcement.goods.school_id, announcement.goods.supplier_id))
    return announcement


def visible_sample(ledger: Ledger, caller: Caller, sample_id: UUID) -> FoodSample:
    sample = ledger.sample(sample_id)
    not_found_unless(may_see(caller, sample.school_id))
    return sample


def visible_staff(ledger: Ledger, caller: Caller, person_id: str) -> StaffMember:
    member = ledger.staff(person_id)
    not_found_unless(may_see(caller, member.school_id))
    return member
