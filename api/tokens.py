"""API tokens, staff sessions and kitchen PINs, stored in the ledger's own event store as hashes only.

A token is shown once when it is created; the store keeps its SHA-256 (a token has 256 random bits, so a
plain hash is enough). A token's stream id follows from its hash, so checking a request is one read.
PINs are short, so they are kept as salted PBKDF2 hashes. Issue, expiry and revocation are timed by the
Ledger's clock, as every other record is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

from domain.clock import county_iso
from domain.errors import NotFound, ValidationError
from domain.ids import stream_id
from domain.ledger import Ledger
from domain.values import Principal, Role

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


@dataclass(frozen=True)
class Session:
    """A signed-in caller: their token (shown once, when signing in), their name and until when it works."""

    token: str
    caller: Caller
    name: str
    expires_at: datetime | None


@dataclass(eq=False, repr=False)
class ApiToken(Aggregate, created_event_name="Issued"):
    """As issued (the fields of its ``Issued`` event, declared once), until revoked."""

    token_hash: str
    person_id: str
    role: str
    scope: str | None
    label: str
    expires_at: datetime | None
    by: Principal
    at: datetime
    revoked_at: datetime | None = field(default=None, init=False)

    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return stream_id("token", token_hash)

    @event("Revoked")
    def revoke(self, reason: str, by: Principal, at: datetime) -> None:
        self.revoked_at = at


class PersonPin(Aggregate):
    @staticmethod
    def create_id(person_id: str) -> UUID:
        return stream_id("pin", person_id)

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
            token_hash=token_hash(token),
            person_id=person_id,
            role=role_.value,
            scope=scope if role_ in SCOPED_ROLES else None,
            label=label,
            expires_at=expires_at,
            by=by,
            at=self.ledger.clock(),
        )
        self.ledger.save(record)
        return token, record.id

    def _token(self, token_id: UUID, *, read_only: bool = False) -> ApiToken | None:
        try:
            record = self.ledger.current(token_id, read_only=read_only)  # as it stands now: a revocation counts at once
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, ApiToken) else None

    def caller(self, token: str) -> Caller | None:
        """The caller a token stands for, or None when it is unknown or revoked."""
        token_id = self.token_id(token)
        return self.caller_of(self._token(token_id, read_only=True)) if token_id is not None else None

    @staticmethod
    def token_id(token: str) -> UUID | None:
        """The id of the record a token would have (no read), or None when it is no token of ours."""
        return ApiToken.create_id(token_hash(token)) if token.startswith(TOKEN_PREFIX) else None

    def caller_of(self, record: object) -> Caller | None:
        """The caller a token's record, as the log holds it now, stands for, or None when it is revoked or no token."""
        if not isinstance(record, ApiToken):
            return None
        expired = record.expires_at is not None and record.expires_at <= self.ledger.clock()
        if record.revoked_at is not None or expired:
            return None
        return Caller(record.person_id, Role(record.role), record.scope, record.id)

    def revoke(self, token_id: UUID, reason: str, by: Principal) -> None:
        record = self._token(token_id)
        if record is None:
            raise NotFound(zh="令牌不存在", en="no such token")
        if record.revoked_at is None:
            record.revoke(reason, by, self.ledger.clock())
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
            record = self._token(token_id)
            assert record is not None
            rows.append(
                {
                    "id": str(record.id),
                    "person_id": record.person_id,
                    "role": record.role,
                    "scope": record.scope,
                    "label": record.label,
                    "issued_at": county_iso(record.at, self.ledger.profile.zone),
                    "revoked": record.revoked_at is not None,
                }
            )
        return rows

    def sign_in(self, person_id: str, pin: str, role: str | None, hours: int = 12) -> Session:
        """A staff member signs in on a phone with their PIN: a token for one working day in one of their roles."""
        member = self.ledger.staff(person_id)
        if not self.pin_matches(person_id, pin):
            raise ValidationError(zh="人员编号或PIN错误", en="wrong person id or PIN", field="pin")
        chosen = role or member.roles[0]
        if chosen not in member.roles:
            raise ValidationError(zh="您没有该岗位", en=f"{person_id} does not hold the role {chosen}", field="role")
        expires = self.ledger.clock() + timedelta(hours=hours)
        token, token_id = self.create_token(
            person_id, chosen, member.school_id, "PIN sign-in", Principal(person_id, chosen), expires_at=expires
        )
        return Session(token, Caller(person_id, Role(chosen), member.school_id, token_id), member.name, expires)

    def session(self, caller: Caller) -> Session:
        """Who a token belongs to, named as the school knows them, and until when it works (the secret not again)."""
        name = caller.person_id
        if SCOPED_ROLES.get(caller.role) == "school":
            name = self.ledger.staff(caller.person_id).name
        record = self._token(caller.token_id) if caller.token_id else None
        return Session("", caller, name, record.expires_at if record else None)

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
            record.change(salt=salt, pin_hash=digest, iterations=PIN_ITERATIONS, by=by, at=self.ledger.clock())
        except AggregateNotFoundError:
            record = PersonPin(
                person_id=person_id,
                salt=salt,
                pin_hash=digest,
                iterations=PIN_ITERATIONS,
                by=by,
                at=self.ledger.clock(),
            )
        return self.ledger.save(record)[-1].notification.id

    def pin_matches(self, person_id: str, pin: str) -> bool:
        try:
            record = self.ledger.current(PersonPin.create_id(person_id))
        except AggregateNotFoundError:
            return False
        assert isinstance(record, PersonPin)
        return record.matches(pin)
