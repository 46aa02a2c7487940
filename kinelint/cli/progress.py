"""A progress line on stderr for long runs on a terminal: files and invoices done, and the rate.

Only for a person watching: never in CI (``CI`` set), never with ``NO_COLOR``
or ``TERM=dumb``, never when stderr is not a terminal, and only once a run has
lasted ``delay`` seconds. The run streams and has no total, so the line counts
up rather than filling a bar. A thread redraws it from the run's summary, so
the run itself knows nothing about it; findings printed to the same terminal
first clear the line (``Progress.guard``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from typing import TextIO

from kinelint.i18n import msg, nmsg
from kinelint.findings import Summary

CLEAR = "\r\x1b[K"
SPINNER = "|/-\\"


def should_show(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a progress line may be drawn on ``stream``."""
    environ = os.environ if environ is None else environ
    if environ.get("CI") or environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """A context manager drawing ``summary``'s counts on ``stream`` until the run ends."""

    def __init__(self, summary: Summary, stream: TextIO, delay: float = 1.5, interval: float = 0.2,
                 clock=time.monotonic, lang: str = "en") -> None:
        self.summary, self.stream, self.lang = summary, stream, lang
        self.delay, self.interval, self.clock = delay, interval, clock
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._drawn = False
        self._ticks = 0
        self._started = clock()
        self._thread = threading.Thread(target=self._loop, name="kinelint-progress", daemon=True)

    def __enter__(self) -> Progress:
        self._started = self.clock()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        with self.lock:
            self._clear()

    def line(self) -> str:
        elapsed = max(self.clock() - self._started, 1e-9)
        files, invoices = self.summary.files, self.summary.invoices
        grouped = (lambda n: f"{n:,.0f}".replace(",", "\u202f")) if self.lang == "fr" else (lambda n: f"{n:,.0f}")
        return msg("{spinner} {files}, {invoices} checked, {rate} invoices/s", spinner=SPINNER[self._ticks % len(SPINNER)],
                   files=nmsg("{count} file", "{count} files", files),
                   invoices=nmsg("{count} invoice", "{count} invoices", invoices, count=grouped(invoices)),
                   rate=grouped(invoices / elapsed)).render(self.lang)

    def draw(self) -> None:
        with self.lock:
            self.stream.write(CLEAR + self.line())
            self.stream.flush()
            self._drawn = True
            self._ticks += 1

    def guard(self, stream: TextIO) -> TextIO:
        """``stream`` (the same terminal) wrapped so that each write first clears the progress line."""
        return _Cleared(stream, self)

    def _loop(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self.draw()
            self._stop.wait(self.interval)

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._drawn = False


class _Cleared:
    def __init__(self, stream: TextIO, progress: Progress) -> None:
        self._stream, self._progress = stream, progress

    def write(self, text: str) -> int:
        with self._progress.lock:
            self._progress._clear()
            written = self._stream.write(text)
            self._stream.flush()
            return written

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
