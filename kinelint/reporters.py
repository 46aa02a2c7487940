"""Reporters: findings to text, JSON or JSON Lines, registered by name.

A reporter receives findings one by one as the run produces them and the
summary at the end, so streaming formats never hold a batch in memory.
"""

from __future__ import annotations

import json
from typing import TextIO

from kinelint.findings import Finding, Summary


class Reporter:
    """Base: subclasses write ``finding`` as it comes and ``finish`` at the end."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def finding(self, finding: Finding) -> None:
        raise NotImplementedError

    def finish(self, summary: Summary) -> None:
        pass


class TextReporter(Reporter):
    """``path:line:col: CODE message``, then one summary line."""

    def finding(self, finding: Finding) -> None:
        self.stream.write(f"{finding.file}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n")

    def finish(self, summary: Summary) -> None:
        self.stream.write(summary_line(summary) + "\n")


class JsonReporter(Reporter):
    """One JSON object: ``{"findings": [...], "summary": {...}}``."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._findings: list[dict] = []

    def finding(self, finding: Finding) -> None:
        self._findings.append(finding.as_dict())

    def finish(self, summary: Summary) -> None:
        json.dump({"findings": self._findings, "summary": summary.as_dict()}, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


class JsonLinesReporter(Reporter):
    """One finding per line."""

    def finding(self, finding: Finding) -> None:
        self.stream.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "jsonl": JsonLinesReporter,
}


def summary_line(summary: Summary) -> str:
    checked = f"{_plural(summary.files, 'file')}, {_plural(summary.invoices, 'invoice')} checked"
    if not summary.findings:
        return f"{checked}: no findings."
    infos = summary.findings - summary.errors - summary.warnings
    parts = [_plural(summary.errors, "error"), _plural(summary.warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "info"))
    return f"{checked}: " + ", ".join(parts) + "."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
