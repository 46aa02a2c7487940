"""Paths to documents: walk directories, read files, split batches, report what cannot be read.

A ``.json`` file holds one invoice or an array of invoices; a ``.jsonl`` or
``.ndjson`` file one invoice per line, read as a stream so that a 1 GB batch is
never loaded whole; ``-`` is standard input, its shape chosen by content.
Every problem becomes a ``Problem`` on that file or line and reading goes on.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kinelint.findings import printable_file_name
from kinelint.parsing import BOM, ParseProblem, decode, parse
from kinelint.positions import TextPositions
from kinelint.privacy import patient_values, shows_patient_data

SUFFIXES = (".json", ".jsonl", ".ndjson")
LINE_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"


@dataclass(eq=False)
class SourceFile:
    """One file (or standard input); re-readable so findings can be located late."""

    display: str
    path: Path | None = None
    data: bytes | None = None  # kept for standard input only
    _text: TextPositions | None = field(default=None, repr=False)
    _value: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.display = printable_file_name(self.display)  # every report can write it; ``path`` reads the file

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()

    def whole_text(self, data: bytes | None = None) -> TextPositions:
        """Positions in the whole file (cached: several invoices of an array share it)."""
        if self._text is None:
            raw = self.read() if data is None else data
            self._text = TextPositions(raw.removeprefix(BOM).decode("utf-8", errors="replace"))
        return self._text

    def whole_value(self) -> object:
        """The parsed file (cached: the batch findings of an array file share it)."""
        if self._value is None:
            self._value = parse(self.read().removeprefix(BOM))
        return self._value

    def forget_text(self) -> None:
        self._text = None
        self._value = None


@dataclass(frozen=True, slots=True)
class DocRef:
    """A small, lasting handle on one document: enough to locate a finding later."""

    source: SourceFile
    base: str  # "" or the index pointer of an element of a root array ("/3")
    line: int  # the JSON Lines line number, or 1
    offset: int = -1  # byte offset of the JSON Lines line, -1 for a whole file
    length: int = 0
    invoice_id: str | None = None

    def positions(self) -> TextPositions:
        if self.offset < 0:
            return self.source.whole_text()
        if self.source.data is not None:
            raw = self.source.data[self.offset:self.offset + self.length]
        else:
            raw = _read_range(self.source.path, self.offset, self.length)
        return TextPositions(raw.removeprefix(BOM).decode("utf-8", errors="replace"), self.line)

    def value(self) -> object:
        """The document read again (for a late finding to know whose data to keep out); None if it no longer parses."""
        try:
            if self.offset >= 0:
                raw = self.source.read()[self.offset:self.offset + self.length] if self.source.data is not None \
                    else _read_range(self.source.path, self.offset, self.length)
                return parse(raw.removeprefix(BOM))
            whole = self.source.whole_value()
            return whole[int(self.base[1:])] if self.base else whole
        except (ParseProblem, OSError, IndexError, TypeError, ValueError):
            return None


def _read_range(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(length)


@dataclass(slots=True)
class Document:
    ref: DocRef
    value: object
    line_bytes: bytes | None = None  # the JSON Lines line, while the document is being checked
    raw: bytes | None = None  # the text it was read from (its line, or its whole file), for the schema's shortcut

    def positions(self) -> TextPositions:
        if self.line_bytes is not None:
            return TextPositions(self.line_bytes.removeprefix(BOM).decode("utf-8", errors="replace"), self.ref.line)
        return self.ref.positions()


@dataclass(frozen=True, slots=True)
class Problem:
    """A PRS finding in the making: the file, or one line of it, cannot be read as invoices."""

    source: SourceFile
    code: str
    message: str
    line: int
    column: int
    pointer: str = ""


def discover(paths: Iterable[str]) -> Iterator[SourceFile | Problem]:
    """The files to read, in a stable order; directories walked for invoice suffixes.

    Directory links are followed once (a link loop is not a trap); hidden
    directories (.git, .venv) are skipped.
    """
    seen: set[str] = set()
    for given in paths:
        if given == STDIN:
            yield SourceFile(STDIN, data=sys.stdin.buffer.read())
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, seen)
        elif str(path) not in seen:
            seen.add(str(path))
            yield SourceFile(given, path)


def discover_quietly(paths: Iterable[str]) -> Iterator[SourceFile]:
    """The files ``discover`` would read, without reading standard input nor reporting problems."""
    yield from (item for item in discover(p for p in paths if p != STDIN) if isinstance(item, SourceFile))


def _walk(root: Path, seen: set[str]) -> Iterator[SourceFile | Problem]:
    visited_dirs: set[tuple[int, int]] = set()
    for directory, subdirs, files in os.walk(root, followlinks=True):
        try:
            status = os.stat(directory)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) in visited_dirs:
            subdirs[:] = []
            continue
        visited_dirs.add((status.st_dev, status.st_ino))
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(SUFFIXES):
                path = Path(directory, name)
                if str(path) not in seen:
                    seen.add(str(path))
                    source = SourceFile(str(path), path)
                    if _is_special(path):  # reading a pipe would block the walk for ever
                        yield Problem(source, "PRS007", "not a regular file (a pipe, socket or device): not read", 1, 1)
                    else:
                        yield source


def _is_special(path: Path) -> bool:
    """A pipe, socket or device met in a directory (paths named by the user are read as given: ``<(cmd)``)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # a dangling link or a link loop: reading it says why
    return not stat.S_ISREG(mode)


