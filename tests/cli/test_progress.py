"""The progress line: the decision, the drawing, and the real command on a pseudo-terminal.

Standard input kept open for a while makes a run last as long as the test wants
(the run reads it before anything else), so no big batch is needed.
"""

import io
import os
import pty
import select
import subprocess
import sys
import time

import pytest
from invoice_factory import clean, dumps
from conftest import REPO


from kinelint import __version__
from kinelint.findings import Summary
from kinelint.nomenclature.rulesets import load_rulesets
from kinelint.cli.progress import CLEAR, Progress, should_show

NEWEST = load_rulesets().newest.name

HANG_GUARD_SECONDS = 300  # a wait bounded against hangs, never a speed limit


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Closed(io.StringIO):
    def isatty(self):
        raise ValueError("I/O operation on closed file")


@pytest.mark.parametrize("stream, environ, expected", [
    (Terminal(), {"TERM": "xterm"}, True),
    (Terminal(), {}, True),
    (Terminal(), {"CI": "true"}, False),
    (Terminal(), {"CI": "1", "TERM": "xterm"}, False),
    (Terminal(), {"NO_COLOR": "1"}, False),
    (Terminal(), {"NO_COLOR": ""}, True),  # the NO_COLOR convention: present and not empty
    (Terminal(), {"TERM": "dumb"}, False),
    (io.StringIO(), {}, False),  # piped or redirected
    (Closed(), {}, False),
    (object(), {}, False),
])
def test_should_show(stream, environ, expected):
    assert should_show(stream, environ) is expected


def test_progress_draws_counts_and_rate_then_clears():
    now = [100.0]
    summary, stream = Summary(files=2, invoices=3000), Terminal()
    progress = Progress(summary, stream, delay=60, clock=lambda: now[0])
    with progress:
        now[0] = 102.0
        progress.draw()
        assert stream.getvalue() == CLEAR + "| 2 files, 3,000 invoices checked, 1,500 invoices/s"
        guarded = progress.guard(stream)
        guarded.write("a.json:1:1: SCH005 ...\n")
        assert stream.getvalue().endswith(CLEAR + "a.json:1:1: SCH005 ...\n")
        progress.draw()
    assert stream.getvalue().endswith(CLEAR)


def test_progress_is_silent_for_short_runs():
    stream = Terminal()
    with Progress(Summary(), stream, delay=5):
        pass
    assert stream.getvalue() == ""


def start(environ_changes, terminal=True):
    """``kinelint check -`` with stderr on a pseudo-terminal (or a pipe); stdin stays open until ``finish``."""
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "PYTHONPATH")}
    environment["TERM"] = "xterm"
    environment.update(environ_changes)
    primary, secondary = pty.openpty() if terminal else (None, subprocess.PIPE)
    process = subprocess.Popen([sys.executable, "-m", "kinelint", "check", "-"], cwd=REPO, env=environment,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=secondary)
    if terminal:
        os.close(secondary)
    return process, primary


def read_terminal(primary, until=None):
    """What the pseudo-terminal received: until ``until`` is seen, else until it is quiet.

    The wait for ``until`` is bounded only as a guard against a hang (a busy machine may take long to
    start the command; how long is not what this test is about)."""
    seen, deadline = b"", time.monotonic() + (HANG_GUARD_SECONDS if until else 0)
    while not (until and until in seen):
        if not select.select([primary], [], [], 0.2)[0]:
            if time.monotonic() >= deadline:
                break
            continue
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the other side is closed
            break
        if not chunk:
            break
        seen += chunk
    return seen


def finish(process, primary, seen=b""):
    stdout, stderr = process.communicate(dumps(clean()).encode(), timeout=HANG_GUARD_SECONDS)
    if primary is None:
        return process.returncode, stdout, stderr.decode()
    seen += read_terminal(primary)
    os.close(primary)
    return process.returncode, stdout, seen.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_command_shows_progress_on_a_terminal_and_never_in_ci_with_no_color_or_piped():
    cases = {"terminal": ({}, True), "ci": ({"CI": "true"}, True), "no_color": ({"NO_COLOR": "1"}, True),
             "dumb": ({"TERM": "dumb"}, True), "piped": ({}, False)}
    started = {name: start(changes, terminal) for name, (changes, terminal) in cases.items()}
    # The runs started together; once the terminal one draws, the others have had as long to do so.
    drawn = read_terminal(started["terminal"][1], until=b"invoices/s")
    time.sleep(0.5)
    results = {name: finish(*process, drawn if name == "terminal" else b"") for name, process in started.items()}
    code, stdout, stderr = results["terminal"]
    assert code == 0 and stdout == f"kinelint {__version__}, rule set {NEWEST}.\n1 file, 1 invoice checked: no findings.\n".encode()
    assert "0 files, 0 invoices checked, 0 invoices/s" in stderr and stderr.endswith(CLEAR)
    for name in ("ci", "no_color", "dumb", "piped"):
        assert results[name] == (0, stdout, ""), name
