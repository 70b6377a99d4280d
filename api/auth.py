"""Who may call what: bearer tokens, roles, and the school or supplier a caller acts for.

Every route under /api/v1 depends on ``Allow(...)``, which names the roles that may call it; a test walks
every route and every role, so a route that forgot its check fails the build.
"""

from __future__ import annotations

from fastapi import Request

from api.errors import ApiError
from api.tokens import Caller, Credentials
from domain.batch import IngredientBatch
from domain.values import Role

EVERYONE = tuple(Role)
SCHOOL_ROLES = (Role.STOREKEEPER, Role.KITCHEN, Role.PRINCIPAL)
STORE = (Role.STOREKEEPER, Role.ADMIN)


class Allow:
    """A dependency: the caller must present a valid token for one of these roles."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    def __call__(self, request: Request) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated", "请先登录", "sign in: send Authorization: Bearer <token>")
        credentials: Credentials = request.app.state.credentials
        caller = credentials.caller(token.strip())
        if caller is None:
            raise ApiError(401, "unauthenticated", "登录已失效，请重新登录", "the token is unknown or revoked")
        if caller.role not in self.roles:
            raise ApiError(403, "forbidden", "您的岗位无权进行此操作", f"a {caller.role.value} may not do this")
        request.state.caller = caller
        return caller


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


def may_see_batch(caller: Caller, batch: IngredientBatch) -> bool:
    if caller.role in (Role.ADMIN, Role.INVESTIGATOR):
        return True
    if caller.role is Role.SUPPLIER:
        return batch.supplier_id == caller.scope
    return batch.school_id == caller.scope


def not_found_unless(visible: bool) -> None:
    """Refuse as if the record did not exist, so that a caller learns nothing about other schools."""
    if not visible:
        raise ApiError(404, "not_found", "记录不存在", "no such record")
