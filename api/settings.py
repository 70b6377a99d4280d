"""Where the ledger lives and which rules it enforces, read once from the environment.

FOODTRACE_DATABASE_URL  postgresql://user:password@host:5432/dbname, or sqlite:///path/to/file.
                        Unset: an SQLite file in the user's data folder (the CLI says where).
FOODTRACE_RULES         path to a county rules profile (TOML); unset: the national defaults.
FOODTRACE_DOCUMENTS     folder for uploaded certificate files; unset: beside the SQLite file in the data folder.
FOODTRACE_PROJECTIONS   "inline" (default): the web server keeps the views up to date in a thread;
                        "separate": a `foodtrace projections run` process does it.
FOODTRACE_SIGNING_KEY   the Ed25519 key that signs checkpoints (PEM), made on first use; unset: signing-key.pem
                        in the data folder (beside the documents folder).
FOODTRACE_CHECKPOINT_MINUTES  how often the server signs a checkpoint when the log grew (default 60; 0: never).
FOODTRACE_RESOLVER_BASE the address printed in label QR codes, e.g. https://trace.county.example; a label's
                        code still resolves if this changes.
FOODTRACE_READ_WAIT     seconds a read with ?after= waits for the views before answering 503 (default 5).
FOODTRACE_EPCIS_MAPPING a JSON file mapping EPCIS identifiers the county does not know (a supplier's locations and
                        GTINs) to schools and products, for POST /api/v1/epcis/capture (api/epcis_capture.py).
FOODTRACE_EPCIS_PUSH_URL  an EPCIS 2.0 capture endpoint upward (the city's or province's repository): the server
                        sends it every batch event, each exactly once (api/epcis_push.py); with
                        FOODTRACE_EPCIS_PUSH_TOKEN as its bearer token, if it wants one.
FOODTRACE_EPCIS_SCHEMA  GS1's EPCIS-JSON-Schema.json; unset: shared/epcis/ beside the checkout (api/epcis_schema.py).
FOODTRACE_WEBHOOKS      "inline" (default): the web server sends webhooks in a thread; "separate": a
                        `foodtrace webhooks run` process does it.
FOODTRACE_WEBHOOK_RETRY seconds before a failed webhook is tried again the first time (default 5; doubled
                        after each failure, at most an hour, for about a day).
FOODTRACE_WEBHOOK_ALLOW internal networks webhooks may be sent to, e.g. "10.20.0.0/16" for an ERP on the county's
                        own network (default none: only public addresses; api/destinations.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from platformdirs import user_data_dir

from api.checked_writes import CHECKED_POSTGRES, CHECKED_SQLITE
from api.database import FAIL_FAST_POSTGRES, POOL_WAIT_SECONDS
from api.destinations import Networks, networks
from api.outbox import Retry
from api.webhooks import Webhooks
from domain.ledger import Ledger
from domain.rules import DEFAULT_PROFILE, RulesProfile
from labels.payload import DEFAULT_BASE


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str
    rules_path: Path | None = None
    documents_dir: Path = field(default_factory=lambda: default_data_dir() / "documents")
    resolver_base: str = DEFAULT_BASE
    follow_projections: bool = True
    read_wait_seconds: float = 5.0
    signing_key: Path | None = None  # unset: signing-key.pem beside the documents folder (the data folder)
    checkpoint_minutes: float = 0  # tests and tools sign on demand; from_env (the server) defaults to hourly
    epcis_mapping: Path | None = None
    send_webhooks: bool = False  # tests send on demand; from_env (the server) defaults to sending in a thread
    webhook_retry_seconds: float = 5.0
    webhook_allow: Networks = ()  # internal networks webhooks may still reach (api/destinations.py)
    epcis_push_url: str | None = None
    epcis_push_token: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("FOODTRACE_DATABASE_URL") or f"sqlite:///{default_sqlite_path()}"
        rules = os.environ.get("FOODTRACE_RULES")
        documents = os.environ.get("FOODTRACE_DOCUMENTS")
        return cls(
            database_url=url,
            rules_path=Path(rules) if rules else None,
            documents_dir=Path(documents) if documents else default_data_dir() / "documents",
            resolver_base=os.environ.get("FOODTRACE_RESOLVER_BASE", DEFAULT_BASE),
            follow_projections=os.environ.get("FOODTRACE_PROJECTIONS", "inline") != "separate",
            read_wait_seconds=float(os.environ.get("FOODTRACE_READ_WAIT", "5")),
            signing_key=Path(key) if (key := os.environ.get("FOODTRACE_SIGNING_KEY")) else None,
            checkpoint_minutes=float(os.environ.get("FOODTRACE_CHECKPOINT_MINUTES", "60")),
            epcis_mapping=Path(mapping) if (mapping := os.environ.get("FOODTRACE_EPCIS_MAPPING")) else None,
            send_webhooks=os.environ.get("FOODTRACE_WEBHOOKS", "inline") != "separate",
            webhook_retry_seconds=float(os.environ.get("FOODTRACE_WEBHOOK_RETRY", "5")),
            webhook_allow=networks(os.environ.get("FOODTRACE_WEBHOOK_ALLOW", "")),
            epcis_push_url=os.environ.get("FOODTRACE_EPCIS_PUSH_URL") or None,
            epcis_push_token=os.environ.get("FOODTRACE_EPCIS_PUSH_TOKEN") or None,
        )

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    def describe(self) -> str:
        """The store's address without its password, for people to read."""
        parts = urlsplit(self.database_url)
        if parts.password:
            return self.database_url.replace(f":{parts.password}@", ":***@")
        return self.database_url

    def eventsourcing_env(self) -> dict[str, str]:
        return eventsourcing_env(self.database_url)

    def signing_key_path(self) -> Path:
        return self.signing_key or self.documents_dir.parent / "signing-key.pem"

    def demo_summary_path(self) -> Path:
        """Where `foodtrace demo` keeps the summary it printed (PINs and a token included), per store."""
        parts = urlsplit(self.database_url)
        if parts.scheme == "sqlite":
            ledger_file = Path(unquote(parts.path))
            return ledger_file.with_name(ledger_file.stem + ".demo.json")
        return self.documents_dir.parent / f"demo-{parts.hostname}-{parts.port or 5432}-{parts.path.lstrip('/')}.json"

    def webhooks(self, ledger: Ledger) -> Webhooks:
        return Webhooks(ledger, Retry(first=self.webhook_retry_seconds), allow=self.webhook_allow)

    def profile(self) -> RulesProfile:
        return RulesProfile.from_toml(self.rules_path) if self.rules_path else DEFAULT_PROFILE

    def open_ledger(self) -> Ledger:
        return Ledger(env=self.eventsourcing_env(), profile=self.profile())


