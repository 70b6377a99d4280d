"""What a label's QR code says (标签二维码内容), and how a scan is read back to one batch.

Two forms are written:

- with the supplier's GTIN, a GS1 Digital Link URI that any GS1 app understands, plus our batch code
  in the non-GS1 query parameter ``ft`` (a GTIN and lot may be received at many schools; the code
  names exactly one batch)::

      {base}/01/{GTIN-14}/10/{lot, percent-encoded}?17={use-by YYMMDD}&ft={XXXX-XXXXX}

- without a GTIN, a short FoodTrace URI: ``{base}/b/{XXXX-XXXXX}``.

Reading never looks at the host or path prefix, so labels survive a change of server address, and
the code alone (typed, or sent by a scanner without the URI) reads as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import parse_qs, quote, urlsplit

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from domain.codes import InvalidBatchCode, normalise_batch_code

DEFAULT_BASE = "https://ft.example.invalid"
CODE_PARAMETER = "ft"  # GS1 Digital Link allows query parameters that are not GS1 AIs
SHORT_PATH = "b"

# AIM symbology identifier that handheld scanners may prefix: "]" + symbology letter + modifier.
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")

Kind = Literal["foodtrace", "digital_link", "code"]


class InvalidPayload(ValueError):
    """A scan or typed text that is not a FoodTrace label for exactly one batch."""

    code = "invalid_label"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class ScannedLabel:
    """What a scan says: always our batch code; the GS1 data too when the label carries it."""

    code: str
    gtin: str | None
    lot: str | None
    use_by: date | None
    kind: Kind


def batch_uri(
    code: str,
    *,
    base: str = DEFAULT_BASE,
    gtin: str | None = None,
    lot: str | None = None,
    use_by: date | None = None,
) -> str:
    """The URI to put in a batch label's QR code.

    ``gtin`` (14 digits) and ``lot`` (GS1 AI 10) are the ledger's normalised values. Without a GTIN
    the short form is written and the lot and use-by date are left to the server.
    """
    canonical = normalise_batch_code(code)
    root = _checked_base(base)
    if gtin is None:
        uri = f"{root}/{SHORT_PATH}/{canonical}"
    else:
        path = f"{root}/01/{gtin}" + ("" if lot is None else f"/10/{quote(lot, safe='')}")
        query = ("" if use_by is None else f"17={use_by:%y%m%d}&") + f"{CODE_PARAMETER}={canonical}"
        uri = f"{path}?{query}"
    written = ScannedLabel(canonical, gtin, lot if gtin else None, use_by if gtin else None, _kind(gtin))
    try:
        read = parse(uri)
    except InvalidPayload as error:
        raise ValueError(f"cannot write a label for these values: {error.en}") from error
    if read != written:
        raise ValueError(f"the label would read back as {read}, not {written}")
    return uri


def parse(text: str) -> ScannedLabel:
    """Read a scan or typed text; raise InvalidPayload when it is not a well-formed FoodTrace label."""
    value = _AIM_PREFIX.sub("", text.strip()).strip()
    if not value:
        raise InvalidPayload(zh="扫码内容为空，请重新扫描", en="the scan is empty; scan the label again")
    if "://" not in value:
        return ScannedLabel(_batch_code(value), None, None, None, "code")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise _not_our_label()
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2].lower() == SHORT_PATH:
        if parts.query:
            raise _not_our_label()
        return ScannedLabel(_batch_code(segments[-1]), None, None, None, "foodtrace")
    return _digital_link(value, parts.query)


def _digital_link(value: str, query: str) -> ScannedLabel:
    try:
        link = GS1DigitalLinkURI.parse(value)
    except ParseError as error:
        raise InvalidPayload(
            zh="标签内容不完整或有误（GS1 数字链接无法识别），请重新扫描或手动输入批次码",
            en=f"the label's GS1 Digital Link is malformed ({error}); scan again or type the batch code",
        ) from error
    gtin_element = link.element_strings.get(ai="01")
    if gtin_element is None:
        raise _not_our_label()
    if gtin_element.gtin is None:  # biip reports a wrong check digit here rather than raising
        raise InvalidPayload(
            zh="标签上的商品条码（GTIN）校验位错误，标签可能被篡改",
            en=f"the GTIN on the label is invalid ({gtin_element.gtin_error}); the label may be forged",
        )
    codes = parse_qs(query).get(CODE_PARAMETER)
    if not codes:
        raise InvalidPayload(
            zh="这是供应商的商品码，不是本校的批次标签：缺少批次码",
            en="this is a supplier's product code, not a FoodTrace batch label: the batch code is missing",
        )
    if len(set(codes)) > 1:
        raise _not_our_label()
    lot = link.element_strings.get(ai="10")
    use_by = link.element_strings.get(ai="17")
    return ScannedLabel(
        code=_batch_code(codes[0]),
        gtin=gtin_element.value,
        lot=None if lot is None else lot.value,
        use_by=None if use_by is None else use_by.date,
        kind="digital_link",
    )


def _batch_code(text: str) -> str:
    try:
        return normalise_batch_code(text)
    except InvalidBatchCode as error:
        raise InvalidPayload(
            zh="批次码有误（位数、字符或校验位不对），请核对标签或重新扫描",
            en=f"the batch code is wrong ({error}); check the label or scan again",
        ) from error


def _not_our_label() -> InvalidPayload:
    return InvalidPayload(zh="这不是食安追溯系统的标签", en="this is not a FoodTrace label")


def _checked_base(base: str) -> str:
    root = base.rstrip("/")
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the resolver base must be an http(s) URL without query, got {base!r}")
    return root


def _kind(gtin: str | None) -> Kind:
    return "foodtrace" if gtin is None else "digital_link"
