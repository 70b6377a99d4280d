"""Certificate files (检测报告、检疫证明、发票): checked by their bytes, kept in a content-addressed store.

A file's name on disk is its SHA-256, the same digest the ledger records in the certificate's event, so a
stored document proves itself and storing the same file twice keeps one copy.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from api.errors import ApiError

MAX_BYTES = 10 * 1024 * 1024
MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class Document:
    sha256: str
    kind: str  # pdf / jpeg / png
    size: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def inspect_upload(content: bytes, max_bytes: int = MAX_BYTES) -> Document:
    """What the bytes are, whatever the file was called; refuse anything but a whole PDF, JPEG or PNG."""
    if not content:
        raise _refused("文件为空", "the file is empty")
    if len(content) > max_bytes:
        raise ApiError(
            413,
            "file_too_large",
            f"文件过大（上限{max_bytes // 1024 // 1024} MB）",
            f"the file is larger than {max_bytes // 1024 // 1024} MB",
            "file",
        )
    kind = _kind_of(content)
    if kind is None:
        raise _refused("只接受PDF、JPEG或PNG格式的证明文件", "only PDF, JPEG or PNG documents are accepted")
    if kind == "pdf":
        _check_whole_pdf(content)
    else:
        _check_whole_image(content)
    return Document(hashlib.sha256(content).hexdigest(), kind, len(content))


def _kind_of(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _check_whole_pdf(content: bytes) -> None:
    # A PDF ends with its cross-reference pointer and %%EOF; a cut-off upload has neither at its end.
    tail = content[-1024:]
    if b"%%EOF" not in tail or b"startxref" not in content[-2048:]:
        raise _refused("PDF文件不完整（可能上传中断），请重新上传", "the PDF is incomplete (cut off?); upload it again")


def _check_whole_image(content: bytes) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # decodes every pixel: a truncated image raises here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refused(
            "图片文件已损坏或不完整，请重新上传", "the image is damaged or incomplete; upload it again"
        ) from None


def _refused(zh: str, en: str) -> ApiError:
    return ApiError(422, "invalid_document", zh, en, "file")


class DocumentStore:
    """Files on disk under their SHA-256: ``root/ab/abcdef….pdf``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, kind: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{kind}"

    @contextmanager
    def kept_if_recorded(self, content: bytes, document: Document) -> Iterator[None]:
        """Store the file before the ledger records it, and take it away again if the ledger refuses.

        So an event never names a missing file, and a refused upload leaves no trace.
        """
        created = self.put(content, document)
        try:
            yield
        except BaseException:
            if created:
                self.path(document.sha256, document.kind).unlink(missing_ok=True)
            raise

    def put(self, content: bytes, document: Document) -> bool:
        """Store the file; False when the same file was already there."""
        target = self.path(document.sha256, document.kind)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        return True

    def find(self, sha256: str) -> Document | None:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            return None
        for kind in MEDIA_TYPES:
            path = self.path(sha256, kind)
            if path.exists():
                return Document(sha256, kind, path.stat().st_size)
        return None
