"""Configuration and baseline files: read whole, but only from a regular file or a pipe, and only up to a cap.

``--config /dev/zero`` (or a committed ``kinelint.toml`` linked to it) must be
a clear message, not a read that lasts until memory runs out; a pipe
(``--config <(cmd)``) is read, but no further than the cap either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kinelint.i18n import msg

CONFIG_MAX_BYTES = 1 << 20  # a configuration is a few lines; 1 MiB is far beyond any real one
BASELINE_MAX_BYTES = 64 << 20  # ~600,000 accepted findings of ~110 bytes each


class SmallFileError(Exception):
    """Why the file was not read (the caller names the file and what it was for); ``reason``, a message."""

    @property
    def reason(self):
        return self.args[0]


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; ``SmallFileError`` for a device, socket or directory, or past ``limit`` bytes.

    ``OSError`` (missing, unreadable) is left to the caller, who words it.
    """
    status = os.stat(path)
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
        raise SmallFileError(msg("not a regular file (a device, socket or directory)"))
    with open(path, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not (stat.S_ISREG(opened.st_mode) or stat.S_ISFIFO(opened.st_mode)):
            raise SmallFileError(msg("not a regular file (a device, socket or directory)"))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SmallFileError(msg("larger than {size} MiB", size=limit // (1 << 20)))
    return data
