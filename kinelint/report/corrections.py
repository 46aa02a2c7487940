"""Corrections: the fixes that findings carry, placed in the file, and what they would change (``--diff``).

A plugin's fix is a list of ``Edit``s relative to its invoice; here each edit
gets its pointer from the document root and the region of the value it
replaces, so a report can say where (SARIF ``fixes``) and ``--diff`` can show
the file as it would read corrected. kinelint never writes the corrected text
anywhere: it prints the difference, patient data masked.

Only the safe corrections are shown unless ``--unsafe-fixes`` is given: a recomputed amount or total may be
applied blindly, a changed coefficient or code needs a person (``kinelint.findings.applicability``).

Fixes are made one by one against the invoice as it is. Put together, two of
them may set one value differently (a corrected coefficient carries its new
amount while the tariff rule corrects the amount of the coefficient billed):
the fix that corrects more values wins, since it accounts for more of the
invoice. The invoice total is then the sum of its lines once every amount is
corrected, whichever fixes touched it.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kinelint.findings import SAFE, Edit, Finding, Region, document_key
from kinelint.privacy import patient_values, scrub
from kinelint.read.sources import LINE_SUFFIXES

TOTAL = "/total"
CONTEXT = 3  # lines of context around a change, as diff -u
_DOCUMENT = re.compile(r"^(/[0-9]+)?")  # an array file's element index, if any


def describe(fix: Iterable[Edit]) -> str:
    """A fix in words, for SARIF's description: "set /sessions/0/acts/1/amount to 18.79; set /total to 42.44"."""
    return "; ".join(f"set {edit.pointer} to {edit.text}" for edit in fix)


@dataclass
class _Document:
    fixes: list[tuple[str, tuple[Edit, ...]]] = field(default_factory=list)  # (code, edits), in report order


