"""Reporters: findings to text, JSON or JSON Lines here, and the CI formats, registered by name.

A reporter receives findings one by one as the run produces them and the
summary at the end, so streaming formats never hold a batch in memory. The
CI formats (``kinelint.report.ci``) are imported only when chosen, to keep
start-up light for pre-commit.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kinelint import __version__
from kinelint.nomenclature.rulesets import load_rulesets
from kinelint.report.display import escape_controls, shown_path
from kinelint.findings import SAFE, Finding, Rule, Summary
from kinelint.i18n import DEFAULT_LANGUAGE, Euros, Joined, all_of, msg, nmsg
from kinelint.report.jsontext import dumps


@dataclass(frozen=True)
class Provenance:
    """Which kinelint and which rule set made a report: every format names them, so a report read months later
    says what it was checked against (``ruleset`` the pinned set or the newest; ``preview``: later sets ran too)."""

    version: str = __version__
    ruleset: str = field(default_factory=lambda: load_rulesets().newest.name)
    preview: bool = False

    def as_dict(self) -> dict:
        return {"name": "kinelint", "version": self.version, "ruleset": self.ruleset, "preview": self.preview}

    def line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """ "kinelint 0.1.0, rule set 2026.2." in the report's language, saying when later rule sets are off."""
        if self.ruleset == load_rulesets().newest.name:  # no later set: --preview changes nothing
            template = "kinelint {version}, rule set {ruleset}."
        elif self.preview:
            template = "kinelint {version}, rule set {ruleset} and the rules of later rule sets (preview)."
        else:
            template = ("kinelint {version}, rule set {ruleset} (pinned: the rules of later rule sets are off; "
                        "--preview runs them).")
        return msg(template, version=self.version, ruleset=self.ruleset).render(lang)


@dataclass(frozen=True)
class ReportContext:
    """What a report may need beyond the findings: the rules (their summaries in the report's language),
    the base of relative paths, the failing severity, the language of the report."""

    rules: Mapping[str, Rule] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    fail_on: str = "error"
    lang: str = DEFAULT_LANGUAGE
    color: bool = False  # ANSI colours in the text report (--color, NO_COLOR)
    quiet: bool = False  # the findings only, no summary line (--quiet)
    provenance: Provenance = field(default_factory=Provenance)  # the version and rule set the report names

    def fails(self, finding: Finding) -> bool:
        return finding.severity == "error" or (self.fail_on == "warning" and finding.severity == "warning")


class Reporter:
    """Base: subclasses write ``finding`` as it comes and ``finish`` at the end."""

    def __init__(self, stream: TextIO, context: ReportContext | None = None) -> None:
        self.stream = stream
        self.context = context or ReportContext()

    # Reporters that list every invoice, clean ones too, set this and implement ``document``.
    wants_documents = False

    def document(self, ref) -> None:
        """An invoice was read (``ref`` is a ``kinelint.read.sources.DocRef``)."""

    def finding(self, finding: Finding) -> None:
        raise NotImplementedError

    def finish(self, summary: Summary) -> None:
        pass


# ANSI styles of the text report on a terminal, as ruff colours its own.
_STYLES = {"path": "1", "error": "1;31", "warning": "1;33", "info": "1;36", "code": "1", "summary": "1"}


