"""Paths to documents: walk directories, read files, split batches, report what cannot be read.

A ``.json`` file holds one invoice or an array of invoices; a ``.jsonl`` or
``.ndjson`` file one invoice per line. Both are read as a stream (an array
element by element, ``kinelint.arrays``) so that a 1 GB batch is never loaded
whole; ``-`` is standard input, its shape chosen by content, copied to a
temporary file as it is read (so are pipes given as paths) so that it can be
read again like a file. Nothing of a file is kept: a late finding reads its
document again. Every problem becomes a ``Problem`` on that file or line and
reading goes on.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kinelint.arrays import BLOCK, Broken, elements
from kinelint.findings import printable_file_name
from kinelint.i18n import msg
from kinelint.parsing import BOM, ParseProblem, decode, parse
from kinelint.positions import TextPositions
from kinelint.privacy import patient_values, shows_patient_data

SUFFIXES = (".json", ".jsonl", ".ndjson")
LINE_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"
PEEK = 1 << 16  # how far the start of a file is looked at to tell an array from an object


@dataclass(eq=False)
class SourceFile:
    """One file (or standard input); re-readable so findings can be located late.

    Nothing of the file is kept in memory: a late finding reads its document
    again. Standard input is copied as it is read into ``spool``, a temporary
    file removed when the source is dropped, so it is re-readable too.
    """

    display: str
    path: Path | None = None
    data: bytes | None = None  # a text held in memory (the API's ``lint_invoice``)
    spool: object = field(default=None, repr=False)  # the temporary copy of standard input, kept open

    def __post_init__(self) -> None:
        self.display = printable_file_name(self.display)  # every report can write it; ``path`` reads the file

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()

    def whole_text(self) -> TextPositions:
        """Positions in the whole text (for a text held in memory)."""
        return TextPositions(self.read().removeprefix(BOM).decode("utf-8", errors="replace"))

    def read_range(self, offset: int, length: int) -> bytes:
        if self.data is not None:
            return self.data[offset:offset + length]
        return _read_range(self.path, offset, length)


@dataclass(frozen=True, slots=True)
class DocRef:
    """A small, lasting handle on one document: enough to locate a finding later."""

    source: SourceFile
    base: str  # "" or the index pointer of an element of a root array ("/3")
    line: int  # the line where the document starts
    offset: int = -1  # byte offset of the document's text in the file, -1 for a text held in memory
    length: int = 0
    invoice_id: str | None = None
    column: int = 1  # where the document starts on its line (an element of an array)

    @property
    def own_text(self) -> bool:
        """Whether ``positions`` are those of the document's own text (pointers relative to it, not to ``base``)."""
        return self.offset >= 0

    def positions(self) -> TextPositions:
        if self.offset < 0:
            return self.source.whole_text()
        try:
            raw = self.source.read_range(self.offset, self.length)
        except OSError:  # gone since (a pipe, a deleted file): the document's start is all there is to say
            raw = b""
        return TextPositions(raw.removeprefix(BOM).decode("utf-8", errors="replace"), self.line, self.column)

    def value(self) -> object:
        """The document read again (for a late finding to know whose data to keep out); None if it no longer parses."""
        try:
            if self.offset >= 0:
                return parse(self.source.read_range(self.offset, self.length).removeprefix(BOM))
            whole = parse(self.source.read().removeprefix(BOM))
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
    line_bytes: bytes | None = None  # its own text (a JSON Lines line, an array element), while it is checked
    raw: bytes | None = None  # the text it was read from, for the schema's shortcut

    def positions(self) -> TextPositions:
        if self.line_bytes is not None:
            return TextPositions(self.line_bytes.removeprefix(BOM).decode("utf-8", errors="replace"), self.ref.line,
                                 self.ref.column)
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
            yield _spooled_stdin()
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
                        yield Problem(source, "PRS007", msg("not a regular file (a pipe, socket or device): not read"), 1, 1)
                    else:
                        yield source


