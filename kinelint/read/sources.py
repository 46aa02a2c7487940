"""Paths to documents: walk directories, read files, split batches, report what cannot be read.

A ``.json`` file holds one invoice or an array of invoices; a ``.jsonl`` or
``.ndjson`` file one invoice per line. Both are read as a stream (an array
element by element, ``kinelint.read.arrays``) so that a 1 GB batch is never loaded
whole; ``-`` is standard input, its shape chosen by content, copied to a
temporary file as it is read (so are pipes given as paths) so that it can be
read again like a file. Nothing of a file is kept: a late finding reads its
document again. Every problem becomes a ``Problem`` on that file or line and
reading goes on.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kinelint.read.arrays import BLOCK, Broken, elements
from kinelint.read.exclusion import Exclusions
from kinelint.read.fastpath import Accepted, accept
from kinelint.findings import printable_file_name
from kinelint.i18n import N_, msg
from kinelint.read.parsing import BOM, ParseProblem, decode, parse
from kinelint.read.positions import TextPositions
from kinelint.privacy import mask_nir_shaped, patient_secrets, patient_values, showable_id

SUFFIXES = (".json", ".jsonl", ".ndjson")  # in any case: exports write FACTURE.JSON and lot.JSONL
LINE_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"
PEEK = 1 << 16  # how far the start of a file is looked at to tell an array from an object


def is_invoice_name(name: str) -> bool:
    """A name a directory walk reads: an invoice suffix, in any case."""
    return name.lower().endswith(SUFFIXES)


def is_lines_name(name: str) -> bool:
    """A JSON Lines file, read one invoice per line (``.jsonl``, ``.ndjson``, in any case)."""
    return name.lower().endswith(LINE_SUFFIXES)


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
    signature: tuple | None = None  # (device, inode, size, mtime) of the regular file when first read
    number: int = 0  # its place among the files of the run (``Run`` numbers them), for ``DocRef.handle``
    adapter: object = None  # the ``AdapterChoice`` it is read with (``kinelint.read.adapted``), if any
    # Set by the run for an adapted file: its documents and problems, adapted again if need be (late findings)
    adapted: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.display = printable_file_name(self.display)  # every report can write it; ``path`` reads the file

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()

    def whole_text(self) -> TextPositions:
        """Positions in the whole text (for a text held in memory)."""
        return TextPositions(self.read().removeprefix(BOM).decode("utf-8", errors="replace"))

    def read_range(self, offset: int, length: int) -> bytes:
        """Bytes read at first, read again; ``OSError`` when that is no longer possible: a file deleted,
        rewritten or replaced since (it would give another text), or a pipe a worker read."""
        if self.data is not None:
            return self.data[offset:offset + length]
        if self.signature is None and self.spool is None:
            raise OSError("not read here: nothing to read again")
        with open(self.path, "rb") as handle:
            if self.spool is None and _signature(os.fstat(handle.fileno())) != self.signature:
                raise OSError("changed since it was read")
            handle.seek(offset)
            return handle.read(length)

    def unchanged(self) -> bool:
        """Whether reading it again gives the text first read: a file with the same signature (device,
        inode, size, mtime), a copy of standard input, a text in memory."""
        if self.data is not None or self.spool is not None:
            return True
        if self.signature is None:
            return False
        try:
            return _signature(os.stat(self.path)) == self.signature
        except (OSError, ValueError):
            return False


class DocRef(NamedTuple):
    """A small, lasting handle on one document: enough to locate a finding later, and to mask its
    patient's data without reading it again (the values as first read: ``secrets``).

    The id to show and the values to mask are worked out only when asked for
    (a document with findings, a JUnit case), not for every invoice read.
    A named tuple: one is made for every invoice read, and it is the cheapest
    read-only record (a frozen dataclass took four times as long to build).
    """

    source: SourceFile
    base: str  # "" or the index pointer of an element of a root array ("/3")
    line: int  # the line where the document starts
    offset: int = -1  # byte offset of the document's text in the file, -1 for a text held in memory
    length: int = 0
    raw_id: object = None  # the invoice_id as read, shown only if ``showable_id`` allows
    column: int = 1  # where the document starts on its line (an element of an array)
    nir: str | None = None  # the patient's values as read (strings the parsed document holds already)
    birth_date: str | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        return patient_secrets(self.nir, self.birth_date)

    @property
    def invoice_id(self) -> str | None:
        return showable_id(self.raw_id, self.secrets) if self.raw_id is not None else None

    @property
    def own_text(self) -> bool:
        """Whether ``positions`` are those of the document's own text (pointers relative to it, not to ``base``)."""
        return self.offset >= 0

    @property
    def handle(self) -> int:
        """This document's place in 8 bytes, for a batch rule to keep for every invoice (``Run.ref_of`` reads it).

        The file's number, then the line where the document starts (a JSON
        Lines line, 1 for a file of one invoice), or the index of an array's
        element with the "element" bit; never 0, so a key store can tell it
        from "absent". ``refs_of_handles`` reads the file again to find it.
        """
        if self.base:
            index = int(self.base[1:])
            place = _ELEMENT | index if index < _ELEMENT else 0
        else:
            place = self.line if 0 < self.line < _ELEMENT else 0
        if not place or self.source.number >= _MAX_FILES:
            return _UNKNOWN  # past four million files: a place no reader resolves, still not 0
        return self.source.number << _FILE_SHIFT | place

    def positions(self) -> TextPositions:
        if self.source.adapted is not None:
            document = self._adapted_document()
            return document.positions() if document is not None else TextPositions("", self.line, self.column)
        if self.offset < 0:
            return self.source.whole_text()
        try:
            raw = self.source.read_range(self.offset, self.length)
        except OSError:  # gone or changed since (a pipe, a file deleted or rewritten): the document's start
            raw = b""
        return TextPositions(raw.removeprefix(BOM).decode("utf-8", errors="replace"), self.line, self.column)

    def value(self) -> object:
        """The document read again, for what a late finding takes from it (the date of care of a session);
        None if it cannot be read as it was first (deleted, rewritten). The values to mask are not taken
        from it: they are the ref's, from the first reading."""
        if self.source.adapted is not None:
            document = self._adapted_document()
            return document.value if document is not None else None
        try:
            if self.offset >= 0:
                return parse(self.source.read_range(self.offset, self.length).removeprefix(BOM))
            whole = parse(self.source.read().removeprefix(BOM))
            return whole[int(self.base[1:])] if self.base else whole
        except (ParseProblem, OSError, IndexError, TypeError, ValueError):
            return None

    def _adapted_document(self) -> Document | None:
        """This document of an adapted file, adapted again (None when the file no longer gives it)."""
        index = int(self.base[1:]) if self.base else 0
        documents = [item for item in self.source.adapted() if isinstance(item, Document)]
        return documents[index] if index < len(documents) else None


