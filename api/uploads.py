"""A certificate's upload form: what the document is, and its file, read with a cap, checked by its bytes, kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, File, Form, UploadFile
from pydantic import AwareDatetime

from api.documents import MAX_BYTES, Document, DocumentStore, inspect_upload
from api.schemas import CommandBody
from domain.rules import CertificateKind

C = TypeVar("C")


@dataclass(frozen=True)
class CertificateUpload:
    kind: CertificateKind
    number: str
    issuer: str
    issue_date: date
    expiry_date: date | None
    file: UploadFile
    occurred_at: datetime | None = None

    @property
    def when(self) -> CommandBody:
        """When the certificate was handed over, as a JSON command's body says it (default: now)."""
        return CommandBody(occurred_at=self.occurred_at)

    def store(self, documents: DocumentStore) -> Document:
        """Keep the file, even if the command then refuses it: the sweep removes files no event names."""
        content = self.file.file.read(MAX_BYTES + 1)  # one byte past the cap is enough to refuse it (413)
        document = inspect_upload(content)
        documents.put(content, document)
        return document

    def attach(self, kind: Callable[..., C], documents: DocumentStore, **target: Any) -> tuple[C, str]:
        """Keep the file, then the command that attaches it to ``target`` (a batch, a delivery), naming the file by its
        hash; with that hash, for the record of the request."""
        document = self.store(documents)
        fields = {"kind": self.kind.value, "number": self.number, "issuer": self.issuer, "issue_date": self.issue_date}
        return kind(**target, **fields, sha256=document.sha256, expiry_date=self.expiry_date), document.sha256


def certificate_upload(
    kind: Annotated[CertificateKind, Form(description="what the document is", examples=["quality_inspection_report"])],
    number: Annotated[
        str, Form(min_length=1, max_length=100, description="the certificate's own number", examples=["JC-2026-00731"])
    ],
    issuer: Annotated[str, Form(min_length=1, max_length=200, examples=["县食品检验检测中心"])],
    issue_date: Annotated[date, Form(examples=["2026-03-01"])],
    file: Annotated[
        UploadFile,
        File(
            description=f"PDF, JPEG or PNG, at most {MAX_BYTES // 1024 // 1024} MB",
            json_schema_extra={"format": "binary"},
        ),
    ],
    expiry_date: Annotated[date | None, Form(examples=["2026-09-01"])] = None,
    occurred_at: Annotated[
        AwareDatetime | None,
        Form(
            description="when it was handed over, with its offset (default: now)",
            examples=["2026-03-02T06:10:00+08:00"],
        ),
    ] = None,
) -> CertificateUpload:
    return CertificateUpload(
        kind=kind,
        number=number,
        issuer=issuer,
        issue_date=issue_date,
        expiry_date=expiry_date,
        file=file,
        occurred_at=occurred_at,
    )


CertificateForm = Annotated[CertificateUpload, Depends(certificate_upload)]
