"""The filter stage, between the run and the reporter: what the configuration lets through.

Rules of rule sets after the pinned one first (off whatever ``select`` says; ``--preview`` runs them), then
select/ignore by code or prefix (as ruff does, the more specific of the two
wins; at equal length, ignore wins), per-file-ignores by glob, severity
overrides (the longest matching code or prefix wins), then the baseline.
Globs are matched in linear time (``kinelint.read.globs``).
Only the findings that pass are counted, so the summary and the exit status
tell what was reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from kinelint.findings import Finding, Summary
from kinelint.read.globs import Glob
from kinelint.report.baseline import Baseline


class Selection(Protocol):
    """What the filter reads of the configuration (``kinelint.cli.config.Settings`` has it all)."""

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]
    severity: tuple[tuple[str, str], ...]
    root: Path  # per-file-ignores globs are relative to it
    off: frozenset[str]  # rules of rule sets after the pinned one: never reported, whatever select says


class Filter:
    def __init__(self, settings: Selection, baseline: Baseline | None = None) -> None:
        self.settings = settings
        self.baseline = baseline
        self.summary = Summary()  # the reported findings; files and invoices are the run's
        self._file_rules = [(Glob(pattern), codes) for pattern, codes in settings.per_file_ignores]
        self._severity = sorted(settings.severity, key=lambda pair: -len(pair[0]))
        self._selected: dict[str, bool] = {}

    def apply(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        for finding in findings:
            if not self.selected(finding.code) or self._ignored_for_file(finding):
                continue
            finding = self._with_severity(finding)
            if self.baseline is not None and self.baseline.absorbs(finding):
                continue
            self.summary.count(finding)
            yield finding

    def finish(self, run_summary: Summary) -> Summary:
        """The reported summary: the run's files and invoices, the filter's findings."""
        self.summary.files, self.summary.invoices = run_summary.files, run_summary.invoices
        return self.summary

    def selected(self, code: str) -> bool:
        known = self._selected.get(code)
        if known is None:
            chosen = _longest(self.settings.select, code) if self.settings.select else 0
            known = self._selected[code] = (chosen > _longest(self.settings.ignore, code)
                                            and code not in getattr(self.settings, "off", ()))
        return known

    def _ignored_for_file(self, finding: Finding) -> bool:
        if not self._file_rules or finding.file == "-":
            return False
        relative = Path(os.path.relpath(os.path.abspath(finding.file), self.settings.root)).as_posix()
        name = relative.rsplit("/", 1)[-1]
        for pattern, codes in self._file_rules:
            if pattern.matches(relative) or pattern.matches(name):
                if _longest(codes, finding.code) >= 0:
                    return True
        return False

    def _with_severity(self, finding: Finding) -> Finding:
        for code, severity in self._severity:
            if finding.code.startswith(code):
                return finding if finding.severity == severity else replace(finding, severity=severity)
        return finding


def _longest(prefixes: Iterable[str], code: str) -> int:
    """The length of the longest prefix of ``code`` among ``prefixes``, or -1."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)
