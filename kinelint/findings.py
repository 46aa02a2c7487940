"""What a check produces: rules, the violations plugins report, and located findings.

A plugin reports a ``Violation`` relative to one invoice (a JSON pointer inside
it); the core turns it into a ``Finding`` that names the file, line, column,
pointer from the document root, invoice id, rule and plugin. Keeping the two
apart means no plugin ever deals with files or positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

SEVERITIES = ("error", "warning", "info")
CODE_PATTERN = re.compile(r"^[A-Z]{3}[0-9]{3}$")
SAFE, UNSAFE = "safe", "unsafe"  # a fix's applicability, as ruff marks its fixes
_MONEY_POINTER = re.compile(r"(^|/)(amount|total)$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule, stated once: the docs and `kinelint rule CODE` are made from this."""

    code: str
    name: str
    severity: str
    summary: str
    rationale: str
    source: str
    bad_example: str = ""
    good_example: str = ""
    plugin: str = ""
    # The optional invoice fields the rule needs (JSON paths): without them it says nothing about an invoice,
    # and `kinelint rule CODE` tells a vendor what its export must carry for the rule to judge.
    reads: tuple[str, ...] = ()
    # Whether a typed invoice (kinelint.invoice.Invoice) carries what the rule needs to judge it: False counts the
    # invoice as not judged in `--statistics`, so a vendor sees what to export. None: it judges every invoice.
    judges: Callable[[object], bool] | None = None
    # The rule set it came in (kinelint's own rules, stamped by the host from nomenclature/data/rulesets.toml);
    # "" for a third-party plugin's rule, which no rule set governs.
    ruleset: str = ""

    def __post_init__(self) -> None:
        if not CODE_PATTERN.match(self.code):
            raise ValueError(f"rule code {self.code!r} is not a 3-letter family and 3 digits")
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.code}: severity {self.severity!r} is not one of {SEVERITIES}")

    @property
    def family(self) -> str:
        return self.code[:3]


@dataclass(frozen=True, slots=True)
class Edit:
    """One part of a correction: the value at ``pointer`` becomes ``value`` (an RFC 6902 "replace").

    ``value`` is what the invoice should hold there: a ``Decimal`` (money
    rounded to the cent, ``kinelint.rulekit.cents``; a coefficient as the
    nomenclature gives it), a string, an integer or a boolean. In a
    ``Violation`` the pointer is relative to the invoice; in a ``Finding``
    it is from the document root, and ``region`` says where the value being
    replaced is written (``Region``), filled in by the core.
    """

    pointer: str
    value: object
    region: Region | None = None

    @property
    def text(self) -> str:
        """The value as JSON text: Decimals exact (18.80 stays 18.80), strings quoted."""
        import json

        if isinstance(self.value, Decimal):
            return format(self.value, "f")
        return json.dumps(self.value, ensure_ascii=False)

    @property
    def adapted(self) -> bool:
        """Whether the value stands in a file read through an input adapter (its region has a writer)."""
        return self.region is not None and self.region.writer is not None

    @property
    def written(self) -> str | None:
        """The text that replaces the region: ``text``, or in an adapted file the value in the source's own
        terms (cents, a vendor's date format); None when the source cannot hold it (a constant of a mapping)."""
        return self.region.writer.text(self.value) if self.adapted else self.text

    def replacements(self) -> list[tuple[Region, str | None]]:
        """Each place this edit rewrites and its new text (None: it cannot be written there)."""
        if self.region is None:
            return []
        return [(self.region, self.written)] + [(more, more.writer.text(self.value)) for more in self.region.also]

    def patch(self) -> dict | None:
        """The RFC 6902 "replace" of this edit: on the document, or in an adapted file that has JSON pointers,
        on the source file itself (its pointer, its value); None when it cannot be written there."""
        if not self.adapted:
            return {"op": "replace", "path": self.pointer, "value": self.value}
        if self.written is None:
            return None
        if self.region.pointer is None:  # a CSV row: the adapted invoice's pointer and value
            return {"op": "replace", "path": self.pointer, "value": self.value}
        return {"op": "replace", "path": self.region.pointer, "value": self.region.writer.value(self.value)}


