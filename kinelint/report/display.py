"""Text for people and CI logs: control characters shown as escapes, never acted on.

A file name, an invoice id, a key or a plugin's message may hold a newline, a
carriage return, an escape sequence or a bidirectional override. Printed as
they are, they forge finding lines in the text format, GitHub workflow
commands in a CI log (a line that starts with ``::``, or ``##[`` anywhere) and
make XML unreadable. Every human format and every message on stderr goes
through ``escape_controls``; file names through ``shown_path``.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional controls, lone surrogates.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LEGACY_COMMAND = "##["  # GitHub's older workflow command syntax, recognised anywhere in a line


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``, ``\\u202e``)."""
    if text.isprintable() and _LEGACY_COMMAND not in text:
        return text
    return _CONTROLS.sub(_escape, text).replace(_LEGACY_COMMAND, "#\\x23[")


def shown_path(path: str) -> str:
    """A file name for a line that starts with it: printable, and never starting with ``::``
    (a GitHub workflow command) or ``-``."""
    shown = escape_controls(path)
    return "./" + shown if shown.startswith((":", "-")) and shown != "-" else shown


def _escape(match: re.Match) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