def _signature(status: os.stat_result) -> tuple:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def document_ref(source: SourceFile, value: object, base: str, line: int, offset: int = -1, length: int = 0,
                 column: int = 1) -> DocRef:
    """The reference of a document read from ``source``, holding what its findings may need later."""
    if type(value) is not dict:
        return DocRef(source, base, line, offset, length, None, column)
    raw_id = value.get("invoice_id")
    raw_id = raw_id if type(raw_id) is str and len(raw_id) <= 64 else None  # longer is never shown
    patient = value.get("patient")
    if type(patient) is not dict:
        return DocRef(source, base, line, offset, length, raw_id, column)
    return DocRef(source, base, line, offset, length, raw_id, column, _kept(patient.get("nir")),
                  _kept(patient.get("birth_date")))


def accepted_ref(source: SourceFile, accepted: Accepted, base: str, line: int, offset: int = -1, length: int = 0,
                 column: int = 1) -> DocRef:
    """``document_ref`` of an invoice the fast path accepted: the same values, taken from its typed view."""
    return DocRef(source, base, line, offset, length, accepted.invoice.invoice_id, column, accepted.nir,
                  accepted.birth_date)


def _kept(value: object) -> str | None:
    """A patient value worth keeping to mask: a string (what else would a message echo?)."""
    return value if type(value) is str else None


_FILE_SHIFT = 40  # handle: file number (22 bits) | element bit | line or element index (39 bits); bit 63 stays free
_ELEMENT = 1 << 39
_MAX_FILES = 1 << 22
_UNKNOWN = _MAX_FILES << _FILE_SHIFT
_PLACE = (1 << _FILE_SHIFT) - 1


