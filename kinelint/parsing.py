"""Bytes to an exact JSON value, or a located parse problem (the PRS family).

orjson parses fast but returns binary floats; every float is then turned back
into the ``Decimal`` that was written. ``Decimal(repr(x))`` is exact for any
number written with at most 15 significant digits (IEEE 754 double keeps 15
decimal digits); documents that may hold longer numbers are re-parsed with the
standard library straight into ``Decimal``. Duplicate keys, which orjson
silently folds, are caught by counting the keys written in the source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

import orjson

BOM = b"\xef\xbb\xbf"

# Containers an invoice may nest: invoice > sessions > session > acts > act is 5;
# the rest is slack for schema errors to be worded rather than refused.
MAX_DEPTH = 8

# A run of 16+ digits (and dots) may be a number beyond double precision.
_LONG_NUMBER = re.compile(rb"[0-9][0-9.]{15,}")
# Every JSON string, and whether a colon follows it (then it is a key).
_STRING_THEN_COLON = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"[ \t\r\n]*(:?)')


@dataclass(frozen=True, slots=True)
class ParseProblem(Exception):
    """Why a text is not a usable JSON document, and where (0-based char offset)."""

    code: str
    message: str
    offset: int = 0
    pointer: str = ""


class _NeedsExact(Exception):
    """A float that cannot be trusted to round-trip: re-parse exactly."""


def parse(data: bytes, *, extra_depth: int = 0) -> object:
    """Parse one JSON text into Python values with every number exact.

    ``extra_depth`` allows for a wrapping array (an array file holds invoices
    one level down). Raises ``ParseProblem``.
    """
    if not data.strip():
        raise ParseProblem("PRS006", "the file (or line) is empty: expected an invoice")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "infinity when parsed as double" not in error.msg:
            raise _classify(data, error) from None
        return _parse_exact(data, extra_depth)
    if _LONG_NUMBER.search(data):
        return _parse_exact(data, extra_depth)
    try:
        if isinstance(value, float):
            value = _exact_float(value)
        keys_in_tree = _exactify(value, 0, MAX_DEPTH + extra_depth)
    except _NeedsExact:
        return _parse_exact(data, extra_depth)
    if keys_in_tree != count_written_keys(data):
        raise _duplicate_key_problem(data)
    return value


def count_written_keys(data: bytes) -> int:
    colons = _STRING_THEN_COLON.findall(data)
    return len(colons) - colons.count(b"")


def _exactify(node: object, depth: int, limit: int) -> int:
    """Replace floats by Decimals in place; return the number of object keys."""
    if depth >= limit:
        raise ParseProblem("PRS005", f"nesting deeper than the invoice format allows ({limit} levels)")
    keys = 0
    if isinstance(node, dict):
        keys = len(node)
        for key, item in node.items():
            if isinstance(item, float):
                node[key] = _exact_float(item)
            elif isinstance(item, (dict, list)):
                keys += _exactify(item, depth + 1, limit)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, float):
                node[index] = _exact_float(item)
            elif isinstance(item, (dict, list)):
                keys += _exactify(item, depth + 1, limit)
    return keys


def _exact_float(number: float) -> Decimal:
    text = repr(number)
    if "e" in text or "n" in text:  # exponent, inf or nan: not a plain written decimal
        raise _NeedsExact
    return Decimal(text)


def _reject_constant(name: str) -> object:
    raise ValueError(name)


# Python refuses to convert integers longer than this (sys.get_int_max_str_digits).
_INT_DIGITS = 4000


def _exact_int(text: str) -> int | Decimal:
    """An integer; one too long for ``int`` stays an exact Decimal (the schema then bounds it)."""
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)


def _parse_exact(data: bytes, extra_depth: int) -> object:
    """The slow, exact path: the standard library straight into Decimal."""
    text = decode(data)
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=_exact_int, parse_constant=_reject_constant)
    except RecursionError:
        raise ParseProblem("PRS005", "nesting far deeper than the invoice format allows") from None
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise ParseProblem("PRS002", f"invalid JSON: {error.msg}", error.pos) from None
        raise ParseProblem("PRS004", f"{error} is not a JSON number (NaN and Infinity are not allowed)",
                           max(text.find(str(error)), 0)) from None
    if _exactify(value, 0, MAX_DEPTH + extra_depth) != count_written_keys(data):
        raise _duplicate_key_problem(data)
    return value


def decode(data: bytes) -> str:
    """UTF-8 text of the data, or a PRS001 problem at the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        raise ParseProblem(
            "PRS001",
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); invoices must be UTF-8 text",
            len(good),
        ) from None


def _classify(data: bytes, error: orjson.JSONDecodeError) -> ParseProblem:
    text = decode(data)  # raises PRS001 on bad encoding
    offset = _char_offset(text, error)
    rest = text[offset:]
    if rest.startswith(BOM.decode("utf-8")):
        return ParseProblem("PRS002", "a byte order mark inside the text (only one, at the very start, is tolerated)", offset)
    for constant in ("NaN", "Infinity", "-Infinity"):
        if rest.startswith(constant):
            return ParseProblem("PRS004", f"{constant} is not a JSON number (NaN and Infinity are not allowed)", offset)
    if "depth" in error.msg or "recursion" in error.msg:
        return ParseProblem("PRS005", "nesting far deeper than the invoice format allows", offset)
    return ParseProblem("PRS002", f"invalid JSON: {error.msg}", offset)


def _char_offset(text: str, error: orjson.JSONDecodeError) -> int:
    """orjson reports line and column; turn them into a character offset."""
    line_start = 0
    for _ in range(max(error.lineno - 1, 0)):
        found = text.find("\n", line_start)
        if found < 0:
            break
        line_start = found + 1
    return min(line_start + max(error.colno - 1, 0), len(text))


def _duplicate_key_problem(data: bytes) -> ParseProblem:
    from kinelint.positions import find_duplicate_key
    from kinelint.privacy import safe_pointer, shows_patient_data

    text = decode(data)
    found = find_duplicate_key(text)
    if found is None:  # counting said so; be safe rather than silent
        return ParseProblem("PRS003", "an object repeats a key")
    pointer, offset, key = found
    if shows_patient_data(key, dates=True):  # a NIR or a date written as a key: say where, not what
        return ParseProblem("PRS003", "duplicate key (not shown: it looks like patient data): "
                            "JSON readers disagree on which value wins", offset, safe_pointer(pointer))
    return ParseProblem("PRS003", f"duplicate key {key!r}: JSON readers disagree on which value wins", offset,
                        safe_pointer(pointer))
