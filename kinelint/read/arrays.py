"""A JSON array read in blocks, element by element: memory bounded by the largest element, not the file.

Each element is read where it stands in a text buffer of a block or two, by
the same exact parse as a whole file (``parsing.parse_at``: exact decimals,
duplicate keys, NaN refused), so an array file costs what the same invoices
cost as JSON Lines. The element's own text, its byte offset, line and column
are kept with it: findings are located in that text and a late (batch)
finding reads the element again from the file. An element cut by the end of
the buffer is parsed again once more text is read; the read grows with the
buffer, so a huge element costs a few parses, not one per block.

A problem (invalid UTF-8, a syntax error) is reported where it stands; the
elements before it have been read and checked. A duplicate key or a NaN
spoils its element only: reading goes on with the next one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

import msgspec

from kinelint.read.fastpath import accept
from kinelint.i18n import msg
from kinelint.read.parsing import BOM, ParseProblem, is_cut_short, parse_at, problem_of

BLOCK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")


class Element(NamedTuple):
    """One element of the array, with what it takes to locate its findings and read it again (a named
    tuple: one is made for every element read)."""

    index: int
    value: object
    raw: bytes  # its text, UTF-8
    offset: int  # byte offset in the file
    line: int
    column: int
    accepted: object = None  # the fast path's typed view when it found the element a valid invoice


@dataclass(frozen=True, slots=True)
class Broken:
    """Why reading stops (or an element is skipped): a PRS problem located in the file."""

    code: str
    message: str
    line: int
    column: int
    pointer: str = ""


class _Buffer:
    """Decoded text read in blocks, with the line, column and byte offset of a moving mark.

    ``mark`` is the start of the element being read: the text before it is
    dropped once it outgrows a block (offsets then move with it).
    """

    def __init__(self, stream: BinaryIO, block: int) -> None:
        self._stream = stream
        self._block = block
        self._pending = b""  # the bytes of a character cut by the end of a block
        self._started = False
        self.text = ""
        self.ended = False
        self.bad_byte: tuple[int, int] | None = None  # (offset in text, byte) of the first invalid UTF-8
        self.mark = 0
        self.mark_byte = 0
        self.mark_line = 1
        self.line_start = 0  # offset in text where the mark's line starts (negative once dropped)

    def more(self) -> bool:
        """Read more text (as much again as the buffer holds, a block at least); False at the end."""
        if self.ended:
            return False
        data = self._stream.read(max(self._block, len(self.text) - self.mark))
        if not data:
            self.ended = True
            if self._pending:  # the text ends inside a character
                self.bad_byte = (len(self.text), self._pending[0])
            return False
        data = self._pending + data
        if not self._started:
            if len(data) < len(BOM) and BOM.startswith(data):  # perhaps a byte order mark, cut: read on
                self._pending = data
                return True
            self._started = True
            if data.startswith(BOM):
                data, self.mark_byte = data[len(BOM):], len(BOM)
        try:
            decoded, self._pending = data.decode("utf-8"), b""
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data" and error.end == len(data):
                decoded, self._pending = data[:error.start].decode("utf-8"), data[error.start:]
            else:  # keep the good text; the bad byte ends the reading there
                decoded = data[:error.start].decode("utf-8")
                self.bad_byte = (len(self.text) + len(decoded), data[error.start])
                self.ended = True
        self.text += decoded
        return True

    def at(self, offset: int) -> str:
        """The character at ``offset`` ("" at the end of the text), reading more as needed."""
        while offset >= len(self.text):
            if not self.more():
                return ""
        return self.text[offset]

    def skip_space(self, offset: int) -> int:
        while True:
            offset = _SPACE.match(self.text, offset).end()
            if offset < len(self.text) or not self.more():
                return offset

    def move_mark(self, offset: int, size: int | None = None) -> int:
        """Count lines and bytes up to ``offset`` (``size`` bytes when known); the offset as it now is."""
        if size is None:
            passed = self.text[self.mark:offset]
            size = len(passed) if passed.isascii() else len(passed.encode("utf-8"))
        self.mark_byte += size
        newlines = self.text.count("\n", self.mark, offset)
        if newlines:
            self.mark_line += newlines
            self.line_start = self.text.rfind("\n", self.mark, offset) + 1
        self.mark = offset
        if offset > self._block:  # the text read and counted is dropped
            self.text = self.text[offset:]
            self.line_start -= offset
            if self.bad_byte is not None:
                self.bad_byte = (self.bad_byte[0] - offset, self.bad_byte[1])
            self.mark = 0
        return self.mark

    def column(self, offset: int) -> int:
        return offset - self.line_start + 1

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column of any offset at or after the mark."""
        newlines = self.text.count("\n", self.mark, offset)
        if not newlines:
            return self.mark_line, self.column(offset)
        return self.mark_line + newlines, offset - self.text.rfind("\n", self.mark, offset)

    def utf8_problem(self) -> ParseProblem:
        offset, byte = self.bad_byte
        return ParseProblem("PRS001", msg("not valid UTF-8 (byte {byte}); invoices must be UTF-8 text", byte=f"0x{byte:02x}"), offset)