def _is_special(path: Path) -> bool:
    """A pipe, socket or device met in a directory (paths named by the user are read as given: ``<(cmd)``)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # a dangling link or a link loop: reading it says why
    return not stat.S_ISREG(mode)


def _spooled_stdin() -> SourceFile | Problem:
    """Standard input, copied block by block into a temporary file: read as a file, never held whole."""
    source = SourceFile(STDIN)
    try:
        _spool(source, sys.stdin.buffer)
    except (OSError, AttributeError, ValueError) as error:  # no standard input at all, or a full disk
        reason = getattr(error, "strerror", None) or type(error).__name__
        return Problem(source, "PRS007", msg("cannot read standard input: {reason}", reason=reason), 1, 1)
    return source


def _spool(source: SourceFile, stream) -> None:
    """Copy a stream that cannot be read twice (standard input, a pipe given as ``<(cmd)``) into a private
    temporary file, removed when the source is dropped: the source is then read, and read again, from it."""
    spool = tempfile.NamedTemporaryFile(prefix="kinelint-input-")
    shutil.copyfileobj(stream, spool, BLOCK)
    spool.flush()
    source.path, source.spool = Path(spool.name), spool


def read(source: SourceFile) -> Iterator[Document | Problem]:
    """The documents of one file, or the problems that keep it (or a line) from being read."""
    if source.data is not None:
        yield from _read_whole(source, source.data)
        return
    try:
        handle = open(source.path, "rb", buffering=PEEK)
    except OSError as error:
        yield _unreadable(source, error)
        return
    with handle:
        try:
            if source.spool is None and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                _spool(source, handle)  # late findings read their document again
                yield from read(source)
                return
            if holds_lines(source, handle):
                yield from read_lines(source, handle)
            elif _first_byte(handle) == b"[":
                yield from _read_array(source, handle)
            else:
                yield from _read_whole(source, handle.read())
        except OSError as error:
            yield _unreadable(source, error)


def _unreadable(source: SourceFile, error: OSError) -> Problem:
    return Problem(source, "PRS007", msg("cannot read the file: {reason}", reason=error.strerror or type(error).__name__), 1, 1)


def holds_lines(source: SourceFile, handle=None) -> bool:
    """A JSON Lines batch: by its suffix, or for standard input by its content (the handle is left where it was)."""
    if source.display.endswith(LINE_SUFFIXES):
        return True
    if source.display != STDIN or source.path is None:
        return False
    if handle is None:
        with open(source.path, "rb") as own:
            return _looks_like_lines(own)
    start = handle.tell()
    try:
        return _looks_like_lines(handle)
    finally:
        handle.seek(start)


def _first_byte(handle) -> bytes:
    """The first byte of the text after a byte order mark and spaces, without consuming it (b"" if unseen)."""
    return handle.peek(PEEK)[:PEEK].removeprefix(BOM).lstrip(b" \t\n\r")[:1]


def _read_array(source: SourceFile, handle) -> Iterator[Document | Problem]:
    """The elements of an array file, read in blocks (``kinelint.arrays``)."""
    for item in elements(handle):
        if isinstance(item, Broken):
            yield Problem(source, item.code, item.message, item.line, item.column, item.pointer)
            continue
        ref = DocRef(source, f"/{item.index}", item.line, item.offset, len(item.raw),
                     known_invoice_id(item.value), item.column)
        yield Document(ref, item.value, item.raw, item.raw)


def lines_of(data: bytes) -> Iterator[bytes]:
    """The lines of JSON Lines held in memory, cut as a file is read: at b"\\n" only.

    (``bytes.splitlines`` also cuts at a bare carriage return, which JSON
    allows as whitespace inside a line.)
    """
    return iter(io.BytesIO(data))


def _looks_like_lines(handle) -> bool:
    """Standard input holding several JSON values, one per line: its first line is a whole object
    and something follows it."""
    text = handle.readline().removeprefix(BOM).strip()
    if not text.startswith(b"{") or not _first_line_is_value(text):
        return False
    while block := handle.read(PEEK):
        if block.strip():
            return True
    return False


def _first_line_is_value(text: bytes) -> bool:
    try:
        parse(text)
    except ParseProblem:
        return False
    return True


def _read_whole(source: SourceFile, data: bytes) -> Iterator[Document | Problem]:
    """One document read whole (an array only when held in memory: files stream theirs)."""
    body = data.removeprefix(BOM)
    try:
        value = parse(body)
    except ParseProblem as problem:
        yield _located(source, problem, body, 1)
        return
    if source.data is None:  # a file: the document is its text, read again from it when needed
        own = DocRef(source, "", 1, len(data) - len(body), len(body), known_invoice_id(value))
        yield Document(own, value, body, body)
    elif isinstance(value, list):
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
            yield Problem(source, "PRS006", msg("blank line in a JSON Lines batch: expected one invoice per line"),
                          number, 1)
            continue
        try:
            value = parse(line)
        except ParseProblem as problem:
            yield _located(source, problem, line, number)
            continue
        yield Document(DocRef(source, "", number, start, len(line), known_invoice_id(value)), value, line, line)
    if number == 0 and first_line == 1:  # a zero-byte batch is as suspicious as a zero-byte invoice
        yield Problem(source, "PRS006", msg("the file is empty: expected one invoice per line"), 1, 1)


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
