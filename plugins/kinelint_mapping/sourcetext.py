"""A vendor's text read with the place of every value: JSON (pointer -> offsets) and CSV (cells -> offsets).

kinelint's own reader knows positions only for its format; a vendor's file is
read here whole, once, into exact values (numbers as ``Decimal``, a repeated key
refused as kinelint refuses it) and the character offsets where each value is
written, so that each field of an adapted invoice can point back at its text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from json.decoder import scanstring

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
MAX_DEPTH = 64  # far deeper than any export; deeper is refused, never a RecursionError


class NotJson(ValueError):
    """The text is not JSON as kinelint reads it; ``offset`` is where it breaks."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason, self.offset = reason, offset


def escape_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def parse_json(text: str) -> tuple[object, dict[str, tuple[int, int]]]:
    """The value of ``text`` and, for each JSON pointer in it, the (start, end) offsets of its value's text."""
    offsets: dict[str, tuple[int, int]] = {}
    start = _SPACE.match(text, 0).end()
    value, end = _value(text, start, "", offsets, 0)
    end = _SPACE.match(text, end).end()
    if end != len(text):
        raise NotJson("text after the end of the JSON value", end)
    return value, offsets


def _value(text: str, at: int, pointer: str, offsets: dict, depth: int) -> tuple[object, int]:
    if depth > MAX_DEPTH:
        raise NotJson("nested too deep", at)
    head = text[at:at + 1]
    if head == "{":
        value, end = _object(text, at, pointer, offsets, depth)
    elif head == "[":
        value, end = _array(text, at, pointer, offsets, depth)
    elif head == '"':
        try:
            value, end = scanstring(text, at + 1)
        except ValueError:
            raise NotJson("a string is not closed or holds a bad escape", at) from None
    else:
        number = _NUMBER.match(text, at)
        if number:
            written = number.group()
            value = Decimal(written) if number.group(1) or number.group(2) else int(written)
            end = number.end()
        else:
            for word, meaning in _LITERALS:
                if text.startswith(word, at):
                    value, end = meaning, at + len(word)
                    break
            else:
                raise NotJson("a value is expected here", at)
    offsets[pointer] = (at, end)
    return value, end


def _object(text: str, at: int, pointer: str, offsets: dict, depth: int) -> tuple[dict, int]:
    found: dict = {}
    at = _SPACE.match(text, at + 1).end()
    if text[at:at + 1] == "}":
        return found, at + 1
    while True:
        if text[at:at + 1] != '"':
            raise NotJson("a key in double quotes is expected here", at)
        try:
            key, at = scanstring(text, at + 1)
        except ValueError:
            raise NotJson("a key is not closed or holds a bad escape", at) from None
        if key in found:
            raise NotJson(f"the object repeats the key {key!r}", at)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] != ":":
            raise NotJson("a ':' is expected here", at)
        at = _SPACE.match(text, at + 1).end()
        found[key], at = _value(text, at, f"{pointer}/{escape_token(key)}", offsets, depth + 1)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] == ",":
            at = _SPACE.match(text, at + 1).end()
            continue
        if text[at:at + 1] == "}":
            return found, at + 1
        raise NotJson("a ',' or '}' is expected here", at)


def _array(text: str, at: int, pointer: str, offsets: dict, depth: int) -> tuple[list, int]:
    found: list = []
    at = _SPACE.match(text, at + 1).end()
    if text[at:at + 1] == "]":
        return found, at + 1
    while True:
        value, at = _value(text, at, f"{pointer}/{len(found)}", offsets, depth + 1)
        found.append(value)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] == ",":
            at = _SPACE.match(text, at + 1).end()
            continue
        if text[at:at + 1] == "]":
            return found, at + 1
        raise NotJson("a ',' or ']' is expected here", at)


@dataclass(frozen=True, slots=True)
class Cell:
    """One CSV field: its text (unquoted), its 1-based number in the row, and where its text stands."""

    text: str
    number: int
    start: int
    end: int
    quoted: bool


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # where the record starts
    cells: tuple[Cell, ...]


class NotCsv(ValueError):
    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason, self.offset = reason, offset


def parse_csv(text: str, delimiter: str = ",") -> list[Row]:
    """The records of a CSV text (RFC 4180: double quotes, doubled inside), each cell with its offsets
    (inside the quotes for a quoted one: what a correction replaces)."""
    rows, cells, at, line, row_line = [], [], 0, 1, 1
    length = len(text)
    while at <= length:
        if at < length and text[at] == '"':
            close, parts, cursor = None, [], at + 1
            while True:
                quote = text.find('"', cursor)
                if quote < 0:
                    raise NotCsv("a quoted field is not closed", at)
                parts.append(text[cursor:quote])
                if text[quote + 1:quote + 2] == '"':
                    parts.append('"')
                    cursor = quote + 2
                    continue
                close = quote
                break
            cell = Cell("".join(parts), len(cells) + 1, at + 1, close, True)
            line += text.count("\n", at, close)
            at = close + 1
            if at < length and text[at] not in (delimiter, "\r", "\n"):
                raise NotCsv("text after a closing quote", at)
        else:
            end = at
            while end < length and text[end] not in (delimiter, "\r", "\n"):
                end += 1
            if '"' in text[at:end]:
                raise NotCsv("a double quote inside an unquoted field", at + text[at:end].index('"'))
            cell = Cell(text[at:end], len(cells) + 1, at, end, False)
            at = end
        cells.append(cell)
        if at < length and text[at] == delimiter:
            at += 1
            continue
        if at < length and text[at] == "\r":
            at += 1
        if at < length and text[at] == "\n":
            at += 1
        if any(c.text for c in cells) or len(cells) > 1:
            rows.append(Row(row_line, tuple(cells)))
        line += 1
        row_line, cells = line, []
        if at >= length:
            break
    return rows


class Lines:
    """Line and column (1-based, in characters) of offsets in one text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1
