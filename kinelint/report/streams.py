"""Where a report is written, and how a run ends when it cannot be.

Three things used to turn into "internal error, please report it": a reader
that went away (``kinelint check | head``), a full disk (``-o /dev/full``), and
plugin code printing into the report (``print()`` broke the JSON on standard
output). Here a report stream names itself in its write errors, and a closed pipe
ends the run as it ends ``cat`` (quietly, by SIGPIPE); what plugins print goes
nowhere (``kinelint.check.plugin_output``) while the report keeps the real one.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import NoReturn, TextIO


class ReportWriteError(Exception):
    """The report (a file, or standard output) could not be written."""

    def __init__(self, where: str, error: OSError) -> None:
        super().__init__(where, error)
        self.where, self.error = where, error

    @property
    def closed_pipe(self) -> bool:
        return isinstance(self.error, BrokenPipeError) or self.error.errno == errno.EPIPE

    def __str__(self) -> str:
        return f"cannot write the report to {self.where}: {self.error.strerror or self.error}"


class ReportStream:
    """A text stream whose write errors say which report failed (``ReportWriteError``)."""

    def __init__(self, stream: TextIO, where: str) -> None:
        self._stream, self.where = stream, where

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise ReportWriteError(self.where, error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise ReportWriteError(self.where, error) from None

    def close(self) -> None:
        try:
            self._stream.close()
        except OSError as error:
            raise ReportWriteError(self.where, error) from None

    def __enter__(self) -> ReportStream:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that flushing at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
    except (OSError, ValueError):
        pass


def end_on_closed_pipe() -> NoReturn:
    """The reader went away (``| head``): end as ``cat`` does there, killed by SIGPIPE, with no message."""
    _silence_stdout()
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(1)


def end_on_full_output(error: ReportWriteError, status: int) -> NoReturn:
    """A report that cannot be written (a full disk): say so and exit ``status``; nothing more is tried."""
    if error.where == STANDARD_OUTPUT:
        _silence_stdout()
    sys.stderr.write(f"kinelint: {error}\n")
    sys.exit(status)


STANDARD_OUTPUT = "standard output"
