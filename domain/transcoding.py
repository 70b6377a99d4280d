"""The Ledger's JSON transcoder: the library's, with faster ways to JSON and back.

The stored bytes are the library's own. Decoding parses with orjson (C) and then turns
each ``{"_type_": name, "_data_": data}`` back, innermost first, as the library's ``object_hook`` would, with one
dict lookup and a direct call instead of the library's hook (several tries, casts and a method call each): about
5 µs an event of a county's log instead of 8.5, and a view's rebuild decodes every one.

orjson reads some JSON otherwise than the standard library: it refuses NaN, infinities and lone surrogates
(``\\ud800``), and reads an integer beyond 64 bits as a float. Such an event is decoded by the library's json
decoder instead, so every event decodes to exactly what it did before: our events hold no floats, so any float
sends it there too (tests/unit/test_transcoding.py).

Encoding writes with orjson too, once the typed values are turned as the library's ``_encode_obj`` turns them
(``{"_type_": name, "_data_": data}``, in Python): orjson writes JSON's own types byte for byte as json does with the
library's settings (every code point compared), in a fifth of the time. Whatever else an event holds (a float, which
orjson writes otherwise; a tuple; a subclass of str, int, list or dict, which json writes as the base type without
asking the hook; an int beyond 64 bits; a lone surrogate; a circular reference) goes to the library's encoder, which
writes it or raises as it always did.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding


class _Inexact(Exception):
    """A float in orjson's reading: perhaps an integer it could not hold, so json reads the event instead."""


class _NotPlain(Exception):
    """A value orjson would write otherwise than json (or json refuses): the library's encoder writes the event."""


def c_encoder(like: json.JSONEncoder, default: Callable[[Any], Any]) -> Callable[[Any, int], list[str]] | None:
    """The C encoder ``like.encode`` builds on each call, built once, with no markers (no circular check)."""
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None or like.indent is not None:
        return None  # json without its C part: the library's encoder, as before
    strings = json.encoder.encode_basestring_ascii if like.ensure_ascii else json.encoder.encode_basestring
    # In the order json's iterencode passes them (c_make_encoder takes no names); markers None: no circular check.
    settings = (None, default, strings, like.indent, like.key_separator, like.item_separator, like.sort_keys)
    found: Callable[[Any, int], list[str]] = make(*settings, like.skipkeys, like.allow_nan)
    return found


class LedgerTranscoder(JSONTranscoder):
    def __init__(self) -> None:
        super().__init__()
        self._decoders: dict[str, Callable[[Any], Any]] = {}
        self._encoders: dict[type, tuple[str, Callable[[Any], Any]]] = {}
        self.decoder = json.JSONDecoder(object_hook=self._decode_typed)

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._decoders[transcoding.name] = transcoding.decode
        if not issubclass(transcoding.type, _JSON_WRITES_ITSELF):  # json writes those without asking the hook
            self._encoders[transcoding.type] = (transcoding.name, transcoding.encode)

    def encode(self, obj: Any) -> bytes:
        if type(obj) is dict:
            try:
                return orjson.dumps(self._plain(obj))
            except (_NotPlain, orjson.JSONEncodeError, RecursionError):  # RecursionError: a circular reference
                pass
        return super().encode(obj)

    def _plain(self, value: Any) -> Any:
        """``value`` with its typed values turned as the library's ``_encode_obj`` turns them (and what they turn
        into, as json's encoder asks its hook again); _NotPlain for anything orjson would not write as json does."""
        kind = type(value)
        if kind in _WRITTEN_ALIKE:
            return value
        if kind is dict:  # a key not str: orjson refuses it; a value alike is not called for (an event has ~25)
            return {key: item if type(item) in _WRITTEN_ALIKE else self._plain(item) for key, item in value.items()}
        if kind is list:
            return [self._plain(item) for item in value]
        found = self._encoders.get(kind)
        if found is None:
            raise _NotPlain
        name, encode = found
        return {"_type_": name, "_data_": self._plain(encode(value))}

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)  # what orjson refuses: json reads it, or fails as it always did
        try:
            return self._revive(parsed)
        except (_Inexact, RecursionError):  # RecursionError: nested deeper than json's own limit lets through
            return super().decode(data)

    def _revive(self, value: Any) -> Any:
        """Every dict in ``value`` through ``_decode_typed``, innermost first, as json's ``object_hook``."""
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                if type(item) in _NOT_PLAIN:
                    value[key] = self._revive(item)
            # _decode_typed, written out: a call for every dict of a rebuild's log is felt.
            if len(value) != 2 or "_type_" not in value or "_data_" not in value:
                return value
            decode = self._decoders.get(value["_type_"])
            return self._decode_obj(value) if decode is None else decode(value["_data_"])
        if kind is list:
            for index, item in enumerate(value):
                if type(item) in _NOT_PLAIN:
                    value[index] = self._revive(item)
            return value
        if kind is float:
            raise _Inexact
        return value

    def _decode_typed(self, d: dict[str, Any]) -> Any:
        """As the library's ``_decode_obj``: a dict of exactly ``_type_`` and ``_data_`` is a typed value."""
        if len(d) != 2 or "_type_" not in d or "_data_" not in d:
            return d
        decode = self._decoders.get(d["_type_"])
        if decode is None:
            return self._decode_obj(d)  # the library's error for a name nobody registered
        return decode(d["_data_"])


_NOT_PLAIN = frozenset({dict, list, float})  # what _revive looks into (or refuses); str, int, bool, None stay
_WRITTEN_ALIKE = frozenset({str, int, bool, type(None)})  # by orjson and json (an int beyond 64 bits: orjson refuses)
_JSON_WRITES_ITSELF = (str, int, float, list, tuple, dict)