def default_data_dir() -> Path:
    return Path(user_data_dir("foodtrace"))


def default_sqlite_path() -> Path:
    return default_data_dir() / "ledger.sqlite3"


def eventsourcing_env(url: str) -> dict[str, str]:
    """Translate a database URL into the eventsourcing library's settings."""
    parts = urlsplit(url)
    if parts.scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise SettingsError(
                "FOODTRACE_DATABASE_URL names no database, e.g. postgresql://postgres@127.0.0.1/foodtrace"
            )
        return {
            "PERSISTENCE_MODULE": FAIL_FAST_POSTGRES,  # 503 at once when the server is away (api/database.py)
            "POSTGRES_CONNECT_TIMEOUT": POOL_WAIT_SECONDS,
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            # Off: with it on, a projection following the log was seen to skip events (shared/EVENTSOURCING.md).
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "APPLICATION_RECORDER_TOPIC": CHECKED_POSTGRES,  # commands decide on cached records (api/checked_writes.py)
        }
    if parts.scheme == "sqlite":
        path = Path(unquote(parts.path))
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "APPLICATION_RECORDER_TOPIC": CHECKED_SQLITE,
        }
    raise SettingsError(f"FOODTRACE_DATABASE_URL must start with postgresql:// or sqlite:///, not {parts.scheme}://")
