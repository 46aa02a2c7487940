"""What plugin code prints never reaches the report: standard output goes nowhere while plugins run.

Plugin code could print patient data, and the real standard output carries
the report (``print()`` once broke the JSON on it). The command takes the
report's stream before entering ``plugin_output_dropped``; a worker process,
which writes no report, drops its output for good.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Nowhere:
    """Standard output as plugin code sees it during a run: whatever it prints is dropped (it could hold
    patient data, and the real standard output carries the report)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        return len(text)

    def writelines(self, lines) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "kinelint keeps standard output for its report")


@contextmanager
def plugin_output_dropped() -> Iterator[None]:
    """``sys.stdout`` goes nowhere inside; take the report's stream before entering."""
    saved = sys.stdout
    sys.stdout = _Nowhere()
    try:
        yield
    finally:
        sys.stdout = saved


def drop_plugin_output() -> None:
    """For a worker process, for good: it has no report to write."""
    sys.stdout = _Nowhere()
