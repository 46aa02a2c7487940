"""Acceptance: every act of NGAP Titre XIV at home with every specific indemnity in force that day.

The acts and the indemnities each opens come from ``ngap_titre14`` (typed from the primary text and
the ameli.fr scope of 2024-2025, not from kinelint's data). Each act window is billed at home, in
both territories, on its first, middle and last day and on either side of 2026-01-01 where the
window spans it, once with each specific indemnity in force that day: the ones it opens are clean,
every other one is exactly one CUM006 finding that names the act, an error (a warning where the act's
own window is uncertain: RAM 7.47). The day before
2026-01-01 IFO, IFR, IFN, IFP and IFS (de sortie) are in force; from 2026-01-01 the single IFS.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from invoice_factory import act, bdk, fee, make_invoice, rpps_with_key, session
from ngap_titre14 import APPROVAL_BEFORE_START, STEP_2026, windows

from kinelint.api import lint_paths

SPECIFIC_UNTIL_2025 = ("IFO", "IFR", "IFN", "IFP", "IFS")
SPECIFIC_FROM_2026 = ("IFS",)
LAST_DAY = date(2026, 10, 31)  # the last day billed for a window still open (before the 2027 step)
TODAY = date(2030, 1, 1)


def _days(window) -> list[date]:
    last = min(window.last or LAST_DAY, LAST_DAY)
    if last < window.first:
        return []
    days = {window.first, window.first + (last - window.first) / 2, last}
    days |= {d for d in (date(2025, 12, 31), STEP_2026) if window.first <= d <= last}
    return sorted(days)


def _cases() -> list[tuple]:
    cases = []
    for window in windows():
        if window.billed != "act" or window.announced:
            continue
        for on in _days(window):
            in_force = SPECIFIC_UNTIL_2025 if on < STEP_2026 else SPECIFIC_FROM_2026
            for indemnity in in_force:
                cases.append((window, on, indemnity, indemnity in window.specific_indemnities(on)))
    return cases


CASES = _cases()


def _number(value):
    return f"@@{value}@@"  # Decimals as JSON numbers, exactly


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    invoices, cases = [], {}
    for window, on, indemnity, opened in CASES:
        for territory in ("metropole", "dom"):
            invoice_id = f"F-HOME-{len(invoices):05d}"
            home = session(1, on.isoformat(), "domicile", acts=[bdk(), act(window.letter, window.coefficient)],
                           fees=[fee(indemnity)], territory=territory)
            invoice = make_invoice([home], invoice_id=invoice_id, prescription_id=f"RX-HOME-{len(invoices)}",
                                   territory=territory, prescription_date=on.isoformat())
            # Each case its own practitioner: hundreds of sessions of one RPPS a day would be DAY001's business.
            invoice["practitioner"]["rpps"] = rpps_with_key(f"1{len(invoices):09d}")
            if (window.letter, window.coefficient) in APPROVAL_BEFORE_START:
                invoice["prescription"]["prior_approval"] = {"requested_on": on.isoformat()}
            invoices.append(invoice)
            cases[invoice_id] = (window, on, indemnity, opened, territory)
    path = tmp_path_factory.mktemp("home") / "batch.jsonl"
    path.write_text("\n".join(json.dumps(i, default=_number).replace('"@@', "").replace('@@"', "")
                              for i in invoices) + "\n", encoding="utf-8")
    findings, _ = lint_paths([path], today=TODAY)
    found: dict[str, list] = {invoice_id: [] for invoice_id in cases}
    for finding in findings:
        found[finding.invoice_id].append(finding)
    return cases, found


def test_the_table_covers_both_periods_and_both_verdicts():
    assert len(CASES) > 500
    assert {on < STEP_2026 for _, on, _, _ in CASES} == {True, False}
    assert {opened for *_, opened in CASES} == {True, False}
    # the misattached indemnities the issue names
    named = {(w.letter, str(w.coefficient), i, on >= STEP_2026) for w, on, i, opened in CASES if not opened}
    for case in [("RIC", "7.52", "IFO", False), ("TER", "16", "IFR", False), ("ARL", "8.49", "IFP", False),
                 ("RAB", "8.5", "IFS", True), ("RAV", "8", "IFS", True), ("PLL", "12", "IFS", True),
                 ("ARL", "8.49", "IFS", True)]:
        assert case in named, case


def test_each_act_opens_its_indemnities_and_no_other(verdicts):
    cases, found = verdicts
    wrong = {}
    for invoice_id, (window, on, indemnity, opened, territory) in cases.items():
        what = f"{window.letter} {window.coefficient} + {indemnity} on {on} {territory}"
        got = [(f.code, f.severity, f.pointer) for f in found[invoice_id]]
        # RAM 7.47: the day it became billable was not found (L), so a finding about it is a warning
        severity = "warning" if (window.letter, str(window.coefficient)) == ("RAM", "7.47") else "error"
        expected = [] if opened else [("CUM006", severity, "/sessions/0/fees/0")]
        if got != expected:
            wrong[what] = [f"{f.code} {f.message}" for f in found[invoice_id]]
        elif not opened:
            assert f"{window.letter} {window.coefficient.normalize():f} (" in found[invoice_id][0].message, what
    assert wrong == {}