@dataclass(frozen=True, slots=True)
class Region:
    """Where a value is written: 1-based line and column of its first character and of the one after it
    (columns in characters, as SARIF's ``endColumn``), and the text it has there."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    # In a file read through an input adapter (``kinelint.adapters``): the source's own JSON pointer to the
    # value, if it has one, and the ``Writer`` that writes a corrected value in the source's terms.
    pointer: str | None = None
    writer: object = None
    also: tuple[Region, ...] = ()  # other places holding the same value in an adapted file (each replaced too)


@dataclass(frozen=True, slots=True)
class Violation:
    """What a plugin reports: a code, a message and where in the invoice.

    ``pointer`` is an RFC 6901 pointer relative to the invoice ("" is the
    invoice itself). ``severity`` overrides the rule's default, for findings
    that rest on uncertain facts and must stay warnings.

    ``fix`` is the correction when the finding has a single correct value:
    the ``Edit``s that make the invoice right, including what follows from
    them (the amount of a corrected coefficient, the total). Each fix is
    complete on its own, against the invoice as it is. ``money`` is what the
    fault costs, for findings about an amount: billed - expected, an exact
    ``Decimal`` (negative when too little is billed).
    """

    code: str
    message: str
    pointer: str = ""
    severity: str | None = None
    fix: tuple[Edit, ...] = ()
    money: Decimal | None = None
    # Other invoices the finding is about (a batch rule's twin): ``(ref.handle, pointer, label)`` triples;
    # the core locates them, names them in the message and gives them to SARIF as related locations.
    related: tuple = ()
    # A fix that only recomputes money is safe to apply blindly, unless it rests on an uncertain fact: the
    # plugin then marks it unsafe (``kinelint.rulekit.ruling`` does for its warnings). See ``applicability``.
    fix_unsafe: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.fix, tuple) and isinstance(self.fix, Iterable) and not isinstance(self.fix, str):
            object.__setattr__(self, "fix", tuple(self.fix))  # a list is welcome; kept as a tuple (frozen)


def applicability(violation: Violation) -> str | None:
    """Whether a violation's fix may be applied blindly ("safe") or needs a person ("unsafe"); None: no fix.

    Safe: every edit sets an act's or fee's amount or the invoice total, the arithmetic of what the invoice
    already bills (coefficient x letter value, the sum of the lines), on facts the notes hold certain.
    Unsafe: it changes what is billed as care (a coefficient, a letter, a code, a quantity, a text), which
    only the practitioner's file can confirm, or the plugin marked it so (an uncertain fact).
    """
    if not violation.fix:
        return None
    if violation.fix_unsafe or not all(_MONEY_POINTER.search(edit.pointer) for edit in violation.fix):
        return UNSAFE
    return SAFE


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding is about: the earlier invoice of a repeated id or session."""

    label: str  # "earlier invoice"
    file: str
    line: int
    column: int
    pointer: str
    invoice_id: str | None

    def describe(self, lang: str = "en") -> str:
        """"earlier invoice: F-1, a.json:3" (in French, a space before the colon)."""
        from kinelint.i18n import msg

        invoice = f"{self.invoice_id}, " if self.invoice_id else ""
        return msg("{label}: {place}", label=self.label, place=f"{invoice}{self.file}:{self.line}").render(lang)


@dataclass(frozen=True, slots=True)
class Finding:
    """A located finding, as the findings contract describes it."""

    code: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    pointer: str
    invoice_id: str | None
    rule: str
    plugin: str
    fix: tuple[Edit, ...] = ()  # pointers from the document root, each with its region
    money: Decimal | None = None  # billed - expected
    care_date: date | None = None  # the date of care of the session the finding is about, if any
    related: tuple[Related, ...] = ()
    applicability: str | None = None  # of the fix: SAFE or UNSAFE (``applicability``); None without a fix

    @property
    def fix_offered(self) -> bool:
        """Whether the fix can be written in the file as checked (an adapted file may not hold a value)."""
        return bool(self.fix) and all(text is not None for edit in self.fix for _, text in edit.replacements())

    def as_dict(self) -> dict:
        """The findings contract (``schemas/findings-1.schema.json``); ``fix`` and ``money`` only when present,
        as Decimals (``kinelint.report.jsontext`` writes them as exact JSON numbers)."""
        found = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "invoice_id": self.invoice_id,
            "rule": self.rule,
            "plugin": self.plugin,
        }
        patch = [edit.patch() for edit in self.fix]
        if patch and None not in patch:  # a correction an adapted file cannot hold is left out whole
            found["fix"] = patch
            found["applicability"] = self.applicability or UNSAFE
        if self.money is not None:
            found["money"] = self.money
        return found