def elements(stream: BinaryIO, block: int = BLOCK, wanted: frozenset[int] | None = None) -> Iterator[Element | Broken]:
    """The elements of the JSON array in ``stream``, then a ``Broken`` if the text does not end well.

    ``wanted``: the indices to read (a late finding reading its elements
    again); the others are stepped over where that is plain (read as usual
    where it is not).
    """
    buffer = _Buffer(stream, block)
    offset = buffer.skip_space(0)
    if buffer.at(offset) != "[":
        yield _broken(buffer, offset, "PRS002", "invalid JSON: Expecting '['")
        return
    offset = buffer.skip_space(offset + 1)
    index = 0
    closed = buffer.at(offset) == "]"
    guess = _FIRST_GUESS
    while not closed:
        start = buffer.move_mark(offset)
        skipped = _skipped(buffer, guess) if wanted is not None and index not in wanted else None
        fast = None if skipped is not None else _fast_element(buffer, guess)
        if skipped is not None:
            raw, end = skipped
            buffer.move_mark(end, len(raw))
        elif fast is not None:
            raw, accepted, end = fast
            yield Element(index, None, raw, buffer.mark_byte, buffer.mark_line, buffer.column(start), accepted)
            buffer.move_mark(end, len(raw))
            guess = max(_FIRST_GUESS, 2 * len(raw))
        else:
            try:
                value, end = _read_value(buffer)
            except ParseProblem as problem:
                yield _broken(buffer, problem.offset, problem.code, problem.message,
                              f"/{index}{problem.pointer}" if problem.pointer else "")
                end = _end_of_value(buffer) if problem.code in ("PRS003", "PRS004") else None
                if end is None:
                    return
                buffer.move_mark(end)
            else:
                raw = buffer.text[start:end].encode("utf-8")
                yield Element(index, value, raw, buffer.mark_byte, buffer.mark_line, buffer.column(start))
                buffer.move_mark(end, len(raw))
        index += 1
        offset = buffer.skip_space(buffer.mark)
        separator = buffer.at(offset)
        if separator == "]":
            closed = True
        elif separator == ",":
            offset = buffer.skip_space(offset + 1)
        else:
            yield _broken(buffer, offset, "PRS002", "invalid JSON: Expecting ',' delimiter")
            return
    offset = buffer.skip_space(offset + 1)
    if offset < len(buffer.text):
        yield _broken(buffer, offset, "PRS002", "invalid JSON: Extra data")
    elif buffer.bad_byte is not None:
        yield _broken(buffer, offset, "PRS001", "")


# How far past an element's start the fast path first looks for its end; then twice the last element.
_FIRST_GUESS = 4096
_LONGEST_FAST = 1 << 20  # longer elements are read by the exact path alone
_skip_value = msgspec.json.Decoder(msgspec.Raw).decode
_TRAILING = re.compile(r"JSON is malformed: trailing characters \(byte ([0-9]+)\)")
_TRUNCATED = "Input data was truncated"


def _fast_element(buffer: _Buffer, guess: int) -> tuple[bytes, object, int] | None:
    """The element at the mark as (its text, the fast path's typed view, where it ends), if it is a valid
    invoice the fast path takes; None: read it the exact way."""
    found = _skipped(buffer, guess)
    if found is None:
        return None
    raw, end = found
    accepted = accept(raw)
    return None if accepted is None else (raw, accepted, end)


def _skipped(buffer: _Buffer, guess: int) -> tuple[bytes, int] | None:
    """The text of the object at the mark and where it ends, found without building it; None if it is not
    plainly one (the exact reading then says what it is).

    msgspec skips over one JSON value (``Raw``) and, as the text goes on
    after it, says where the value ends ("trailing characters"). The window
    read grows until the value fits.
    """
    text, mark = buffer.text, buffer.mark
    if mark >= len(text) or text[mark] != "{":
        return None
    while True:
        if mark + guess > len(text) and buffer.more():
            text = buffer.text
            continue
        try:
            window = text[mark:mark + guess].encode("utf-8")
            _skip_value(window)
        except msgspec.DecodeError as error:
            reason = str(error)
            found = _TRAILING.fullmatch(reason)
            if found is not None:
                break
            if reason == _TRUNCATED and mark + guess < len(text) and guess < _LONGEST_FAST:
                guess *= 2
                continue
            return None
        except (UnicodeEncodeError, ValueError):
            return None
        return None  # the window holds the value and nothing after it: the array is cut there
    raw = window[:int(found.group(1)) - 1].rstrip(b" \t\n\r")
    return raw, mark + (len(raw) if raw.isascii() else len(raw.decode("utf-8")))


def _read_value(buffer: _Buffer) -> tuple[object, int]:
    """The value at the mark and where it ends, reading more text until it is whole."""
    while True:
        text = buffer.text
        try:
            value, end = parse_at(text, buffer.mark)
        except json.JSONDecodeError as error:
            if is_cut_short(error, len(text)):
                if buffer.more():
                    continue
                if buffer.bad_byte is not None:  # cut by the bad byte, not broken
                    raise buffer.utf8_problem() from None
            raise problem_of(error, text, buffer.mark) from None
        if not _may_go_on(text, end) or not buffer.more():
            return value, end


def _may_go_on(text: str, end: int) -> bool:
    """Whether a value read up to ``end`` may be longer than read: a number cut by the end of the buffer
    ("4" of "4.56", "1e" of "1e5") stops just before it; an element ends at a space, a comma or a bracket."""
    return end + 16 > len(text) and (end == len(text) or text[end] not in " \t\n\r,]")


def _end_of_value(buffer: _Buffer) -> int | None:
    """Where the value at the mark ends, for one that decodes but is refused (a duplicate key, a NaN)."""
    from kinelint.read.positions import value_end

    while True:
        end = value_end(buffer.text, buffer.mark)
        if end is not None and end < len(buffer.text):
            return end
        if not buffer.more():
            return end


def _broken(buffer: _Buffer, offset: int, code: str, message: str, pointer: str = "") -> Broken:
    if buffer.bad_byte is not None and (code == "PRS001" or offset >= buffer.bad_byte[0]):
        problem = buffer.utf8_problem()  # the text stopped at a bad byte
        offset, code, message, pointer = problem.offset, problem.code, problem.message, ""
    line, column = buffer.position(offset)
    return Broken(code, message, line, column, pointer)
