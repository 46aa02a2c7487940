"""Findings kept on disk for the reports that are written whole at the end (SARIF, GitLab, JUnit).

A report that is one JSON document or one XML tree cannot be written as
findings come, but it need not hold them all in memory either: each finding
is appended to an anonymous temporary file (removed by the system when it is
closed, even if the run is killed) and read back, one at a time, when the
report is written. Findings hold no patient data; the file is private to the
process.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import struct
import tempfile
from collections.abc import Iterator

from kinelint.findings import Finding
from kinelint.report.jsontext import dumps  # json.dumps, with exact Decimals (money, corrections)

_LENGTH = struct.Struct("<I")
_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))  # stored as a tuple: a third of the time


class FindingSpool:
    """Append findings, then read them back in order (``iter``) or one by one (``at`` an offset)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="kinelint-findings-")
        self._end = 0
        self.count = 0

    def add(self, finding: Finding) -> int:
        """Store a finding; its offset, for ``at``."""
        data = pickle.dumps(tuple(getattr(finding, name) for name in _FIELDS), protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._end
        self._file.seek(offset)
        self._file.write(_LENGTH.pack(len(data)) + data)
        self._end += _LENGTH.size + len(data)
        self.count += 1
        return offset

    def at(self, offset: int) -> Finding:
        self._file.seek(offset)
        (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
        return Finding(*pickle.loads(self._file.read(length)))

    def __iter__(self) -> Iterator[Finding]:
        self._file.seek(0)
        read = self._file.read
        for _ in range(self.count):
            (length,) = _LENGTH.unpack(read(_LENGTH.size))
            yield Finding(*pickle.loads(read(length)))

    def close(self) -> None:
        self._file.close()


def write_json_list(stream, head: dict | list, path: tuple[str | int, ...], items: Iterator[dict], empty: bool) -> None:
    """``json.dump(head, indent=2)`` with the list at ``path`` (empty in ``head``) filled with ``items``,
    written one item at a time: the same text as if the list had been built whole (Decimals exact)."""
    if empty:
        stream.write(dumps(head, indent=2))
        return
    marker = "\x00kinelint-items\x00"
    if path:
        node = head
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = [marker]
        text = dumps(head, indent=2)
        node[path[-1]] = []
    else:  # the list is the whole document
        text = dumps([marker], indent=2)
    quoted = json.dumps(marker)
    at = text.index(quoted)
    pad = text[text.rindex("\n", 0, at) + 1:at]
    stream.write(text[:at])
    separator = ""
    for item in items:
        stream.write(separator + dumps(item, indent=2).replace("\n", "\n" + pad))
        separator = ",\n" + pad
    stream.write(text[at + len(quoted):])
