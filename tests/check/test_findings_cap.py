"""At most 100 findings of one invoice are shown; one PRS009 finding counts the others (issue 12, item 13)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from invoice_factory import act, lint, make_invoice, session

from kinelint.findings import Rule, Violation
from kinelint.check.host import PluginHost
from kinelint.nomenclature import load_nomenclature
from kinelint.check.runner import CAP_CODE, MAX_FINDINGS, Run


def invoice_with_missing_amounts(count: int) -> dict:
    """One SCH001 per act: ``count`` acts without their amount, 20 a session (the bound), in order."""
    sessions = []
    for number in range(1, (count + 19) // 20 + 1):
        acts = [act("RIC", "8.12") for _ in range(min(20, count - 20 * (number - 1)))]
        sessions.append(session(number, on=str(date(2026, 1, 1) + timedelta(days=number)), acts=acts))
    invoice = make_invoice(sessions)
    for item in (a for s in invoice["sessions"] for a in s["acts"]):
        del item["amount"]
    return invoice


def test_up_to_100_findings_are_all_shown():
    findings = lint(invoice_with_missing_amounts(MAX_FINDINGS))
    assert len(findings) == 100 and {f.code for f in findings} == {"SCH001"}


def test_the_101st_finding_is_counted_not_shown():
    findings = lint(invoice_with_missing_amounts(MAX_FINDINGS + 1))
    assert len(findings) == 101
    [more] = [f for f in findings if f.code == CAP_CODE]
    assert (more.pointer, more.severity, more.line) == ("", "error", 1)
    assert more.message.startswith("and 1 more finding on this invoice")
    shown = {f.pointer for f in findings if f.code == "SCH001"}
    assert "/sessions/4/acts/19" in shown and "/sessions/5/acts/0" not in shown  # the first ones, in order


def test_many_findings_say_how_many_are_hidden():
    findings = lint(invoice_with_missing_amounts(1000))
    assert len(findings) == 101
    assert next(f for f in findings if f.code == CAP_CODE).message.startswith("and 900 more findings")


@pytest.fixture(scope="module")
def run():
    return Run(PluginHost.from_entry_points(), load_nomenclature())


def _pairs(severities):
    rule = Rule("ZZZ001", "some-rule", "error", "s", "r", "src")
    return [(Violation("ZZZ001", "m", f"/sessions/{i}", severity), rule) for i, severity in enumerate(severities)]


def test_the_count_carries_the_worst_severity_hidden(run):
    capped = run._capped(_pairs(["info"] * 100 + ["warning", "info"]))
    assert len(capped) == 101
    assert (capped[-1][0].code, capped[-1][0].severity) == (CAP_CODE, "warning")
    assert run._capped(_pairs(["warning"] * 100 + ["error"]))[-1][0].severity == "error"
    assert run._capped(_pairs(["error"] * 100 + ["info"]))[-1][0].severity == "info"


def test_findings_are_kept_in_document_order(run):
    capped = run._capped(_pairs(["error"] * 150))
    assert [v.pointer for v, _ in capped[:12]] == [f"/sessions/{i}" for i in range(12)]  # 2 before 10