def read(source: SourceFile) -> Iterator[Document | Problem]:
    """The documents of one file, or the problems that keep it (or a line) from being read."""
    try:
        if source.path is not None and source.display.endswith(LINE_SUFFIXES):
            with open(source.path, "rb") as handle:
                yield from read_lines(source, handle)
            return
        data = source.read()
    except OSError as error:
        yield Problem(source, "PRS007", f"cannot read the file: {error.strerror or type(error).__name__}", 1, 1)
        return
    if source.path is None and _looks_like_lines(data):
        yield from read_lines(source, lines_of(data))
    else:
        yield from _read_whole(source, data)


def lines_of(data: bytes) -> Iterator[bytes]:
    """The lines of JSON Lines held in memory, cut as a file is read: at b"\\n" only.

    (``bytes.splitlines`` also cuts at a bare carriage return, which JSON
    allows as whitespace inside a line.)
    """
    return iter(io.BytesIO(data))


def _looks_like_lines(data: bytes) -> bool:
    """Standard input holding several JSON values, one per line."""
    text = data.removeprefix(BOM).strip()
    return text.startswith(b"{") and b"\n" in text and _first_line_is_value(text)


def _first_line_is_value(text: bytes) -> bool:
    first = text.split(b"\n", 1)[0]
    try:
        parse(first)
    except ParseProblem:
        return False
    return True


def _read_whole(source: SourceFile, data: bytes) -> Iterator[Document | Problem]:
    body = data.removeprefix(BOM)
    try:
        value = parse(body)
    except ParseProblem as problem:
        yield _located(source, problem, body, 1)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield Document(DocRef(source, f"/{index}", 1, invoice_id=known_invoice_id(item)), item, raw=body)
    else:
        yield Document(DocRef(source, "", 1, invoice_id=known_invoice_id(value)), value, raw=body)


def read_lines(source: SourceFile, lines: Iterable[bytes], first_line: int = 1,
               first_offset: int = 0) -> Iterator[Document | Problem]:
    """The documents of JSON Lines, the first of them being line ``first_line`` at byte ``first_offset``
    of the file (a chunk of a batch checked by a worker process starts anywhere)."""
    offset, number = first_offset, first_line - 1
    for number, raw in enumerate(lines, start=first_line):
        start, offset = offset, offset + len(raw)
        line = raw.rstrip(b"\r\n")
        if number == 1:
            line_start = len(line) - len(line.removeprefix(BOM))
            line, start = line[line_start:], start + line_start
        if not line.strip():
            yield Problem(source, "PRS006", "blank line in a JSON Lines batch: expected one invoice per line", number, 1)
            continue
        try:
            value = parse(line)
        except ParseProblem as problem:
            yield _located(source, problem, line, number)
            continue
        yield Document(DocRef(source, "", number, start, len(line), known_invoice_id(value)), value, line, line)
    if number == 0 and first_line == 1:  # a zero-byte batch is as suspicious as a zero-byte invoice
        yield Problem(source, "PRS006", "the file is empty: expected one invoice per line", 1, 1)


def known_invoice_id(value: object) -> str | None:
    """The invoice's id, when it has one that can be shown (even in a schema-invalid invoice).

    An id that holds the patient's NIR or birth date, or anything shaped like
    a NIR, is not shown: it would print patient data on every finding.
    """
    if isinstance(value, dict):
        invoice_id = value.get("invoice_id")
        if (isinstance(invoice_id, str) and 0 < len(invoice_id) <= 64 and invoice_id.isascii()
                and not shows_patient_data(invoice_id, patient_values(value))):
            return invoice_id
    return None


def _located(source: SourceFile, problem: ParseProblem, body: bytes, first_line: int) -> Problem:
    try:
        text = decode(body)
    except ParseProblem:
        text = body.decode("utf-8", errors="replace")
    line, column = TextPositions(text, first_line).offset_to_position(problem.offset)
    return Problem(source, problem.code, problem.message, line, column, problem.pointer)
