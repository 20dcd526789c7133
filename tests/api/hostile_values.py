"""Hypothesis strategies for hostile request bodies, built from the app's own OpenAPI schema.

Each body keeps the documented shape (so it reaches the checks behind the shape) but every
leaf is drawn from a mix of plausible values and the values that broke the read side in
issue 11: NUL and other control characters, lone surrogates, non-NFC text, over-long text,
integers of 2**63 and more, booleans as counts, dates far outside any plausible window,
datetimes with a time zone where a date is meant, currencies that do not exist, and junk of
the wrong type. A new route or body model is covered without touching this module.
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from hypothesis import strategies as st

Schema = dict[str, Any]

#: The catalogue of issue 11's hostile texts, and others every store should survive.
HOSTILE_TEXTS = (
    "a\x00b",
    "x\ud800y",
    "\udfff",
    "\ud83d",
    "tab\there",
    "line\nbreak",
    "cr\rlf",
    "bell\x07",
    "del\x7f",
    "c1\x85",
    "Cafe\u0301",
    "\ufeffbom",
    "\u202eevil",
    "line\u2028sep",
    "\U0001f600",
    "",
    "   ",
    "x" * 10_001,
    "'; DROP TABLE events; --",
    "<script>alert(1)</script>",
    "%s%n{0}",
    "ZZZ",
    "DKK",
    "1e999",
    "NaN",
)
HOSTILE_INTS = (0, 1, -1, 2**31, 2**63 - 1, 2**63, 10**19, -(2**63) - 1, 10**30)
HOSTILE_JUNK = (True, False, None, 1.5, float("inf"), "3", "true", [], {})
HOSTILE_DATES = (
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2201-01-01",
    "2026-02-30",
    "2026-05-01T00:00:00+02:00",
    "2026-05-01T00:00:00Z",
    "2026-05-01 00:00",
    "20260501",
    "2026-5-1",
    1_777_000_000,
)

_surrogate = st.integers(0xD800, 0xDFFF).map(chr)
_control = st.integers(0, 0x1F).map(chr) | st.integers(0x7F, 0x9F).map(chr)
_plain = st.text(string.ascii_letters + string.digits + " -", min_size=1, max_size=12)
_wild = st.lists(st.characters() | _surrogate | _control, max_size=16).map("".join)


def hostile_text() -> st.SearchStrategy[Any]:
    """Text as a field might receive it: plain, wild Unicode, the catalogue, or junk."""
    return st.one_of(_plain, _wild, st.sampled_from(HOSTILE_TEXTS), st.sampled_from(HOSTILE_JUNK))


def hostile_key() -> st.SearchStrategy[str]:
    """A mapping key: always text (JSON keys are), but any text."""
    return st.one_of(_plain, _wild, st.sampled_from(HOSTILE_TEXTS))


def hostile_int() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(0, 20),
        st.integers(-(2**70), 2**70),
        st.sampled_from(HOSTILE_INTS),
        st.sampled_from(HOSTILE_JUNK),
    )


def hostile_date() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.dates(date(1990, 1, 1), date(2060, 12, 31)).map(date.isoformat),
        st.dates().map(date.isoformat),
        st.sampled_from(HOSTILE_DATES),
        st.sampled_from(HOSTILE_JUNK),
    )


class BodyStrategies:
    """Strategies for the request bodies an OpenAPI document describes."""

    def __init__(self, openapi: Schema, real_ids: list[str]) -> None:
        self.components: Schema = openapi.get("components", {}).get("schemas", {})
        self.real_ids = real_ids

    def body(self, schema: Schema) -> st.SearchStrategy[Any]:
        """Mostly the documented shape with hostile leaves; now and then junk of any shape."""
        return st.one_of(
            self.value(schema),
            self.value(schema),
            self.value(schema),
            st.sampled_from([None, [], "x\ud800", 10**19, {"unexpected": "\x00"}]),
        )

    def value(self, schema: Schema) -> st.SearchStrategy[Any]:
        if "$ref" in schema:
            return self.value(self.components[schema["$ref"].rsplit("/", 1)[-1]])
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                return st.one_of([self.value(s) for s in schema[combinator]])
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.value(schema["allOf"][0])
        if "enum" in schema:
            return st.sampled_from(schema["enum"]) | st.sampled_from(("", "\x00", "nope", 1))
        kind = schema.get("type")
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            item = self.value(schema.get("items", {}))
            return st.lists(item, max_size=3) | st.sampled_from(HOSTILE_JUNK)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return hostile_int()
        if kind == "number":
            return st.floats(allow_nan=True) | hostile_int()
        if kind == "boolean":
            return st.booleans() | st.sampled_from(("true", 0, None))
        if kind == "null":
            return st.none()
        return hostile_text()

    def _object(self, schema: Schema) -> st.SearchStrategy[Any]:
        properties: Schema = schema.get("properties", {})
        if not properties:
            # A free mapping (person details): named fields, unknown ones, and many of them.
            mapping = st.dictionaries(
                st.sampled_from(("name", "email", "phone", "address", "note")) | hostile_key(),
                hostile_text(),
                max_size=4,
            )
            many = st.integers(6, 300).map(lambda n: {f"f{i}": "x" for i in range(n)})
            return mapping | many
        required = set(schema.get("required", ()))
        shape = st.fixed_dictionaries(
            {k: self.value(v) for k, v in properties.items() if k in required},
            optional={k: self.value(v) for k, v in properties.items() if k not in required},
        )
        extra = st.dictionaries(hostile_key(), _plain, max_size=2)
        return shape | st.tuples(shape, extra).map(lambda pair: {**pair[1], **pair[0]})

    def _string(self, schema: Schema) -> st.SearchStrategy[Any]:
        form = schema.get("format")
        if form == "uuid":
            return st.one_of(st.sampled_from(self.real_ids), st.uuids().map(str), hostile_text())
        if form == "date":
            return hostile_date()
        if form == "date-time":
            return hostile_date() | st.datetimes().map(lambda d: d.isoformat())
        pattern = schema.get("pattern")
        if pattern is not None:
            return st.from_regex(pattern, fullmatch=True) | hostile_text()
        return hostile_text()