def refs_of_handles(sources: list[SourceFile], handles: Iterable[int]) -> dict[int, DocRef]:
    """The documents that handles name, read again (each file once, as it was read: an array element by element,
    so memory stays that of the largest invoice); those that can no longer be read are left out."""
    wanted: dict[int, dict[int, int]] = {}  # file number -> place -> handle
    for handle in set(handles):
        number, place = handle >> _FILE_SHIFT, handle & _PLACE
        if 0 <= number < min(len(sources), _MAX_FILES) and place:
            wanted.setdefault(number, {})[place] = handle
    found: dict[int, DocRef] = {}
    for number, places in wanted.items():
        for place, ref in _refs_in(sources[number], places).items():
            found[places[place]] = ref
    return found


def _refs_in(source: SourceFile, places: dict[int, int]) -> dict[int, DocRef]:
    """DocRefs of some documents of one file, by place; JSON Lines parse only the lines asked for.

    Only a file unchanged since it was first read is read again (its
    signature): the patient values a ref keeps to mask are then those of the
    first reading; a file deleted or rewritten since gives no ref at all.
    """
    if not source.unchanged():
        return {}
    if source.adapted is not None:
        documents = [item for item in source.adapted() if isinstance(item, Document)]
        return {place: documents[place & ~_ELEMENT].ref for place in places
                if place & _ELEMENT and (place & ~_ELEMENT) < len(documents)}
    try:
        if source.data is None and not any(place & _ELEMENT for place in places) and holds_lines(source):
            return _line_refs(source, places)
    except OSError:
        return {}
    refs: dict[int, DocRef] = {}
    indices = frozenset(place & ~_ELEMENT for place in places) if all(place & _ELEMENT for place in places) else None
    documents = read(source, indices)
    try:
        for item in documents:
            place = item.ref.handle & _PLACE if isinstance(item, Document) else 0
            if place in places:
                refs[place] = item.ref
                if len(refs) == len(places):
                    break
    finally:
        documents.close()
    return refs if source.unchanged() else {}  # rewritten while it was read again: nothing it gave is kept


def _line_refs(source: SourceFile, lines: dict[int, int]) -> dict[int, DocRef]:
    """DocRefs of some lines of a JSON Lines file, in one pass over it."""
    refs: dict[int, DocRef] = {}
    last = max(lines)
    try:
        handle = open_input(source)  # the file first read, or none (its signature is checked)
    except (OSError, ValueError, NotReadable):
        return refs
    with handle:
        offset = 0
        for number, raw in enumerate(handle, start=1):
            if number in lines:
                line = raw.rstrip(b"\r\n")
                start = offset
                if number == 1 and line.startswith(BOM):
                    line, start = line[len(BOM):], start + len(BOM)
                try:
                    value = parse(line)
                except ParseProblem:
                    value = None
                refs[number] = document_ref(source, value, "", number, start, len(line))
            if number >= last:
                break
            offset += len(raw)
    return refs


@dataclass(slots=True)
class Document:
    """One document read, for the runner: its value as parsed exactly, or its typed view when the fast
    path has already found it a valid invoice (``accepted``; ``value`` is then None and ``exact_value``
    parses its text only if a finding needs the document's values)."""

    ref: DocRef
    value: object
    line_bytes: bytes | None = None  # its own text (a JSON Lines line, an array element), while it is checked
    raw: bytes | None = None  # the text it was read from, for the schema's shortcut
    accepted: Accepted | None = None  # the fast path's typed view of a valid invoice (kinelint.read.fastpath)
    adapted_positions: object = None  # an adapted invoice's spots in its source file (kinelint.read.adapted)

    def exact_value(self) -> object:
        """The document as the exact path reads it (for an accepted one, parsed from its own text now)."""
        return parse(self.line_bytes) if self.accepted is not None else self.value

    def positions(self) -> TextPositions:
        if self.adapted_positions is not None:
            return self.adapted_positions
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


