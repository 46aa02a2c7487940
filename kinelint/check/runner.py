"""One run: sources -> documents -> schema -> plugins -> located findings.

Data goes one way. A document that breaks the schema gets its SCH findings and
is not handed to the rule plugins; positions are computed only for documents
that have findings, so the clean path never scans text.
Whatever goes wrong while one document is judged stays with that document: a
finding on it (PRS008 at worst), and the run goes on with the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from datetime import date
from pathlib import Path

from kinelint.check.fixes import located_fix
from kinelint.read.exclusion import Exclusions
from kinelint.findings import (SEVERITIES, Finding, Related, Rule, Summary, Violation, applicability, printable,
                               printable_pointer)
from kinelint.check.host import PluginHost
from kinelint.i18n import DEFAULT_LANGUAGE, Message, msg, nmsg, translate
from kinelint.invoice import Invoice
from kinelint.read.parsing import MAX_DEPTH, too_deep
from kinelint.privacy import mask_nir_shaped, masked_value, scrub
from kinelint.check.schema import SchemaChecker
from kinelint.read.adapted import AdaptedPositions, adapted_documents
from kinelint.read.sources import DocRef, Document, Problem, SourceFile, discover, read, read_text, refs_of_handles

# Findings shown per document: beyond this, an invoice is broken as a whole and one finding counts the rest
# (200,000 empty acts would otherwise give 200,000 findings, each located and reported).
MAX_FINDINGS = 100
CAP_CODE = "PRS009"
ADAPTER_CODES = ("PRS010", "PRS011")  # what an input adapter could not make of a file (kinelint.adapters)


def _pointer_order(pointer: str) -> tuple:
    """Pointers in document order for arrays: /sessions/2 before /sessions/10."""
    return tuple((0, int(token), "") if token.isdigit() else (1, 0, token) for token in pointer.split("/"))


@dataclass
class Run:
    """The state of one check: what was counted and what went wrong."""

    host: PluginHost
    nomenclature: object
    schema: SchemaChecker = field(default_factory=SchemaChecker)
    summary: Summary = field(default_factory=Summary)
    today: date = field(default_factory=date.today)  # "in the future" is relative to this
    on_document: Callable[[DocRef], None] | None = None  # told of every invoice read (a JUnit case each)
    # How the files are checked elsewhere: kinelint.check.parallel.in_workers(n), chosen by the caller (the CLI);
    # None checks everything in this process. The runner never imports parallel: the pipeline goes one way.
    workers: Callable[..., Iterator[Finding]] | None = None
    exclusions: Exclusions = field(default_factory=Exclusions)  # what a directory walk leaves out
    sources: list[SourceFile] = field(default_factory=list)  # every file read, by number (DocRef.handle)
    lang: str = DEFAULT_LANGUAGE  # the language messages are written in (kinelint.i18n)
    _last_adapted: tuple | None = field(default=None, repr=False)  # (source, its documents): the last adapted file
    # `--statistics`: per rule code, the valid invoices that lack a field the rule needs (``Rule.judges``);
    # None when nobody asks (counting costs a call per rule and invoice).
    not_judged: Counter | None = None

    def findings(self, paths: Iterable[str]) -> Iterator[Finding]:
        """Every finding, file by file in the order given, then the batch findings."""
        checkers = self.host.batch_checkers(self.nomenclature)
        observe_keys = partial(self.host.observe_keys, checkers)
        if self.workers is not None:
            yield from self.workers(self, self._numbered(discover(paths, self.exclusions)), observe_keys)
        else:
            observe = partial(self.host.observe, checkers) if checkers else None
            for item in self._numbered(discover(paths, self.exclusions)):
                if isinstance(item, Problem):
                    yield self._problem_finding(item)
                    continue
                self.summary.files += 1
                yield from self._file_findings(item, observe)
        yield from self._batch_findings(checkers)

    def _numbered(self, items):
        """The discovered files, each given its number (a batch rule keeps a document's place as a number)."""
        for item in items:
            if isinstance(item, SourceFile):
                item.number = len(self.sources)
                self.sources.append(item)
                if item.adapter is not None:
                    item.adapted = partial(self.adapted, item)
            yield item

    def _file_findings(self, source: SourceFile, observe) -> Iterator[Finding]:
        for chunk in chunks(self.read(source)):
            yield from self.chunk_findings(chunk, observe)

    def read(self, source: SourceFile) -> Iterator[Document | Problem]:
        """The documents of a file: read as kinelint's format, or through the adapter chosen for it."""
        if source.adapter is None:
            return read(source)
        source.adapted = partial(self.adapted, source)
        return iter(self.adapted(source))

    def adapted(self, source: SourceFile) -> list[Document | Problem]:
        """The documents of a file read through its adapter (``kinelint.adapters``), the last file's kept: late
        findings (batch rules, the masking of ``--diff``) ask for it again."""
        if self._last_adapted is not None and self._last_adapted[0] is source:
            return self._last_adapted[1]
        choice = source.adapter
        text = read_text(source)
        if isinstance(text, Problem):
            found = [text]
        elif choice.name not in self.host.adapters:
            found = [Problem(source, "PRS010", msg("no input adapter named {name} is installed (the configuration "
                                                   "selects it for this file)", name=repr(choice.name)), 1, 1)]
        else:
            items = self.host.adapt(choice.name, text, choice.options, Path(choice.base), f"on file {source.display}")
            found = adapted_documents(source, text, items) if items is not None else [Problem(
                source, "PRS011", msg("the input adapter {name} failed on this file (the message on standard error "
                                      "says why): it is not checked", name=repr(choice.name)), 1, 1)]
        self._last_adapted = (source, found)
        return found

    def file_secrets(self, display: str) -> tuple[str, ...]:
        """The patient values of the invoices of an adapted file, by its name (for ``--diff`` to mask its text,
        which is not in kinelint's format); () for any other file."""
        for source in self.sources:
            if source.display == display and source.adapter is not None:
                documents = [item for item in self.adapted(source) if isinstance(item, Document)]
                return tuple(dict.fromkeys(secret for document in documents for secret in document.ref.secrets))
        return ()

    def chunk_findings(self, items: list, observe=None) -> Iterator[Finding]:
        """The findings of a run of documents and problems, in their order (``judged``, chunk by chunk)."""
        for item, judge in self.judged(items, observe):
            if judge is None:
                yield self._problem_finding(item)
                continue
            self.summary.invoices += 1
            if self.on_document is not None:
                self.on_document(item.ref)
            yield from judge()

    def judged(self, items: list, observe=None) -> Iterator[tuple[object, Callable[[], list[Finding]] | None]]:
        """Each item of a chunk with what gives its findings (None for a problem), in their order.

        The invoices the fast path typed go to the plugins together (one call
        per plugin and chunk: ``PluginHost.check_invoices``); the others one by
        one, by the exact path. Batch checkers observe every valid invoice in
        document order either way. (Worker processes judge their chunks so too.)
        """
        typed = [item.accepted.invoice for item in items if isinstance(item, Document) and item.accepted is not None]
        try:
            verdicts = iter(self.host.check_invoices(typed, self.nomenclature, self.today) if typed else ())
        except Exception:  # not a plugin's failure (the host names those): each document on its own, below
            verdicts = None
        if verdicts is not None and self.not_judged is not None:
            self._count_not_judged(typed)
        for item in items:
            if isinstance(item, Problem):
                yield item, None
            elif item.accepted is None or verdicts is None:
                yield item, partial(self.document_findings, item, observe)
            else:
                yield item, partial(self._typed_findings, item, next(verdicts), observe)

    def _typed_findings(self, document: Document, pairs: list, observe) -> list[Finding]:
        """The findings of an invoice the fast path typed, from its plugins' verdicts (PRS008 as any other)."""
        try:
            if observe is not None:
                observe(document.accepted.invoice, document.ref)
            if not pairs:
                return []
            return self._locate(document.ref, document.positions(), document.exact_value(), self._capped(pairs))
        except Exception as error:
            return [self._not_checked(document, error)]

    def document_findings(self, document: Document, observe=None) -> list[Finding]:
        """The findings of one document; ``observe(invoice, ref)`` sees each schema-valid invoice.

        Plugin failures are the host's incidents; any other failure is a
        finding on this document (PRS008), never the end of the run.
        """
        try:
            return self._judge(document, observe)
        except Exception as error:  # RecursionError, MemoryError on one absurd document, a bug not yet found
            return [self._not_checked(document, error)]

    def _not_checked(self, document: Document, error: Exception) -> Finding:
        rule = self.host.rules["PRS008"]
        message = msg("kinelint could not check this document ({error}); the other documents were checked. "
                      "Please report it", error=type(error).__name__).render(self.lang)
        return self._count(Finding("PRS008", rule.severity, message, document.ref.source.display,
                                   document.ref.line, 1, document.ref.base, document.ref.invoice_id, rule.name,
                                   rule.plugin))

    def _judge(self, document: Document, observe) -> list[Finding]:
        if document.accepted is not None:  # valid, typed in one pass (kinelint.read.fastpath): the rules only
            if self.not_judged is not None:
                self._count_not_judged([document.accepted.invoice])
            pairs = list(self.host.check_invoice(document.accepted.invoice, self.nomenclature, self.today))
            return self._typed_findings(document, pairs, observe)
        value = document.value
        try:
            violations = self.schema.check(value, document.raw)
        except RecursionError:  # ~980 levels: deep enough for the validators, not for the parser
            violations = [_too_deep()]
        if violations and too_deep(value):  # one finding, not a cascade of schema errors
            violations = [_too_deep()]
        pairs = [(v, self.host.rules[v.code]) for v in violations]
        if not pairs:
            try:
                invoice = Invoice.from_dict(value)
            except ValueError:  # a date the compiled validator accepts and Python cannot read (year 0000)
                violations = self.schema.explain(value, compiled=False)
                if not violations:
                    raise
                return self._locate(document.ref, document.positions(), value,
                                    self._capped([(v, self.host.rules[v.code]) for v in violations]))
            if self.not_judged is not None:
                self._count_not_judged([invoice])
            pairs = list(self.host.check_invoice(invoice, self.nomenclature, self.today))
            if observe is not None:
                observe(invoice, document.ref)
        if not pairs:
            return []
        return self._locate(document.ref, document.positions(), value, self._capped(pairs))

    def _count_not_judged(self, invoices: list) -> None:
        """Count, per rule that says what it needs, the invoices without it (a vendor sees what to export)."""
        for code, judges in self.host.field_needs():
            try:
                missing = sum(1 for invoice in invoices if not judges(invoice))
            except Exception:  # a plugin's test that fails: its rule is not counted, the run goes on
                continue
            if missing:
                self.not_judged[code] += missing

    def _capped(self, pairs: list[tuple[Violation, Rule]]) -> list[tuple[Violation, Rule]]:
        """At most ``MAX_FINDINGS`` of one document (the first in the document), then one that counts the rest."""
        if len(pairs) <= MAX_FINDINGS:
            return pairs
        pairs = sorted(pairs, key=lambda pair: (_pointer_order(pair[0].pointer), pair[0].code))
        hidden = pairs[MAX_FINDINGS:]
        worst = min((v.severity or r.severity for v, r in hidden), key=SEVERITIES.index)
        more = Violation(CAP_CODE, nmsg("and {count} more finding on this invoice, not shown: fix the first ones and "
                                        "check it again", "and {count} more findings on this invoice, not shown: fix "
                                        "the first ones and check it again", len(hidden), count=len(hidden)),
                         "", worst)
        return pairs[:MAX_FINDINGS] + [(more, self.host.rules[CAP_CODE])]

    def _batch_findings(self, checkers) -> Iterator[Finding]:
        by_document: dict[DocRef, list[tuple[Violation, Rule]]] = {}
        for ref, violation, rule in self.host.finish(checkers):
            by_document.setdefault(ref, []).append((violation, rule))
        twins = self._related_refs(pair[0] for pairs in by_document.values() for pair in pairs)
        found = []
        for ref, pairs in by_document.items():  # read again to locate (the ref knows whose data to keep out)
            found.extend(self._locate(ref, ref.positions(), ref.value(), pairs, twins=twins))
        found.sort(key=lambda f: (f.file, f.line, f.column, f.code, f.pointer))
        yield from found

    def _related_refs(self, violations) -> dict[int, DocRef]:
        """The documents named by the batch violations' ``related`` handles, read again once."""
        handles = [handle for violation in violations for handle, _, _ in _related_triples(violation)]
        return refs_of_handles(self.sources, handles) if handles else {}

    def _related(self, violation: Violation, twins: dict[int, DocRef]) -> tuple[Related, ...]:
        related = []
        for handle, pointer, label in _related_triples(violation):
            twin = twins.get(handle)
            if twin is None:
                continue
            shown = twin.base + pointer
            try:
                positions = twin.positions()
                line, column = positions.locate({pointer}, "" if twin.own_text else twin.base)[pointer]
                if isinstance(positions, AdaptedPositions):
                    shown = _source_pointer(positions, twin.base, pointer)
            except (OSError, KeyError, ValueError):
                line, column = twin.line, 1
            related.append(Related(translate(label, self.lang), twin.source.display, line, column, shown, twin.invoice_id))
        return tuple(related)

    def _locate(self, ref: DocRef, positions, value, pairs, twins=None) -> list[Finding]:
        """Findings at their line and column (the document's start when its text cannot be read again as it
        was); what to mask is the ref's, kept from the first reading (no plugin can change it). ``value`` (the
        document, or None) gives the dates of care."""
        base = "" if ref.own_text else ref.base  # where the document starts in the text positions read
        adapted = isinstance(positions, AdaptedPositions)  # pointers of the vendor's file, where it has them
        where = positions.locate({v.pointer for v, _ in pairs}, base)
        edited = {edit.pointer for v, _ in pairs for edit in v.fix}
        regions = positions.regions(edited, base) if edited else {}
        secrets, invoice_id = ref.secrets, ref.invoice_id
        file = ref.source.display
        findings = []
        for violation, rule in pairs:
            line, column = where[violation.pointer]
            related = self._related(violation, twins) if twins else ()
            message = self._text(violation.message, secrets) + "".join(f" ({twin.describe(self.lang)})" for twin in related)
            findings.append(self._count(Finding(
                code=violation.code,
                severity=violation.severity or rule.severity,
                message=printable(scrub(message, secrets)),
                file=file,
                line=line,
                column=column,
                pointer=printable_pointer(_source_pointer(positions, ref.base, violation.pointer) if adapted
                                          else ref.base + violation.pointer),
                invoice_id=invoice_id,
                rule=rule.name,
                plugin=rule.plugin,
                fix=(fix := located_fix(violation.fix, regions, ref.base, secrets)),
                money=violation.money,
                care_date=_care_date(value, violation.pointer, secrets),
                related=related,
                applicability=applicability(violation) if fix else None,
            )))
        findings.sort(key=lambda f: (f.line, f.column, f.code, f.pointer))
        return findings

    def _text(self, message: str, secrets: tuple[str, ...] = ()) -> str:
        """The message in the run's language, the patient's values masked (in its values too: a date
        is written another way in another language)."""
        if isinstance(message, Message) and self.lang != DEFAULT_LANGUAGE:
            message = message.map_values(lambda value: masked_value(value, secrets)).render(self.lang)
        return str(scrub(message, secrets))  # a plain str: the finding holds text, not a template

    def _problem_finding(self, problem: Problem) -> Finding:
        rule = self.host.rules[problem.code]
        message = problem.message.render(self.lang) if isinstance(problem.message, Message) else str(problem.message)
        if problem.code in ADAPTER_CODES:  # an adapter's words may quote a vendor's value: no NIR-shaped number out
            message = mask_nir_shaped(message)
        return self._count(Finding(problem.code, rule.severity, printable(message),
                               problem.source.display, problem.line, problem.column,
                               printable_pointer(problem.pointer), None, rule.name, rule.plugin))

    def _count(self, finding: Finding) -> Finding:
        self.summary.count(finding)
        return finding


CHUNK = 256  # documents judged together: one call per plugin for the typed invoices among them


def chunks(items: Iterable) -> Iterator[list]:
    """Consecutive runs of at most ``CHUNK`` items (documents and problems, in their order)."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _source_pointer(positions: AdaptedPositions, base: str, pointer: str) -> str:
    """A finding's pointer in an adapted file: the vendor file's own JSON pointer (its nearest value's), else
    (a CSV row) the adapted invoice's, after its place in the file."""
    found = positions.source_pointer(pointer)
    return found if found is not None else base + pointer


def _too_deep() -> Violation:
    return Violation("PRS005", msg("nesting deeper than the invoice format allows ({levels} levels)", levels=MAX_DEPTH))


def _related_triples(violation) -> list[tuple[int, str, str]]:
    """A violation's well-formed ``related`` entries (a plugin's malformed ones are left out)."""
    related = getattr(violation, "related", ())
    if not isinstance(related, tuple):
        return []
    return [entry for entry in related if isinstance(entry, tuple) and len(entry) == 3 and type(entry[0]) is int
            and isinstance(entry[1], str) and entry[1][:1] in ("", "/") and isinstance(entry[2], str)]


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
