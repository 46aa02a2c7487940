"""Where a JSON pointer's value starts in the text as written (1-based line, column).

Positions are only needed for documents that have findings, so this scanner is
kept off the clean path: it walks the text token by token, following the
pointer path, and records the offsets of the pointers it was asked for. It
steps over the containers off that path (the C scanner finds where they end)
and stops once every pointer is found or known to be missing.
Columns count characters (code points), as editors do.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable

from kinelint.findings import Region, escape_pointer_token

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _decode_key(token: str) -> str:
    body = token[1:-1]
    return body if "\\" not in body else json.loads(token)


# Finds where a JSON value ends, in C: how the walk steps over a subtree it was not asked about.
# Numbers stay text (an integer of 5,000 digits would not convert).
_VALUE_END = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)


def value_end(text: str, offset: int) -> int | None:
    """Where the value starting at ``offset`` ends; None if the C scanner cannot say (absurd depth)."""
    try:
        return _VALUE_END.raw_decode(text, offset)[1]
    except (ValueError, RecursionError):
        return None


def _walk(text: str, start: int = 0, enter: set[str] | None = None):
    """Yield (event, pointer, offset, key): 'value' for each value, 'dup' for a repeated key, 'end' for a closed container.

    Stops at the end of the first complete value after ``start``. With
    ``enter``, only the containers whose pointer is in it are walked inside;
    any other container is one 'value' event, its inside stepped over by the C
    scanner (the text has been parsed already, so it is valid JSON).
    """
    stack: list[list] = []  # per container: [is_object, pointer, next index or pending key, keys seen]
    pending_key: str | None = None
    expecting_key = False
    position = start
    while (match := _TOKEN.search(text, position)) is not None:
        token = match.group()
        position = match.end()
        head = token[0]
        if head in ",:":
            if head == "," and stack and stack[-1][0]:
                expecting_key = True
            continue
        if head in "}]":
            closed = stack.pop()
            expecting_key = False  # an empty object closes while a key was still expected
            yield "end", closed[1], match.start(), None
            if not stack:
                return
            continue
        if expecting_key:
            key = _decode_key(token) if head == '"' else token
            frame = stack[-1]
            pointer = frame[1] + "/" + escape_pointer_token(key)
            if key in frame[3]:
                yield "dup", pointer, match.start(), key
            frame[3].add(key)
            pending_key = pointer
            expecting_key = False
            continue
        if not stack:
            pointer = ""
        elif stack[-1][0]:
            pointer = pending_key or ""
        else:
            frame = stack[-1]
            pointer = f"{frame[1]}/{frame[2]}"
            frame[2] += 1
        yield "value", pointer, match.start(), None
        if head in "{[" and enter is not None and pointer not in enter:
            end = value_end(text, match.start())
            if end is not None:  # step over the whole container
                position = end
                if not stack:
                    return
                continue
        if head == "{":
            stack.append([True, pointer, 0, set()])
            expecting_key = True
        elif head == "[":
            stack.append([False, pointer, 0, None])
        elif not stack:
            return


def bare_token_offset(text: str, name: str, start: int = 0) -> int:
    """Where a bare token (NaN, Infinity) first stands outside strings, from ``start``; ``start`` if nowhere."""
    for match in _TOKEN.finditer(text, start):
        if match.group().lstrip("-") == name.lstrip("-"):
            return match.start()
    return start


def find_duplicate_key(text: str, start: int = 0) -> tuple[str, int, str] | None:
    """The first repeated key of the value at ``start``: (pointer of its value, offset of the key, key)."""
    for event, pointer, offset, key in _walk(text, start):
        if event == "dup":
            return pointer, offset, key
    return None


class TextPositions:
    """Line and column of pointers in one JSON text.

    ``first_line`` numbers the text's first line: a JSON Lines line keeps its
    number in the file; ``first_column`` is where the text starts on that line
    (an element of an array file is located in its own text).
    """

    def __init__(self, text: str, first_line: int = 1, first_column: int = 1) -> None:
        self._text = text
        self._first_line = first_line
        self._first_column = first_column  # an element of an array may start in the middle of a line
        self._line_starts: list[int] | None = None
        self._element_starts: list[int] | None = None

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return self._first_line + index, offset - self._line_starts[index] + (1 if index else self._first_column)

    def locate(self, pointers: Iterable[str], base: str = "") -> dict[str, tuple[int, int]]:
        """Positions of pointers (each relative to ``base``, an element of the root array or "").

        A pointer with no value in the text (a missing field) gets the
        position of its nearest existing ancestor.
        """
        wanted = set(pointers)
        start, offsets = self._offsets(wanted, base)
        found: dict[str, tuple[int, int]] = {}
        for pointer in wanted:
            candidate = pointer
            while candidate not in offsets and candidate:
                candidate = candidate.rsplit("/", 1)[0]
            found[pointer] = self.offset_to_position(offsets.get(candidate, start or 0))
        return found

    def regions(self, pointers: Iterable[str], base: str = "") -> dict[str, Region]:
        """Where each pointer's value is written, from its first character to the one after its last
        (what a correction replaces); a pointer with no value in the text has no region."""
        _, offsets = self._offsets(set(pointers), base)
        found = {}
        for pointer in pointers:
            offset = offsets.get(pointer)
            end = value_end(self._text, offset) if offset is not None else None
            if end is not None:
                found[pointer] = Region(*self.offset_to_position(offset), *self.offset_to_position(end),
                                        self._text[offset:end])
        return found

    def _offsets(self, wanted: set[str], base: str) -> tuple[int | None, dict[str, int]]:
        """The start of the document ``base`` and the offsets of the values of ``wanted`` and their ancestors."""
        start = self._element_offset(base) if base else 0
        offsets: dict[str, int] = {}
        if start is not None:
            wanted_here = _with_ancestors(wanted)
            inside_of = _with_ancestors({p.rsplit("/", 1)[0] for p in wanted if p})  # containers to walk into
            unsettled = set(wanted)  # pointers whose value (or nearest ancestor) may still come
            for event, pointer, offset, _ in _walk(self._text, start, inside_of):  # pointers relative to start
                if event == "value":
                    if pointer in wanted_here:
                        offsets[pointer] = offset
                        unsettled.discard(pointer)
                elif event == "end":  # what was not inside a closed container never will be
                    inside = pointer + "/"
                    unsettled = {p for p in unsettled if not p.startswith(inside)}
                if not unsettled:
                    break  # most findings sit before the end of the text: stop reading there
        return start, offsets

    def _element_offset(self, base: str) -> int | None:
        """Start of a root array element, from one scan of the whole text."""
        if self._element_starts is None:
            self._element_starts = [
                offset for event, pointer, offset, _ in _walk(self._text, 0, {""})  # elements stepped over
                if event == "value" and pointer.count("/") == 1
            ]
        index = int(base[1:])
        return self._element_starts[index] if index < len(self._element_starts) else None


def _with_ancestors(pointers: set[str]) -> set[str]:
    result = set()
    for pointer in pointers:
        while True:
            result.add(pointer)
            if not pointer:
                break
            pointer = pointer.rsplit("/", 1)[0]
    return result