def discover(paths: Iterable[str], exclusions: Exclusions | None = None) -> Iterator[SourceFile | Problem]:
    """The files to read, in a stable order; directories walked for invoice suffixes.

    A file is read once however it is spelled (a link, ``..``): files are told
    apart by device and inode. Directory links are followed inside the
    directory given, never out of it (a link loop is not a trap); hidden
    directories (.git, .venv) are skipped, and so is what ``exclusions``
    (default: ``DEFAULT_EXCLUDE`` and ``.gitignore``) leaves out. A file
    named here is read whatever its name, unless ``--force-exclude``
    excludes it. File names shaped like a NIR are masked in what is shown.
    """
    exclusions = Exclusions() if exclusions is None else exclusions
    seen: set = set()
    for given in paths:
        if given == STDIN:
            yield _spooled_stdin()
            continue
        path = Path(given)
        status = _stat(path)
        if status is not None and stat.S_ISDIR(status.st_mode):
            if not exclusions.excludes_given(given):
                yield from _walk(path, seen, exclusions)
        elif not exclusions.excludes_given(given) and _first_time(seen, path, status):
            yield _source(mask_nir_shaped(given), path, exclusions)


def discover_quietly(paths: Iterable[str], exclusions: Exclusions | None = None) -> Iterator[SourceFile]:
    """The files ``discover`` would read, without reading standard input nor reporting problems."""
    yield from (item for item in discover((p for p in paths if p != STDIN), exclusions) if isinstance(item, SourceFile))


_NOTHING_EXCLUDED = Exclusions(patterns=(), gitignore=False)


def walked_directories(paths: Iterable[str]) -> set[tuple[int, int]]:
    """(device, inode) of every directory the walk of ``paths`` may enter (for the output guard: no
    exclusion applied, so a report is never written where some configuration would walk)."""
    entered: set[tuple[int, int]] = set()
    for given in paths:
        if given != STDIN and os.path.isdir(given):
            for _ in _walk(Path(given), set(), _NOTHING_EXCLUDED, entered):
                pass
    return entered


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):  # missing, a link loop, a name too long: reading it says why
        return None


def _first_time(seen: set, path: Path, status: os.stat_result | None) -> bool:
    key = ("name", str(path)) if status is None else (status.st_dev, status.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(root: Path, seen: set, exclusions: Exclusions,
          visited_dirs: set | None = None) -> Iterator[SourceFile | Problem]:
    visited_dirs = set() if visited_dirs is None else visited_dirs
    adapters = exclusions.adapters  # files an adapter reads are walked whatever their suffix
    inside = os.path.realpath(root)
    ignored = {str(root): exclusions.ignore_files(str(root))}  # the .gitignore rules in force, per directory
    for directory, subdirs, files in os.walk(root, followlinks=True):
        status = _stat(Path(directory))
        if status is None or (status.st_dev, status.st_ino) in visited_dirs:
            subdirs[:] = []
            continue
        visited_dirs.add((status.st_dev, status.st_ino))
        gitignores = ignored.pop(directory, None)
        gitignores = gitignores.enter(directory) if gitignores is not None else None
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and _stays_inside(directory, d, inside)
                            and not _left_out(directory, d, True, exclusions, gitignores))
        for subdir in subdirs:
            ignored[os.path.join(directory, subdir)] = gitignores
        for name in sorted(files):
            if (is_invoice_name(name) or (adapters and adapters.choose(os.path.join(directory, name)))) \
                    and not _left_out(directory, name, False, exclusions, gitignores):
                path = Path(directory, name)
                status = _stat(path)
                if _first_time(seen, path, status):
                    source = _source(mask_nir_shaped(str(path)), path, exclusions)
                    if status is not None and not stat.S_ISREG(status.st_mode):  # a pipe would block the walk
                        yield Problem(source, "PRS007", msg("{kind}, not a regular file: not read", kind=_kind(status.st_mode)), 1, 1)
                    else:
                        yield source


def _source(display: str, path: Path, exclusions: Exclusions) -> SourceFile:
    """A file to read, with the adapter the configuration selects for it, if any."""
    adapters = exclusions.adapters
    return SourceFile(display, path, adapter=adapters.choose(path) if adapters else None)


