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


class DocumentAltered(Exception):
    """A stored file no longer has the SHA-256 that names it: replaced or damaged on disk."""


class DocumentStore:
    """Files on disk under their SHA-256: ``root/ab/abcdef….pdf``.

    A request only ever adds files. A file goes only in ``evidence.sweep``, once no recorded event names it and a
    grace period has passed: a request that lost a race must not take away the file that the winner recorded.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, kind: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{kind}"

    def put(self, content: bytes, document: Document) -> None:
        """Store the file durably before the ledger records it, so an event never names a missing file."""
        target = self.path(document.sha256, document.kind)
        try:
            if _sha256_of(target) == document.sha256:
                os.utime(target)  # fresh again: the sweep's grace period starts over for a file about to be recorded
                return
        except FileNotFoundError:
            pass  # not there (or just taken by the sweep): write it
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, fsync, rename: a reader never sees half a file, a crash never leaves one.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        _fsync_directory(target.parent)

    def find(self, sha256: str) -> Document | None:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            return None
        for kind in MEDIA_TYPES:
            path = self.path(sha256, kind)
            if path.exists():
                return Document(sha256, kind, path.stat().st_size)
        return None

    def read(self, document: Document) -> bytes:
        """The file's bytes, checked against the SHA-256 that names it."""
        content = self.path(document.sha256, document.kind).read_bytes()
        if hashlib.sha256(content).hexdigest() != document.sha256:
            raise DocumentAltered(document.sha256)
        return content

    def files(self) -> Iterator[Path]:
        """Every file in the store, finished or left half-written by a crash."""
        if self.root.exists():
            yield from (path for path in self.root.glob("*/*") if path.is_file())

    def altered(self, document: Document) -> bool:
        return _sha256_of(self.path(document.sha256, document.kind)) != document.sha256

    def remove_if_untouched_since(self, path: Path, cutoff: float) -> bool:
        """Remove a file unless an upload refreshed it after ``cutoff`` (it is about to be recorded)."""
        held = path.with_name(f"{SWEEPING_PREFIX}{path.name}")
        try:
            os.replace(path, held)  # out of reach first: an upload arriving now writes the file anew
        except FileNotFoundError:
            return False
        if held.stat().st_mtime >= cutoff:
            os.replace(held, path)  # an upload refreshed it just before: keep it
            return False
        held.unlink()
        return True


TEMPORARY_PREFIX = ".upload-"
SWEEPING_PREFIX = ".sweeping-"


def sha256_named_by(path: Path) -> str | None:
    """The SHA-256 a stored file's name claims; None for a temporary file (its name starts with a dot)."""
    return None if path.name.startswith(".") else path.name.split(".")[0]


def _sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _fsync_directory(folder: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
