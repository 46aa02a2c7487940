"""The conformance kit (``kinelint/conformance/``) run against the installed kinelint: ``kinelint selftest``.

Each case is an invoice file with what kinelint must say of it: for a rule, the codes it reports (an invalid
invoice raises the rule, a valid one does not); for a nomenclature step (an act's window in the NGAP text),
nothing on the window's first day, and a finding on that act, of the severity the fact deserves, outside it.
A vendor's QA reads the report: which rule, which step, expected and found, pass or fail. The kit is built
by ``tools/build_conformance.py`` from the tests and the examples.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

KIT = Path(str(files("kinelint") / "conformance"))


@dataclass(frozen=True)
class Result:
    """One case: ``subject`` is a rule code ("*" for an invoice clean of every rule) or a step."""

    of: str  # "rule" or "step"
    subject: str
    kind: str  # "valid" or "invalid"
    where: str  # the case's file, or the step's date of care
    expected: tuple[str, ...]
    found: tuple[str, ...]
    passed: bool

    def as_dict(self) -> dict:
        return {"of": self.of, "subject": self.subject, "kind": self.kind, "where": self.where,
                "expected": list(self.expected), "found": list(self.found), "passed": self.passed}


@dataclass
class Outcome:
    results: list[Result]
    missing: list[str]  # built-in rules the kit has no case for (a kit older than the rules)
    not_in_a_file: dict[str, str]  # rules no file can show, and why
    built: str
    incidents: list[str]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results) and not self.missing and not self.incidents


def run_kit(host, nomenclature, kit: Path = KIT) -> Outcome:
    """Every case of the kit, checked by the host's plugins on the shipped nomenclature."""
    from kinelint.check.core_rules import CORE_PLUGIN
    from kinelint.check.host import BUILTIN_DISTRIBUTION
    from kinelint.check.runner import Run

    manifest = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    today = date.fromisoformat(manifest["today"])
    results = []
    for case in manifest["rules"]:
        run = Run(host, nomenclature)
        run.today = date.fromisoformat(case["today"])
        found = tuple(sorted({finding.code for finding in run.findings([str(kit / case["file"])])}))
        expected = tuple(case["codes"])
        results.append(Result("rule", case["rule"], case["kind"], case["file"], expected, found, found == expected))
    results += _steps(host, nomenclature, kit / manifest["steps"], today)
    covered = {case["rule"] for case in manifest["rules"] if case["kind"] == "invalid"}
    builtin = {plugin.name for plugin in host.plugins if plugin.distribution == BUILTIN_DISTRIBUTION} | {CORE_PLUGIN}
    codes = {code for code, rule in host.rules.items() if rule.plugin in builtin}
    missing = sorted(codes - covered - set(manifest["not_in_a_file"]))
    incidents = [incident.describe() for incident in host.incidents]
    return Outcome(results, missing, dict(manifest["not_in_a_file"]), manifest["built"], incidents)


def _steps(host, nomenclature, path: Path, today: date) -> list[Result]:
    """The step invoices in one batch (each its own practitioner and prescription), findings by invoice id."""
    from kinelint.check.runner import Run

    lines = path.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines[0::2]]
    with tempfile.TemporaryDirectory(prefix="kinelint-selftest-") as folder:
        batch = Path(folder) / "steps.jsonl"
        batch.write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
        run = Run(host, nomenclature)
        run.today = today
        by_invoice: dict[str, list] = {}
        for finding in run.findings([str(batch)]):
            by_invoice.setdefault(finding.invoice_id, []).append(finding)
    results = []
    for number, case in enumerate(cases):
        findings = by_invoice.get(f"F-STEP-{number:05d}", [])
        found = tuple(sorted(f"{f.severity} {f.code} {f.pointer}" for f in findings))
        if case["kind"] == "valid":
            expected, passed = (), not findings
        else:
            about = [f for f in findings if f.pointer.startswith(case["pointer"])]
            expected = (f"{case['severity']} {case['pointer']}",)
            passed = bool(about) and {f.severity for f in about} == {case["severity"]}
        results.append(Result("step", case["step"], case["kind"], case["date"], expected, found, passed))
    return results