def _stays_inside(directory: str, name: str, inside: str) -> bool:
    """A directory link is followed only to a directory inside the tree being walked."""
    path = os.path.join(directory, name)
    if not os.path.islink(path):
        return True
    target = os.path.realpath(path)
    return target == inside or target.startswith(inside.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISCHR, N_("a character device")), (stat.S_ISBLK, N_("a block device")),
                       (stat.S_ISSOCK, N_("a socket")), (stat.S_ISFIFO, N_("a pipe")), (stat.S_ISDIR, N_("a directory"))):
        if test(mode):
            return msg(name)
    return msg("not a file")


class NotReadable(Exception):
    """A named path that is a device or a socket: reading it could never end."""


def open_input(source: SourceFile, buffering: int = -1):
    """Open a named file for reading if it is a regular file or a pipe (``<(cmd)``); record what it was."""
    status = os.stat(source.path)
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        raise NotReadable(_kind(status.st_mode))
    handle = open(source.path, "rb", buffering=buffering)
    status = os.fstat(handle.fileno())  # the same file that was opened, not one swapped in between
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        handle.close()
        raise NotReadable(_kind(status.st_mode))
    if stat.S_ISREG(status.st_mode) and source.spool is None:
        if source.signature is not None and _signature(status) != source.signature:
            handle.close()  # read again (a twin named late): only the text first read will do
            raise OSError(errno.ESTALE, "changed since it was read")
        source.signature = _signature(status)
    return handle


def _left_out(directory: str, name: str, is_dir: bool, exclusions: Exclusions, gitignores) -> bool:
    """Excluded by a pattern or by .gitignore (paths are only joined when a glob or an ignore file needs them)."""
    if exclusions.excludes(_Joined(directory, name), name):
        return True
    return bool(gitignores) and gitignores.ignores(os.path.join(directory, name), is_dir)


class _Joined(os.PathLike):
    """``directory/name``, joined only if asked (most names are settled by a set lookup)."""

    __slots__ = ("directory", "name")

    def __init__(self, directory: str, name: str) -> None:
        self.directory, self.name = directory, name

    def __fspath__(self) -> str:
        return os.path.join(self.directory, self.name)



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


def read(source: SourceFile, elements_wanted: frozenset[int] | None = None) -> Iterator[Document | Problem]:
    """The documents of one file, or the problems that keep it (or a line) from being read.

    ``elements_wanted``: of an array file, only these elements are needed (the others may be left out).
    """
    if source.data is not None:
        yield from _read_whole(source, source.data)
        return
    try:
        handle = open_input(source, buffering=PEEK)
    except NotReadable as kind:
        yield Problem(source, "PRS007", msg("{kind}, not a regular file: not read", kind=kind.args[0]), 1, 1)
        return
    except (OSError, ValueError) as error:
        yield _unreadable(source, error)
        return
    with handle:
        try:
            if source.spool is None and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                _spool(source, handle)  # late findings read their document again
                yield from read(source, elements_wanted)
                return
            if holds_lines(source, handle):
                yield from read_lines(source, handle)
            elif _first_byte(handle) == b"[":
                yield from _read_array(source, handle, elements_wanted)
            else:
                yield from _read_whole(source, handle.read())
        except OSError as error:
            yield _unreadable(source, error)


def _unreadable(source: SourceFile, error: Exception) -> Problem:
    reason = getattr(error, "strerror", None) or type(error).__name__
    return Problem(source, "PRS007", msg("cannot read the file: {reason}", reason=reason), 1, 1)


def holds_lines(source: SourceFile, handle=None) -> bool:
    """A JSON Lines batch: by its suffix, or for standard input by its content (the handle is left where it was)."""
    if is_lines_name(source.display):
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


def _read_array(source: SourceFile, handle, wanted: frozenset[int] | None = None) -> Iterator[Document | Problem]:
    """The elements of an array file, read in blocks (``kinelint.read.arrays``)."""
    for item in elements(handle, wanted=wanted):
        if isinstance(item, Broken):
            yield Problem(source, item.code, item.message, item.line, item.column, item.pointer)
            continue
        if item.accepted is not None:
            ref = accepted_ref(source, item.accepted, f"/{item.index}", item.line, item.offset, len(item.raw),
                               item.column)
            yield Document(ref, None, item.raw, item.raw, item.accepted)
            continue
        ref = document_ref(source, item.value, f"/{item.index}", item.line, item.offset, len(item.raw), item.column)
        yield Document(ref, item.value, item.raw, item.raw)


