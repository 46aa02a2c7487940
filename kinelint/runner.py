"""One run: sources -> documents -> schema -> plugins -> located findings.

Data goes one way. A document that breaks the schema gets its SCH findings and
is not handed to the rule plugins; positions are computed only for documents
that have findings, so the clean path never scans text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from datetime import date

from kinelint.corrections import located_fix
from kinelint.findings import Finding, Rule, Summary, Violation
from kinelint.host import PluginHost
from kinelint.invoice import Invoice
from kinelint.parsing import MAX_DEPTH, too_deep
from kinelint.privacy import patient_values, scrub
from kinelint.schema import SchemaChecker
from kinelint.sources import DocRef, Document, Problem, SourceFile, discover, read


@dataclass
class Run:
    """The state of one check: what was counted and what went wrong."""

    host: PluginHost
    nomenclature: object
    schema: SchemaChecker = field(default_factory=SchemaChecker)
    summary: Summary = field(default_factory=Summary)
    today: date = field(default_factory=date.today)  # "in the future" is relative to this
    on_document: Callable[[DocRef], None] | None = None  # told of every invoice read (a JUnit case each)
    jobs: int = 1  # worker processes (kinelint.parallel); 1 checks everything here

    def findings(self, paths: Iterable[str]) -> Iterator[Finding]:
        """Every finding, file by file in the order given, then the batch findings."""
        checkers = self.host.batch_checkers(self.nomenclature)
        observe_keys = partial(self.host.observe_keys, checkers)
        if self.jobs > 1:
            from kinelint.parallel import file_findings

            yield from file_findings(self, discover(paths), observe_keys, self.jobs)
        else:
            observe = partial(self.host.observe, checkers) if checkers else None
            for item in discover(paths):
                if isinstance(item, Problem):
                    yield self._problem_finding(item)
                    continue
                self.summary.files += 1
                yield from self._file_findings(item, observe)
        yield from self._batch_findings(checkers)

    def _file_findings(self, source: SourceFile, observe) -> Iterator[Finding]:
        for item in read(source):
            if isinstance(item, Problem):
                yield self._problem_finding(item)
            else:
                self.summary.invoices += 1
                if self.on_document is not None:
                    self.on_document(item.ref)
                yield from self.document_findings(item, observe)
        source.forget_text()

    def document_findings(self, document: Document, observe=None) -> list[Finding]:
        """The findings of one document; ``observe(invoice, ref)`` sees each schema-valid invoice."""
        value = document.value
        violations = self.schema.check(value, document.raw)
        if violations and too_deep(value):  # one finding, not a cascade of schema errors
            violations = [Violation("PRS005", f"nesting deeper than the invoice format allows ({MAX_DEPTH} levels)")]
        pairs = [(v, self.host.rules[v.code]) for v in violations]
        if not pairs:
            invoice = Invoice.from_dict(value)
            pairs = list(self.host.check_invoice(invoice, self.nomenclature, self.today))
            if observe is not None:
                observe(invoice, document.ref)
        if not pairs:
            return []
        return self._locate(document.ref, document.positions(), value, pairs)

    def _batch_findings(self, checkers) -> Iterator[Finding]:
        by_document: dict[DocRef, list[tuple[Violation, Rule]]] = {}
        for ref, violation, rule in self.host.finish(checkers):
            by_document.setdefault(ref, []).append((violation, rule))
        found = []
        for ref, pairs in by_document.items():  # read again: to locate, and to know whose data to keep out
            found.extend(self._locate(ref, ref.positions(), ref.value(), pairs))
        found.sort(key=lambda f: (f.file, f.line, f.column, f.code, f.pointer))
        yield from found

    def _locate(self, ref: DocRef, positions, value, pairs) -> list[Finding]:
        where = positions.locate({v.pointer for v, _ in pairs}, ref.base)
        edited = {edit.pointer for v, _ in pairs for edit in v.fix}
        regions = positions.regions(edited, ref.base) if edited else {}
        secrets = patient_values(value)
        findings = []
        for violation, rule in pairs:
            line, column = where[violation.pointer]
            findings.append(self._count(Finding(
                code=violation.code,
                severity=violation.severity or rule.severity,
                message=scrub(violation.message, secrets),
                file=ref.source.display,
                line=line,
                column=column,
                pointer=ref.base + violation.pointer,
                invoice_id=ref.invoice_id,
                rule=rule.name,
                plugin=rule.plugin,
                fix=located_fix(violation.fix, regions, ref.base, secrets),
                money=violation.money,
                care_date=_care_date(value, violation.pointer, secrets),
            )))
        findings.sort(key=lambda f: (f.line, f.column, f.code, f.pointer))
        return findings

    def _problem_finding(self, problem: Problem) -> Finding:
        rule = self.host.rules[problem.code]
        return self._count(Finding(problem.code, rule.severity, problem.message, problem.source.display,
                                   problem.line, problem.column, problem.pointer, None, rule.name, rule.plugin))

    def _count(self, finding: Finding) -> Finding:
        self.summary.count(finding)
        return finding


_IN_SESSION = re.compile(r"/sessions/([0-9]+)(?:/|$)")


def _care_date(value, pointer: str, secrets: tuple[str, ...]) -> date | None:
    """The date of care of the session a finding points into (for the HTML report's chart); None when it
    points elsewhere, the date cannot be read, or it is one of the patient's values."""
    match = _IN_SESSION.match(pointer)
    if match is None or not isinstance(value, dict) or not isinstance(value.get("sessions"), list):
        return None
    index = int(match.group(1))
    session = value["sessions"][index] if index < len(value["sessions"]) else None
    written = session.get("date") if isinstance(session, dict) else None
    if not isinstance(written, str) or written in secrets:
        return None
    try:
        return date.fromisoformat(written) if len(written) == 10 else None
    except ValueError:
        return None
