"""API tokens and kitchen PINs, stored in the ledger's own event store as hashes only.

A token is shown once when it is created; the store keeps its SHA-256 (a token has 256 random bits, so a
plain hash is enough). A token's stream id follows from its hash, so checking a request is one read.
PINs are short, so they are kept as salted PBKDF2 hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

from domain.errors import NotFound, ValidationError
from domain.ledger import Ledger, utc_now
from domain.values import Principal, Role

TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/token")
PIN_NAMESPACE = uuid5(NAMESPACE_URL, "https://foodtrace.invalid/pin")
TOKEN_PREFIX = "ft_"
PIN_ITERATIONS = 200_000
SCOPED_ROLES = {Role.SUPPLIER: "supplier", Role.STOREKEEPER: "school", Role.KITCHEN: "school", Role.PRINCIPAL: "school"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who is calling: the person, the role they act in and the school or supplier they act for."""

    person_id: str
    role: Role
    scope: str | None
    token_id: UUID | None = None

    @property
    def principal(self) -> Principal:
        return Principal(self.person_id, self.role.value)


class ApiToken(Aggregate):
    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return uuid5(TOKEN_NAMESPACE, token_hash)

    @event("Issued")
    def __init__(
        self,
        token_hash: str,
        person_id: str,
        role: str,
        scope: str | None,
        label: str,
        expires_at: datetime | None,
        by: Principal,
        at: datetime,
    ) -> None:
        self.person_id = person_id
        self.role = role
        self.scope = scope
        self.label = label
        self.issued_at = at
        self.expires_at = expires_at
        self.revoked_at: datetime | None = None

    @event("Revoked")
    def revoke(self, reason: str, by: Principal, at: datetime) -> None:
        self.revoked_at = at


class PersonPin(Aggregate):
    @staticmethod
    def create_id(person_id: str) -> UUID:
        return uuid5(PIN_NAMESPACE, person_id)

    @event("Set")
    def __init__(self, person_id: str, salt: str, pin_hash: str, iterations: int, by: Principal, at: datetime) -> None:
        self.person_id = person_id
        self.salt = salt
        self.pin_hash = pin_hash
        self.iterations = iterations

    @event("Changed")
    def change(self, salt: str, pin_hash: str, iterations: int, by: Principal, at: datetime) -> None:
        self.salt = salt
        self.pin_hash = pin_hash
        self.iterations = iterations

    def matches(self, pin: str) -> bool:
        candidate = _pin_hash(pin, self.salt, self.iterations)
        return hmac.compare_digest(candidate, self.pin_hash)


def _pin_hash(pin: str, salt: str, iterations: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), bytes.fromhex(salt), iterations).hex()


class Credentials:
    """Creates, checks, lists and revokes tokens and PINs in the ledger's store."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def create_token(
        self,
        person_id: str,
        role: str,
        scope: str | None,
        label: str,
        by: Principal,
        expires_at: datetime | None = None,
    ) -> tuple[str, UUID]:
        role_ = Role(role)
        if role_ in SCOPED_ROLES and not scope:
            raise ValidationError(
                zh=f"{role_.value}角色须指定所属{SCOPED_ROLES[role_]}",
                en=f"a {role_.value} token needs a scope: the {SCOPED_ROLES[role_]} it acts for",
                field="scope",
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = ApiToken(
            token_hash(token),
            person_id,
            role_.value,
            scope if role_ in SCOPED_ROLES else None,
            label,
            expires_at,
            by,
            utc_now(),
        )
        self.ledger.save(record)
        return token, record.id

    def caller(self, token: str) -> Caller | None:
        """The caller a token stands for, or None when it is unknown or revoked."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        try:
            record: Aggregate = self.ledger.repository.get(ApiToken.create_id(token_hash(token)))
        except AggregateNotFoundError:
            return None
        assert isinstance(record, ApiToken)
        if record.revoked_at is not None or (record.expires_at is not None and record.expires_at <= utc_now()):
            return None
        return Caller(record.person_id, Role(record.role), record.scope, record.id)

    def revoke(self, token_id: UUID, reason: str, by: Principal) -> None:
        try:
            record: Aggregate = self.ledger.repository.get(token_id)
        except AggregateNotFoundError:
            raise NotFound(zh="令牌不存在", en="no such token") from None
        if not isinstance(record, ApiToken):
            raise NotFound(zh="令牌不存在", en="no such token")
        if record.revoked_at is None:
            record.revoke(reason, by, utc_now())
            self.ledger.save(record)

    def list_tokens(self) -> list[dict[str, str | bool | None]]:
        topics = [f"{ApiToken.__module__}:ApiToken.Issued", f"{ApiToken.__module__}:ApiToken.Revoked"]
        ids: dict[UUID, None] = {}  # in order of issue
        start = 1
        while True:
            page = self.ledger.recorder.select_notifications(start=start, limit=1000, topics=topics)
            for notification in page:
                ids[UUID(str(notification.originator_id))] = None
            if len(page) < 1000:
                break
            start = page[-1].id + 1
        rows: list[dict[str, str | bool | None]] = []
        for token_id in ids:
            record: Aggregate = self.ledger.repository.get(token_id)
            assert isinstance(record, ApiToken)
            rows.append(
                {
                    "id": str(record.id),
                    "person_id": record.person_id,
                    "role": record.role,
                    "scope": record.scope,
                    "label": record.label,
                    "issued_at": record.issued_at.isoformat(),
                    "revoked": record.revoked_at is not None,
                }
            )
        return rows

    def sign_in(self, person_id: str, pin: str, role: str | None, hours: int = 12) -> tuple[str, Caller, str]:
        """A staff member signs in on a phone with their PIN: a token for one working day in one of their roles."""
        member = self.ledger.staff(person_id)
        if not self.pin_matches(person_id, pin):
            raise ValidationError(zh="人员编号或PIN错误", en="wrong person id or PIN", field="pin")
        chosen = role or member.roles[0]
        if chosen not in member.roles:
            raise ValidationError(zh="您没有该岗位", en=f"{person_id} does not hold the role {chosen}", field="role")
        expires = utc_now() + timedelta(hours=hours)
        token, token_id = self.create_token(
            person_id, chosen, member.school_id, "PIN sign-in", Principal(person_id, chosen), expires
        )
        return token, Caller(person_id, Role(chosen), member.school_id, token_id), member.name

    def set_pin(self, person_id: str, pin: str, by: Principal) -> int:
        """Set or change a person's PIN; returns the log position of the change."""
        if not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise ValidationError(zh="PIN应为4到8位数字", en="a PIN has 4 to 8 digits", field="pin")
        self.ledger.staff(person_id)  # only registered staff get a PIN
        salt = secrets.token_hex(16)
        digest = _pin_hash(pin, salt, PIN_ITERATIONS)
        try:
            record: Aggregate = self.ledger.repository.get(PersonPin.create_id(person_id))
            assert isinstance(record, PersonPin)
            record.change(salt, digest, PIN_ITERATIONS, by, utc_now())
        except AggregateNotFoundError:
            record = PersonPin(person_id, salt, digest, PIN_ITERATIONS, by, utc_now())
        return self.ledger.save(record)[-1].notification.id

    def pin_matches(self, person_id: str, pin: str) -> bool:
        try:
            record: Aggregate = self.ledger.repository.get(PersonPin.create_id(person_id))
        except AggregateNotFoundError:
            return False
        assert isinstance(record, PersonPin)
        return record.matches(pin)