def lines_of(data: bytes) -> Iterator[bytes]:
    """The lines of JSON Lines held in memory, cut as a file is read: at b"\\n" only.

    (``bytes.splitlines`` also cuts at a bare carriage return, which JSON
    allows as whitespace inside a line.)
    """
    return iter(io.BytesIO(data))


LINES_PROBE_BYTES = 1 << 20  # how far into standard input a whole invoice line is looked for


def _looks_like_lines(handle) -> bool:
    """Standard input holding several JSON values, one per line: its first line is a whole object and
    something follows it; or, that line being broken, a later line that starts at the margin is a whole
    object (an invoice written over several lines has its nested lines indented, or none is an object
    on its own). A broken first line does not hide the rest of a batch."""
    text = handle.readline().removeprefix(BOM).strip()
    if not text.startswith(b"{"):
        return False
    if _is_object(text):
        while block := handle.read(PEEK):
            if block.strip():
                return True
        return False
    seen = len(text)
    while seen < LINES_PROBE_BYTES and (line := handle.readline(LINES_PROBE_BYTES)):
        seen += len(line)
        if line.startswith(b"{") and _is_object(line.rstrip(b"\r\n")):
            return True
    return False


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(parse(line), dict)
    except ParseProblem:
        return False


def _read_whole(source: SourceFile, data: bytes) -> Iterator[Document | Problem]:
    """One document read whole (an array only when held in memory: files stream theirs)."""
    body = data.removeprefix(BOM)
    accepted = accept(body) if source.data is None else None
    if accepted is not None:
        own = accepted_ref(source, accepted, "", 1, len(data) - len(body), len(body))
        yield Document(own, None, body, body, accepted)
        return
    try:
        value = parse(body)
    except ParseProblem as problem:
        yield _located(source, problem, body, 1)
        return
    if source.data is None:  # a file: the document is its text, read again from it when needed
        own = document_ref(source, value, "", 1, len(data) - len(body), len(body))
        yield Document(own, value, body, body)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield Document(document_ref(source, item, f"/{index}", 1), item, raw=body)
    else:
        yield Document(document_ref(source, value, "", 1), value, raw=body)


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
        accepted = accept(line)
        if accepted is not None:
            yield Document(accepted_ref(source, accepted, "", number, start, len(line)), None, line, line, accepted)
            continue
        try:
            value = parse(line)
        except ParseProblem as problem:
            yield _located(source, problem, line, number)
            continue
        yield Document(document_ref(source, value, "", number, start, len(line)), value, line, line)
    if number == 0 and first_line == 1:  # a zero-byte batch is as suspicious as a zero-byte invoice
        yield Problem(source, "PRS006", msg("the file is empty: expected one invoice per line"), 1, 1)


def known_invoice_id(value: object) -> str | None:
    """The invoice's id, when it can be shown (even in a schema-invalid invoice): in the identifier's
    form, and holding none of the patient's values (a NIR or birth date, in any spelling)."""
    if isinstance(value, dict):
        return showable_id(value.get("invoice_id"), patient_values(value))
    return None


def _located(source: SourceFile, problem: ParseProblem, body: bytes, first_line: int) -> Problem:
    try:
        text = decode(body)
    except ParseProblem:
        text = body.decode("utf-8", errors="replace")
    line, column = TextPositions(text, first_line).offset_to_position(problem.offset)
    return Problem(source, problem.code, problem.message, line, column, problem.pointer)


def read_text(source: SourceFile) -> str | Problem:
    """The whole text of a file an adapter reads (a byte order mark left out), or why it cannot be read."""
    if source.data is not None:
        data = source.data
    else:
        try:
            with open_input(source) as handle:
                if source.spool is None and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                    _spool(source, handle)
                    return read_text(source)
                data = handle.read()
        except NotReadable as kind:
            return Problem(source, "PRS007", msg("{kind}, not a regular file: not read", kind=kind.args[0]), 1, 1)
        except (OSError, ValueError) as error:
            return _unreadable(source, error)
    body = data.removeprefix(BOM)
    try:
        return decode(body)
    except ParseProblem as problem:
        return _located(source, problem, body, 1)