class Corrections:
    """The fixes of a run, file by file, and the unified diff they would make (``kinelint check --diff``)."""

    def __init__(self, secrets_of=None, unsafe: bool = False) -> None:
        self._files: dict[str, dict[tuple, _Document]] = {}
        self.unsafe = unsafe  # --unsafe-fixes: the corrections that need a person are shown too
        self.held_back = 0  # the corrections left out for needing a person (``Finding.applicability``)
        self.notes: list[str] = []  # why a file's corrections are not shown, which of two corrections was kept
        self._adapted: set[str] = set()  # files read through an input adapter: not in kinelint's format
        self._secrets_of = secrets_of or (lambda name: ())  # their patient values, by file (they cannot be parsed here)

    def add(self, finding: Finding) -> None:
        if not finding.fix:
            return
        if finding.applicability != SAFE and not self.unsafe:
            self.held_back += 1
            return
        key = document_key(finding)
        if any(edit.adapted for edit in finding.fix):  # a vendor's file: its corrections in its own terms
            if any(text is None for edit in finding.fix for _, text in edit.replacements()):
                self.notes.append(f"{finding.file}:{finding.line}: the correction of {finding.code} sets a value "
                                  "this file does not hold as written (the adapter gives it); it is left out of the diff")
                return
            self._adapted.add(finding.file)
            element = _DOCUMENT.match(finding.fix[0].pointer)
            key = (finding.file, element.group() if element else "", 0)
        documents = self._files.setdefault(finding.file, {})
        documents.setdefault(key, _Document()).fixes.append((finding.code, finding.fix))

    def diff(self) -> str:
        """The unified diff of every file that a fix would change, patient data masked."""
        return "".join(self.diff_parts())

    def diff_parts(self) -> Iterator[str]:
        """The diff, file by file. A JSON Lines file is read as a stream, one line at a time (a batch may be
        larger than memory); a JSON file is held whole, as it was to be checked."""

        for name in self._files:
            if name != "-" and name.lower().endswith(LINE_SUFFIXES) and name not in self._adapted:
                yield from self._lines_diff_parts(name)
                continue
            texts = self.corrected(name)
            if texts is None or texts[0] == texts[1]:
                continue
            before, after = texts
            secrets = self._secrets_of(name) if name in self._adapted else _patient_values_of(before)
            lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=name, tofile=name)
            yield "".join(_terminated(scrub(line, secrets)) for line in lines)

    def _lines_diff(self, name: str) -> str:
        return "".join(self._lines_diff_parts(name))

    def _lines_diff_parts(self, name: str) -> Iterator[str]:
        """The diff of a JSON Lines file, hunk by hunk as difflib would make them (3 lines of context), each
        written when it is complete and each line masked with the patient values of its own invoice."""
        changes: dict[int, list[tuple[Region, str]]] = {}
        for document in self._files[name].values():
            for region, new in self._combined(name, document):
                changes.setdefault(region.line, []).append((region, new))
        numbers = sorted(changes)
        hunk, before, shown = None, deque(maxlen=CONTEXT), False
        try:
            handle = open(name, "rb")
        except OSError as error:
            self.notes.append(f"{name}: cannot read it again to show its corrections ({error.strerror or error})")
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                text = (raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw).decode("utf-8", errors="replace")
                if number in changes:
                    after = self._applied(name, text, [(Region(1, r.column, 1, r.end_column, r.text), new)
                                                       for r, new in changes[number]])
                    if after is None:
                        if shown:
                            self.notes[-1] = f"{name}: changed since it was checked; its diff stops before line {number}"
                        return
                    if hunk is None:
                        hunk = _Hunk(number - len(before), [" " + line for _, line in before])
                    hunk.lines.append("-" + text)
                    hunk.added.append("+" + after)  # a run of changed lines: its "-" lines, then its "+" lines
                    hunk.last_change = number
                elif hunk is not None:
                    hunk.lines += hunk.added
                    hunk.added = []
                    later = bisect.bisect_right(numbers, number)
                    following = numbers[later] if later < len(numbers) else None
                    if number - hunk.last_change <= CONTEXT or (
                            following is not None and following - hunk.last_change - 1 <= 2 * CONTEXT):
                        hunk.lines.append(" " + text)
                    else:
                        yield _hunk_text(name, hunk, shown)
                        shown, hunk = True, None
                before.append((number, text))
                if hunk is None and number > numbers[-1] + CONTEXT:
                    break  # nothing left to show
        if hunk is not None:
            hunk.lines += hunk.added
            yield _hunk_text(name, hunk, shown)

    def corrected(self, name: str) -> tuple[str, str] | None:
        """(the file's text, the text with every correction made), or None (and a note) when it cannot be shown.

        Only ever held in memory: kinelint writes no file it checks.
        """
        if name == "-":
            self.notes.append("standard input: its corrections are in the report, not in the diff")
            return None
        try:
            with open(name, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            self.notes.append(f"{name}: cannot read it again to show its corrections ({error.strerror or error})")
            return None
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        replacements = []
        for document in self._files.get(name, {}).values():
            replacements.extend(self._combined(name, document))
        after = self._applied(name, text, replacements)
        return None if after is None else (text, after)

    def _combined(self, name: str, document: _Document) -> list[tuple[Region, str]]:
        """One value per pointer for a document: the fix that corrects more values wins; the total follows."""
        chosen: dict[str, tuple[int, str, Edit]] = {}
        for code, fix in document.fixes:
            for edit in fix:
                if _is_total(edit):
                    continue
                known = chosen.get(edit.pointer)
                if known is None:
                    chosen[edit.pointer] = (len(fix), code, edit)
                elif known[2].text != edit.text:
                    kept, dropped = (edit, known[2]) if len(fix) > known[0] else (known[2], edit)
                    kept_code, dropped_code = (code, known[1]) if kept is edit else (known[1], code)
                    self.notes.append(f"{name}: {edit.pointer}: the correction of {kept_code} ({kept.text}) is "
                                      f"kept over the one of {dropped_code} ({dropped.text})")
                    if kept is edit:
                        chosen[edit.pointer] = (len(fix), code, edit)
        edits = [edit for _, _, edit in chosen.values()]
        total = _total(document, edits)
        return [pair for edit in edits + ([total] if total is not None else []) for pair in edit.replacements()]

    def _applied(self, name: str, text: str, replacements: list[tuple[Region, str]]) -> str | None:
        """The text with each region replaced; None (and a note) when a region no longer holds what was checked."""
        starts = [0] + [match.end() for match in re.finditer("\n", text)]
        spans = []
        for region, new in replacements:
            try:
                start = starts[region.line - 1] + region.column - 1
                end = starts[region.end_line - 1] + region.end_column - 1
            except IndexError:
                start = end = -1
            if start < 0 or text[start:end] != region.text:
                self.notes.append(f"{name}: changed since it was checked; its corrections are not shown")
                return None
            spans.append((start, end, new))
        spans.sort()
        for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
            if start < end:
                self.notes.append(f"{name}: two corrections overlap; its corrections are not shown")
                return None
        for start, end, new in reversed(spans):
            text = text[:start] + new + text[end:]
        return text


def _is_total(edit: Edit) -> bool:
    return _DOCUMENT.sub("", edit.pointer, count=1) == TOTAL


def _total(document: _Document, edits: list[Edit]) -> Edit | None:
    """The total once every chosen amount is corrected: the sum of the lines before any correction (what a
    fix that sets the total tells, less its own amount changes) plus the change of each chosen amount."""
    for _, fix in document.fixes:
        total = next((edit for edit in fix if _is_total(edit)), None)
        if total is not None:
            before = _number(total.text) - sum((_change(e) for e in fix if e.pointer.endswith("/amount")), Decimal(0))
            after = before + sum((_change(e) for e in edits if e.pointer.endswith("/amount")), Decimal(0))
            return Edit(total.pointer, after.quantize(Decimal("0.01")), total.region)
    return None


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal(0)


def _change(edit: Edit) -> Decimal:
    """How much an amount edit changes the amount it replaces."""
    if edit.region is None:
        return Decimal(0)
    if edit.adapted:  # the value replaced, as kinelint read it (cents in the file are euros here)
        try:
            return _number(edit.text) - Decimal(edit.region.writer.read(edit.region.text))
        except (ValueError, TypeError, ArithmeticError):
            return Decimal(0)
    return _number(edit.text) - _number(edit.region.text)


def _lines(text: str) -> list[str]:
    """Lines cut at "\\n" only, as positions count them (``str.splitlines`` also cuts at other characters)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _terminated(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _patient_values_of(text: str) -> tuple[str, ...]:
    """The patient values of the invoices in a text (a JSON file, or one line of JSON Lines)."""
    from kinelint.read.parsing import ParseProblem, parse

    try:
        value = parse(text.encode("utf-8"))
    except (ParseProblem, ValueError, RecursionError):
        return ()
    documents = value if isinstance(value, list) else [value]
    return tuple(dict.fromkeys(secret for document in documents for secret in patient_values(document)))


@dataclass
class _Hunk:
    start: int  # the first line shown
    lines: list[str]  # " ", "-" or "+" and the line
    last_change: int = 0
    added: list[str] = field(default_factory=list)  # the "+" lines of the run of changes being read


def _hunk_text(name: str, hunk: _Hunk, after_the_first: bool) -> str:
    """One hunk, with the file's header before the first; each line masked with its own invoice's values."""
    head = "" if after_the_first else scrub(f"--- {name}\n+++ {name}\n")
    span = _range(hunk.start, len(hunk.lines) - sum(1 for line in hunk.lines if line[0] == "+"))
    lines = "".join(_terminated(scrub(line, _patient_values_of(line[1:]))) for line in hunk.lines)
    return f"{head}@@ -{span} +{span} @@\n{lines}"


def _range(start: int, length: int) -> str:
    """A hunk's range as difflib writes it: "12" for one line, "10,7" for more."""
    return f"{start}" if length == 1 else f"{start},{length}"