def _styled(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if color else text


class TextReporter(Reporter):
    """``path:line:col: severity CODE message``, then the version and rule set, then one summary line (last, as
    scripts and CI logs read it).

    The severity is the one in force (after ``severity`` overrides), so a
    reader can tell what fails the build; on a terminal it is coloured.
    Control characters of the input are escaped (one finding, one line)
    before any colour is added.
    """

    def finding(self, finding: Finding) -> None:
        color = self.context.color
        where = _styled(f"{shown_path(finding.file)}:{finding.line}:{finding.column}:", "path", color)
        severity = _styled(finding.severity, finding.severity if finding.severity in _STYLES else "code", color)
        code = _styled(escape_controls(finding.code), "code", color)
        mark = f" {fix_mark(finding.applicability, self.context.lang)}" if finding.fix_offered else ""
        self.stream.write(f"{where} {severity} {code} {escape_controls(finding.message)}{mark}\n")

    def finish(self, summary: Summary) -> None:
        if not self.context.quiet:
            self.stream.write(self.context.provenance.line(self.context.lang) + "\n")
            self.stream.write(_styled(summary_line(summary, self.context.lang), "summary", self.context.color) + "\n")


def fix_mark(applicability: str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "[safe fix]" or "[fix to review]": whether ``--diff`` shows the correction as is or only with
    ``--unsafe-fixes``, as ruff marks its fixes."""
    return (msg("[safe fix]") if applicability == SAFE else msg("[fix to review]")).render(lang)


def wants_color(choice: str, stream, environ: Mapping[str, str]) -> bool:
    """``--color``: ``always``, ``never``, or ``auto`` (a terminal, unless ``NO_COLOR`` is set or TERM is dumb)."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class JsonReporter(Reporter):
    """One JSON object: ``{"findings": [...], "summary": {...}, "tool": {...}}``, a finding a line (``tool``: the
    version and rule set, an optional field of the findings contract).

    Findings are written as they come (the summary, last, is the only part
    that waits for the end), so a large batch holds none of them in memory;
    each is encoded by the C encoder (``indent`` would fall back on the
    pure-Python one, several times slower).
    """

    def __init__(self, stream: TextIO, context: ReportContext | None = None) -> None:
        super().__init__(stream, context)
        self._separator = '{"findings": ['

    def finding(self, finding: Finding) -> None:
        self.stream.write(f"{self._separator}\n  {finding_json(finding)}")
        self._separator = ","

    def finish(self, summary: Summary) -> None:
        opening = '{"findings": [' if self._separator != "," else "\n"
        self.stream.write(f'{opening}], "summary": {dumps(summary.as_dict())}, '
                          f'"tool": {dumps(self.context.provenance.as_dict())}}}\n')


class JsonLinesReporter(Reporter):
    """One finding per line."""

    def finding(self, finding: Finding) -> None:
        self.stream.write(finding_json(finding) + "\n")


def finding_json(finding: Finding) -> str:
    """One finding as JSON text; its fix and money as exact numbers (18.80, -0.01)."""
    if not finding.fix and finding.money is None:  # nearly every finding: the C encoder alone
        return json.dumps(finding.as_dict(), ensure_ascii=False)
    return dumps(finding.as_dict())


REPORTERS: dict[str, str] = {
    "text": "kinelint.report.reporters:TextReporter",
    "json": "kinelint.report.reporters:JsonReporter",
    "jsonl": "kinelint.report.reporters:JsonLinesReporter",
    "sarif": "kinelint.report.ci.sarif:SarifReporter",
    "junit": "kinelint.report.ci.junit:JunitReporter",
    "github": "kinelint.report.ci.github:GithubReporter",
    "gitlab": "kinelint.report.ci.gitlab:GitlabReporter",
    "html": "kinelint.report.html:HtmlReporter",
}

FORMATS = tuple(REPORTERS)


def reporter_class(name: str) -> type[Reporter]:
    """The reporter registered under ``name`` (one of ``REPORTERS``)."""
    module, _, attribute = REPORTERS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def at_pointer(pointer: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "at /sessions/0/date", or "at the document root", in the report's language."""
    return (msg("at {pointer}", pointer=pointer) if pointer else msg("at the document root")).render(lang)


def summary_line(summary: Summary, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "7 files, 11 invoices checked: 3 errors, 0 warnings." in the report's language."""
    checked = msg("{files}, {invoices} checked",
                  files=nmsg("{count} file", "{count} files", summary.files),
                  invoices=nmsg("{count} invoice", "{count} invoices", summary.invoices))
    if not summary.findings:
        return msg("{checked}: no findings.", checked=checked).render(lang)
    infos = summary.findings - summary.errors - summary.warnings
    parts = [nmsg("{count} error", "{count} errors", summary.errors),
             nmsg("{count} warning", "{count} warnings", summary.warnings)]
    if infos:
        parts.append(nmsg("{count} info", "{count} infos", infos))
    stake = money_words(summary)
    if stake is not None:
        return msg("{checked}: {counts}; billed in error: {stake}.", checked=checked, counts=Joined(parts),
                   stake=stake).render(lang)
    return msg("{checked}: {counts}.", checked=checked, counts=Joined(parts)).render(lang)


def money_words(summary: Summary) -> Joined | None:
    """"COE 1.33 too little, TAR 0.02 too much and 0.01 too little" (a message in any language), or None."""
    parts = []
    for family in sorted(summary.money):
        amounts = stake_words(summary.money[family])
        if amounts is not None:
            parts.append(msg("{family} {amounts}", family=family, amounts=amounts))
    return Joined(parts) if parts else None


def stake_words(stake) -> object | None:
    """"0.02 too much and 0.01 too little" for one ``MoneyAtStake``, or None when nothing is at stake."""
    amounts = ([msg("{amount} too much", amount=Euros(stake.over))] if stake.over else []) + \
              ([msg("{amount} too little", amount=Euros(stake.under))] if stake.under else [])
    return all_of(amounts) if amounts else None
