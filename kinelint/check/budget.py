"""A time budget for each call into plugin code (``--plugin-timeout``).

A plugin that loops for ever would hang the run. A watchdog thread looks at
the call in progress a few times a second; when one has lasted longer than
the budget, it signals the main thread, whose handler raises
``PluginTimeout`` inside the plugin's code (if that call is still the one in
progress). The host catches it like any plugin failure, reports it, and
calls that plugin no more. The hot path only stores a number and a time per
call: no timer is armed and disarmed per call.

Code stuck in C never returns to the interpreter, so no signal handler can
run: after a grace period the process is abandoned. A worker process says why
on standard error and exits (the main process reports a dead worker); a
one-process run does the same, rather than hang for ever.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

DEFAULT_SECONDS = 60.0  # far above any sane call (an invoice takes microseconds), far below "for ever"
GRACE_SECONDS = 5.0  # after the signal, before the process is abandoned
_SIGNAL = signal.SIGUSR2
EXIT_ABANDONED = 2
_monotonic = time.monotonic  # enter() runs for every call into a plugin


class PluginTimeout(BaseException):
    """Raised inside plugin code that outlasted its budget (a BaseException: ``except Exception`` in the
    plugin does not swallow it)."""


class TimeBudget:
    """Watches the plugin calls of one process; ``enter``/``leave`` bracket each call."""

    def __init__(self, seconds: float | None = DEFAULT_SECONDS) -> None:
        self.seconds = seconds
        self._call = 0  # number of the call in progress; 0 between calls
        self._count = 0
        self._started = 0.0
        self._what: tuple[str, str] = ("", "")  # (plugin, hook) of the call in progress
        self._flagged = 0  # the call the watchdog signalled
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> TimeBudget:
        """Arm the watchdog; only from the main thread (signal handlers live there), else no budget."""
        if self.seconds is None or self._thread is not None or threading.current_thread() is not threading.main_thread():
            return self
        self._main = threading.main_thread().ident
        signal.signal(_SIGNAL, self._on_signal)
        self._thread = threading.Thread(target=self._watch, name="kinelint-plugin-budget", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def enter(self, plugin: str, hook: str) -> None:
        self._count = count = self._count + 1
        self._what = (plugin, hook)
        self._started = _monotonic()
        self._call = count

    def leave(self) -> None:
        self._call = 0

    def _on_signal(self, _signum, _frame) -> None:
        if self._call and self._call == self._flagged:
            raise PluginTimeout

    def _watch(self) -> None:
        interval = min(0.25, self.seconds / 4)
        while not self._stop.wait(interval):
            call, started = self._call, self._started
            if not call or time.monotonic() - started <= self.seconds:
                continue
            if self._flagged != call:
                self._flagged = call
                signal.pthread_kill(self._main, _SIGNAL)
            elif time.monotonic() - started > self.seconds + GRACE_SECONDS and self._call == call:
                self._abandon()

    def _abandon(self) -> None:
        try:
            plugin, hook = self._what
            sys.stderr.write(f"kinelint: plugin {plugin!r} did not return from {hook} within its time budget ({self.seconds:g} s) "
                             "and could not be interrupted: its process is abandoned; the check is incomplete\n")
            sys.stderr.flush()
        finally:
            os._exit(EXIT_ABANDONED)