@dataclass(slots=True)
class MoneyAtStake:
    """Money billed in error: ``over`` billed too much, ``under`` too little (both positive, exact)."""

    over: Decimal = Decimal("0.00")
    under: Decimal = Decimal("0.00")

    def add(self, difference: Decimal) -> None:
        if difference > 0:
            self.over += difference
        elif difference < 0:
            self.under -= difference

    def as_dict(self) -> dict:
        return {"over": self.over, "under": self.under}


@dataclass(slots=True)
class Summary:
    files: int = 0
    invoices: int = 0
    findings: int = 0
    errors: int = 0
    warnings: int = 0
    money: dict[str, MoneyAtStake] = field(default_factory=dict)  # by family, for the findings that carry money

    def count(self, finding: Finding) -> None:
        self.findings += 1
        if finding.severity == "error":
            self.errors += 1
        elif finding.severity == "warning":
            self.warnings += 1
        if finding.money is not None:
            family = finding.code[:3]
            stake = self.money.get(family)
            if stake is None:
                stake = self.money[family] = MoneyAtStake()
            stake.add(finding.money)

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "invoices": self.invoices,
            "findings": self.findings,
            "errors": self.errors,
            "warnings": self.warnings,
            "money": {family: self.money[family].as_dict() for family in sorted(self.money)},
        }


@dataclass(slots=True)
class Incident:
    """Something that made the check incomplete (a broken plugin): exit status 2.

    The same failure on many invoices is one incident with a count, so a
    plugin that raises on a million invoices prints one line, not a million.
    """

    plugin: str
    message: str
    first_seen: str = ""  # e.g. "on invoice F-1"
    count: int = 1
    detail: str = field(default="", repr=False)  # traceback, shown with --verbose only

    def describe(self) -> str:
        where = f" {self.first_seen}" if self.first_seen else ""
        more = f" (and {self.count - 1} more time(s))" if self.count > 1 else ""
        who = f"plugin {self.plugin!r} " if self.plugin else ""  # "": the run itself (a worker process died)
        return f"{who}{self.message}{where}{more}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """Text every report can encode: a lone surrogate (a JSON key written ``"\\ud800"``) becomes its escape.

    A lone surrogate is a valid Python string but no UTF-8 text: written as is,
    it stopped the JSON, SARIF, JUnit and baseline writers mid-way.
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def printable_pointer(pointer: str) -> str:
    """The pointer, cut before the first token that cannot be written as UTF-8 (it still resolves:
    it names the object or array that holds that key)."""
    if pointer.isascii() or _SURROGATE.search(pointer) is None:
        return pointer
    return pointer[:pointer.rfind("/", 0, _SURROGATE.search(pointer).start())]


def printable_file_name(name: str) -> str:
    """A file name as reports can show it: the bytes of a name that is not UTF-8 (which Python reads as
    lone surrogates) are written ``\\xff``; the file itself is still read by its real name."""
    if name.isascii() or _SURROGATE.search(name) is None:
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
        if all(0xDC80 <= ord(c) <= 0xDCFF for c in _SURROGATE.findall(name)) else printable(name)


_ELEMENT = re.compile(r"^/[0-9]+(?=/|$)")
_LINE_SUFFIXES = (".jsonl", ".ndjson")


def document_key(finding: Finding) -> tuple[str, str, int]:
    """Which document of its file a finding is about: (file, array element pointer or "", JSON Lines line or 0)."""
    if finding.file.lower().endswith(_LINE_SUFFIXES):
        return finding.file, "", finding.line
    element = _ELEMENT.match(finding.pointer)
    return finding.file, element.group() if element else "", 0


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(*tokens: object) -> str:
    return "".join("/" + escape_pointer_token(t) for t in tokens)
