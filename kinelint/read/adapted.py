"""Files read through an input adapter (``kinelint.adapters``): which files, and their documents' positions.

The configuration's ``[adapters]`` table names, per file pattern, the adapter
that reads those files (``AdapterSelection``); a directory walk takes them
whatever their suffix. The adapter itself is a plugin, called by the check
stage (``kinelint.check.runner``); what it returns becomes ``Document``s here,
each with ``AdaptedPositions``: a finding's pointer is located at the spot of
the source file it came from, and a correction's region is the source's text
of that value, with the ``Writer`` that writes a new value in the source's terms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kinelint.adapters import UNWRITABLE, Adapted, Spot
from kinelint.findings import Region
from kinelint.read.globs import Glob
from kinelint.read.positions import TextPositions


@dataclass(frozen=True, eq=False)
class AdapterChoice:
    """The adapter a file is read with: its name, its options (the configuration's table, such as the
    mapping file), and the folder of the configuration (relative paths in options start there)."""

    name: str
    options: dict = field(default_factory=dict)
    base: str = "."


@dataclass(frozen=True)
class AdapterSelection:
    """Patterns (as ``per-file-ignores``: relative to ``root``; without ``/``, the file's name) and the
    adapter each selects; the first pattern that matches a file wins."""

    rules: tuple[tuple[str, AdapterChoice], ...] = ()
    root: Path = field(default_factory=Path.cwd)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def choose(self, path: str | os.PathLike) -> AdapterChoice | None:
        if not self.rules:
            return None
        relative = Path(os.path.relpath(os.path.abspath(path), self.root)).as_posix()
        name = relative.rsplit("/", 1)[-1]
        for pattern, choice in self._compiled:
            if pattern.matches(relative) or pattern.matches(name):
                return choice
        return None

    @property
    def _compiled(self) -> list[tuple[Glob, AdapterChoice]]:
        compiled = self.__dict__.get("_globs")
        if compiled is None:
            compiled = [(Glob(pattern), choice) for pattern, choice in self.rules]
            object.__setattr__(self, "_globs", compiled)
        return compiled


class AdaptedPositions:
    """Positions of one adapted invoice's pointers in its source file (``TextPositions``' interface).

    A pointer without a spot of its own (a missing field, a constant) stands at
    its nearest ancestor's spot. ``text`` is the source file's whole text, to
    turn a spot's offsets into lines and columns and to give a region its text.
    """

    def __init__(self, adapted: Adapted, text: TextPositions, source_text: str) -> None:
        self._spots = adapted.spots
        self._text = text
        self._source = source_text

    def spot(self, pointer: str) -> Spot | None:
        candidate = pointer
        while True:
            found = self._spots.get(candidate)
            if found is not None or not candidate:
                return found
            candidate = candidate.rsplit("/", 1)[0]

    def locate(self, pointers, base: str = "") -> dict[str, tuple[int, int]]:
        found = {}
        for pointer in pointers:
            spot = self.spot(pointer)
            found[pointer] = (spot.line, spot.column) if spot is not None else (1, 1)
        return found

    def source_pointer(self, pointer: str) -> str | None:
        """The source's own JSON pointer for ``pointer`` (its nearest ancestor's that has one), or None."""
        candidate = pointer
        while True:
            spot = self._spots.get(candidate)
            if spot is not None and spot.pointer is not None:
                return spot.pointer
            if not candidate:
                return None
            candidate = candidate.rsplit("/", 1)[0]

    def regions(self, pointers, base: str = "") -> dict[str, Region]:
        """The region of each pointer's value in the source, with its writer; a value the source does not
        hold as text (a constant, a spot without offsets or writer) gets an unwritable region at its spot."""
        found = {}
        for pointer in pointers:
            spot = self._spots.get(pointer)
            region = self._region(spot) if spot is not None else None
            if region is not None and all(more is not None for more in region.also):
                found[pointer] = region
                continue
            near = self.spot(pointer)
            line, column = (near.line, near.column) if near is not None else (1, 1)
            found[pointer] = Region(line, column, line, column, "", None, UNWRITABLE)
        return found

    def _region(self, spot: Spot) -> Region | None:
        if spot.writer is None or not 0 <= spot.start <= spot.end <= len(self._source):
            return None
        line, column = self._text.offset_to_position(spot.start)
        end_line, end_column = self._text.offset_to_position(spot.end)
        return Region(line, column, end_line, end_column, self._source[spot.start:spot.end], spot.pointer,
                      spot.writer, tuple(self._region(more) for more in spot.also))


def adapted_documents(source, text: str, items) -> list:
    """The documents and problems of an adapted file, in the adapter's order: each ``Adapted`` a document
    (``/0``, ``/1``, ... in its file: its place among the invoices), each ``Unadapted`` a problem (PRS010 when
    the mapping is wrong, PRS011 when the file does not fit it)."""
    from kinelint.read.sources import Document, Problem, document_ref

    positions = TextPositions(text)
    found, count = [], 0
    for item in items:
        if isinstance(item, Adapted):
            spot = item.spots.get("")
            line, column = (spot.line, spot.column) if spot is not None else (1, 1)
            ref = document_ref(source, item.invoice, f"/{count}", line, -1, 0, column)
            found.append(Document(ref, item.invoice, adapted_positions=AdaptedPositions(item, positions, text)))
            count += 1
        else:
            found.append(Problem(source, "PRS010" if item.mapping else "PRS011", item.message, item.line,
                                 item.column, item.pointer or ""))
    return found
