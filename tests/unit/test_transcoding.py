"""The Ledger's transcoder reads every stored event exactly as the library's json decoder does, orjson or not, and
writes every event exactly as the library's json encoder does."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import JSONTranscoder

from api.cli.demo import seed_demo
from domain.ledger import Ledger
from domain.rules import Category
from domain.values import Principal


class UserText(str):
    """A str subclass: json writes it as text without asking the typed-value hook."""


class UserListOfText(list[str]):
    pass


def as_json_reads_it(ledger: Ledger, data: bytes) -> Any:
    """The library's own path: json's decoder with the typed values turned back by its object hook."""
    return JSONTranscoder.decode(ledger.mapper.transcoder, data)  # type: ignore[arg-type]


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True would pass a plain ==)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN is not equal to itself


def test_every_event_of_a_seeded_county_decodes_as_the_library_decodes_it(ledger: Ledger) -> None:
    seed_demo(ledger, days=3)
    stored = ledger.recorder.select_notifications(start=1, limit=100_000)
    assert len(stored) > 100

    transcoder = ledger.mapper.transcoder
    assert all(same(transcoder.decode(n.state), as_json_reads_it(ledger, n.state)) for n in stored)


@pytest.mark.parametrize(
    "document",
    [
        b'{"n": 123456789012345678901234567890}',  # beyond 64 bits: orjson alone would read a float
        b'{"n": -99999999999999999999}',
        b'{"x": NaN, "y": Infinity, "z": -Infinity}',  # orjson refuses these; json reads them
        b'{"x": 1e400}',
        b'{"s": "\\ud800 alone"}',  # a lone surrogate
        b'{"f": 0.1, "g": [1.5e-7]}',
        b'{"a": 1, "b": 2, "a": 3}',  # a key twice: the last value, at the first place
        b'{"at": {"_type_": "datetime_iso", "_data_": "2024-03-01T11:30:00+08:00"}, "n": 7}',
        b'{"list": [{"_type_": "decimal_str", "_data_": "2.50"}, [{"_type_": "date_iso", "_data_": "2024-03-01"}]]}',
        b'{"by": {"_type_": "principal", "_data_": {"person_id": "CG01-1", "role": "storekeeper"}}}',
        b'{"_type_": "uuid_hex", "_data_": "0123456789abcdef0123456789abcdef"}',
        b'{"_type_": "date_iso", "_data_": "2024-03-01", "other": 1}',  # three keys: a plain dict
        b'{"text": "\\u0000 and \xe5\x86\x9c"}',
        b"[]",
    ],
)
def test_what_orjson_reads_otherwise_decodes_as_json_reads_it(ledger: Ledger, document: bytes) -> None:
    assert same(ledger.mapper.transcoder.decode(document), as_json_reads_it(ledger, document))


@pytest.mark.parametrize(
    "document",
    [
        b'{"x": {"_type_": "no_such_type", "_data_": 1}}',
        b'{"x": 1',
        b'{"x": "\xff"}',  # not UTF-8
    ],
)
def test_what_cannot_be_read_fails_as_json_fails(ledger: Ledger, document: bytes) -> None:
    with pytest.raises(Exception) as expected:
        as_json_reads_it(ledger, document)
    with pytest.raises(type(expected.value)):
        ledger.mapper.transcoder.decode(document)


def as_the_library_encodes_it(ledger: Ledger, state: Any) -> bytes:
    """The library's own path: json.JSONEncoder.encode with its typed-value hook."""
    return JSONTranscoder.encode(ledger.mapper.transcoder, state)  # type: ignore[arg-type]


def test_every_event_of_a_seeded_county_encodes_as_the_library_encodes_it(ledger: Ledger) -> None:
    seed_demo(ledger, days=3)
    stored = ledger.recorder.select_notifications(start=1, limit=100_000)
    assert len(stored) > 100

    transcoder = ledger.mapper.transcoder
    for notification in stored:
        state = transcoder.decode(notification.state)
        assert transcoder.encode(state) == as_the_library_encodes_it(ledger, state) == notification.state


@pytest.mark.parametrize(
    "state",
    [
        {"at": datetime(2024, 3, 1, 11, 30, tzinfo=UTC), "n": [Decimal("2.50"), date(2024, 3, 1), UUID(int=7)]},
        {"by": Principal("CG01-1", "storekeeper"), "f": 0.1, "g": [1.5e-7, float("nan"), float("inf")]},
        {"text": "\x00, \n, \u2028 and 农", "big": 123456789012345678901234567890, "t": True, "none": None},
        {"kind": Category.MEAT, "nested": {"a": [{"b": ()}]}, 1: "int key", None: "none key"},
        {"past 64 bits": [2**64, -(2**63) - 1], "at the edges": [2**64 - 1, -(2**63)], Category.MEAT: "enum key"},
        {"as a dict": Counter(a=1), "as a list": UserListOfText(["农"]), "as text": UserText("农")},
        {"typed in typed": Principal("CG01-1", "storekeeper"), "in lists": [[date(2024, 3, 1)], {"d": Decimal(1)}]},
        {},
    ],
)
def test_typed_values_and_odd_text_encode_as_the_library_encodes_them(ledger: Ledger, state: dict[Any, Any]) -> None:
    assert ledger.mapper.transcoder.encode(state) == as_the_library_encodes_it(ledger, state)


def test_every_code_point_is_written_as_the_library_writes_it(ledger: Ledger) -> None:
    text = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    chunks = [text[start : start + 4096] for start in range(0, len(text), 4096)]
    state = {chunk: [chunk, {"_data_": chunk}] for chunk in chunks}  # every code point in a key and in a value
    assert ledger.mapper.transcoder.encode(state) == as_the_library_encodes_it(ledger, state)


def test_every_event_of_a_seeded_county_is_written_without_the_library_encoder(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(ledger, days=3)
    stored = ledger.recorder.select_notifications(start=1, limit=100_000)
    transcoder = ledger.mapper.transcoder
    states = [transcoder.decode(notification.state) for notification in stored]

    monkeypatch.setattr(JSONTranscoder, "encode", lambda self, state: pytest.fail(f"the library encoded {state}"))
    assert [transcoder.encode(state) for state in states] == [notification.state for notification in stored]


def circular() -> dict[str, Any]:
    state: dict[str, Any] = {"a": []}
    state["a"].append(state)
    return state


@pytest.mark.parametrize(
    "state", [{"x": object()}, {"x": {"y": [b"bytes"]}}, circular(), {"x": {"k": set()}}, {"s": "\ud800 alone"}]
)
def test_what_cannot_be_encoded_fails_as_the_library_fails(ledger: Ledger, state: Any) -> None:
    with pytest.raises(Exception) as expected:
        as_the_library_encodes_it(ledger, state)
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        ledger.mapper.transcoder.encode(state)
