"""Where kinelint writes (``--output-file``, ``--write-baseline``): never onto what it checks, never half a file.

A target is compared with the files checked by identity (device and inode),
not by spelling: a symlink, a hard link or a linked directory that reaches a
checked file is refused before anything is read. A new file that a directory
walk would read back is refused too. What is written goes to a temporary file
in the target's directory, renamed into place at the end: a failed run leaves
the previous report or baseline as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kinelint.i18n import msg
from kinelint.read.sources import STDIN, discover_quietly, is_invoice_name, walked_directories


class OutputRefused(Exception):
    """A target that is (or would become) one of the files checked; ``reason`` says which."""

    def __init__(self, reason) -> None:
        super().__init__(reason)
        self.reason = reason


def guard(target: Path, paths: Iterable[str]) -> None:
    """Raise ``OutputRefused`` if writing ``target`` would touch a file this run reads."""
    paths = [p for p in paths if p != STDIN]
    try:
        status = os.stat(target)
    except OSError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        checked = set()
        for source in discover_quietly(paths):
            try:
                found = os.stat(source.path)
            except (OSError, ValueError):
                continue
            checked.add((found.st_dev, found.st_ino))
        if (status.st_dev, status.st_ino) in checked:
            raise OutputRefused(msg("is among the files checked"))
    if is_invoice_name(str(target)):
        try:
            parent = os.stat(os.path.dirname(os.path.abspath(target)))
        except OSError:
            return
        if (parent.st_dev, parent.st_ino) in walked_directories(paths):
            raise OutputRefused(msg("is among the files checked (a directory walk would read it)"))


class AtomicWriter:
    """A text file written whole or not at all: a temporary file beside the target, renamed at ``commit``.

    A target that is not a regular file (``/dev/stdout``, a pipe) is written
    in place: there is nothing to keep and a device cannot be renamed over.
    A link is followed: the file it names is replaced, the link stays.
    """

    def __init__(self, target: Path) -> None:
        self.target = Path(os.path.realpath(target))
        try:
            existing = os.stat(self.target)
        except OSError:
            existing = None
        self._temporary: str | None = None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            self.stream = open(self.target, "w", encoding="utf-8")
            return
        handle, self._temporary = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp",
                                                   dir=self.target.parent)
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
        os.fchmod(handle, mode)
        self.stream = open(handle, "w", encoding="utf-8")

    def commit(self) -> None:
        self.stream.close()
        if self._temporary is not None:
            os.replace(self._temporary, self.target)
            self._temporary = None

    def discard(self) -> None:
        try:
            self.stream.close()
        except OSError:
            pass
        if self._temporary is not None:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass
            self._temporary = None

    def __enter__(self):
        return self.stream

    def __exit__(self, error_type, error, traceback) -> None:
        if error_type is None:
            self.commit()
        else:
            self.discard()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
