"""Acceptance: every act of NGAP Titre XIV billed correctly is clean; out of its window or invented, it is a finding.

The table (``ngap_titre14``) is typed from the primary text, independently of kinelint's data. Each
window is billed in both territories on its first, middle and last day, with its BDK or its main
act where it needs one, through the whole pipeline (schema and every plugin), in one batch.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from invoice_factory import act, bdk, make_invoice, rpps_with_key, session
from ngap_titre14 import APPROVAL_BEFORE_START, CONTINUED, LETTERS_2024, START_2024, Window, windows

from kinelint.api import lint_paths
from kinelint.nomenclature import load_nomenclature

D = Decimal
ONE_DAY = timedelta(days=1)
OPEN_END = date(2028, 6, 30)  # the "last day" billed for a window still open
TODAY = date(2030, 1, 1)  # no date of the table is "in the future"
TERRITORIES = ("metropole", "dom")
N = load_nomenclature()
WINDOWS = windows()


def _main_act(on: date) -> dict:
    """A rehabilitation act valid that day, for the acts billed beside one (BDK, supplements)."""
    if on < START_2024:
        return act("AMS", "7.5")
    if on <= date(2025, 12, 31):
        return act("RIC", "7.52")
    return act("RIC", "8.12") if on <= date(2027, 6, 30) else act("RIC", "8.42")


def _session(window: Window, coefficient: Decimal, on: date, territory: str) -> tuple[dict, int]:
    """The session billing that act as the text says, and the index of the act under test."""
    tested = act(window.letter, coefficient)
    if window.billed == "act":
        return session(1, on.isoformat(), acts=[bdk(), tested], territory=territory), 1
    if window.billed == "bilan":
        return session(1, on.isoformat(), acts=[tested], territory=territory), 0
    if window.billed == "bdk":
        tested = bdk(str(coefficient))
        return session(1, on.isoformat(), acts=[tested, _main_act(on)], territory=territory), 0
    main = _main_act(on) if window.billed == "balneo" else act("RAV", "8")
    return session(2, on.isoformat(), acts=[main, tested], territory=territory), 1


def _days(window: Window) -> list[date]:
    last = window.last or max(OPEN_END, window.first)
    return sorted({window.first, window.first + (last - window.first) / 2, last})


class Batch:
    """Invoices written as one JSON Lines file and linted in one run; findings by invoice id."""

    def __init__(self) -> None:
        self.invoices: list[dict] = []
        self.cases: dict[str, tuple] = {}

    def add(self, case, window: Window, coefficient: Decimal, on: date, territory: str) -> str:
        number = len(self.invoices)
        invoice_id = f"F-ACC-{number:05d}"
        built, index = _session(window, coefficient, on, territory)
        invoice = make_invoice([built], invoice_id=invoice_id, prescription_id=f"RX-ACC-{number}",
                               territory=territory, prescription_date=on.isoformat())
        # Each case its own practitioner: a thousand sessions of one RPPS on one day would be DAY001's business.
        invoice["practitioner"]["rpps"] = rpps_with_key(f"1{number:09d}")
        # Billed correctly: an act the text puts under prior approval before its first session (carpal
        # tunnel release, from the table) has it recorded; the others have none, so that DAP001 would show.
        if (window.letter, coefficient) in APPROVAL_BEFORE_START and window.billed == "act":
            invoice["prescription"]["prior_approval"] = {"requested_on": on.isoformat()}
        self.invoices.append(invoice)
        self.cases[invoice_id] = (case, index)
        return invoice_id

    def lint(self, directory) -> dict[str, list]:
        path = directory / "batch.jsonl"
        path.write_text("\n".join(json.dumps(i, default=_number).replace('"@@', "").replace('@@"', "")
                                  for i in self.invoices) + "\n", encoding="utf-8")
        findings, _ = lint_paths([path], today=TODAY)
        found: dict[str, list] = {invoice_id: [] for invoice_id in self.cases}
        for finding in findings:
            found[finding.invoice_id].append(finding)
        return found


def _number(value):
    return f"@@{value}@@"  # Decimals as JSON numbers, exactly


@pytest.fixture(scope="module")
def clean_batch(tmp_path_factory):
    batch = Batch()
    for window in WINDOWS:
        for territory in TERRITORIES:
            for on in _days(window):
                batch.add((window, on, territory), window, window.coefficient, on, territory)
    return batch, batch.lint(tmp_path_factory.mktemp("clean"))


def test_every_act_billed_in_its_window_is_clean(clean_batch):
    batch, found = clean_batch
    assert len(batch.invoices) > 1000
    dirty = {batch.cases[i][0][0].letter + " " + str(batch.cases[i][0][0].coefficient) + " on "
             + batch.cases[i][0][1].isoformat() + " " + batch.cases[i][0][2]: [f"{f.code} {f.message}" for f in fs]
             for i, fs in found.items() if fs}
    assert dirty == {}


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: f"{w.letter}-{w.coefficient}-{w.first}")
def test_every_act_of_the_text_is_in_the_catalogue_with_its_home_indemnities(window):
    for on in _days(window):
        for territory in TERRITORIES:
            known = N.on(on, territory).act(window.letter, window.coefficient)
            assert known is not None, (window, on)
            # Uncertain: the announced steps, and RAM 7.47 whose first day was not found (confidence L).
            low = (window.letter, window.coefficient) == ("RAM", D("7.47"))
            assert known.fact.uncertain == (window.announced or low), (window, on)
            expected = window.specific_indemnities(on) if window.billed == "act" else frozenset()
            # Room for the indemnity rule: the catalogue's answer is the text's, period by period.
            assert known.specific_indemnities == expected, (window, on)


def test_the_catalogue_holds_no_act_the_text_does_not():
    for on in (date(2024, 2, 22), date(2025, 6, 1), date(2026, 6, 21), date(2026, 9, 1), date(2027, 7, 1)):
        text = {(w.letter, w.coefficient) for w in WINDOWS
                if w.first <= on and (w.last is None or on <= w.last) and w.letter in LETTERS_2024}
        kinelint = {(a.letter, a.coefficient) for a in N.acts_on(on)}
        assert kinelint == text, on


def _outside_cases() -> list[tuple[Window, date, str]]:
    """Each window billed the day before it starts and the day after it ends (where that is not another act)."""
    cases = []
    for window in WINDOWS:
        pair = (window.letter, window.coefficient)
        if window.first > START_2024 and pair not in CONTINUED and window.billed != "bdk":
            cases.append((window, window.first - ONE_DAY, "before"))
        if window.last is not None and pair not in CONTINUED:
            cases.append((window, window.last + ONE_DAY, "after"))
    return cases


OUTSIDE = _outside_cases()


@pytest.fixture(scope="module")
def outside_batch(tmp_path_factory):
    batch = Batch()
    for window, on, side in OUTSIDE:
        for territory in TERRITORIES:
            batch.add((window, on, side, territory), window, window.coefficient, on, territory)
    return batch, batch.lint(tmp_path_factory.mktemp("outside"))


def _uncertain_side(window: Window, on: date) -> bool:
    """The verdict rests on an announced step or on the unknown start of RAM 7.47: a warning."""
    if window.announced or on >= date(2027, 7, 1) or date(2026, 8, 31) <= on <= date(2026, 9, 1) and window.letter == "NMI":
        return True
    return (window.letter, window.coefficient) == ("RAM", D("7.47")) and on < window.first


def test_every_coefficient_billed_outside_its_window_is_a_finding(outside_batch):
    batch, found = outside_batch
    assert len(OUTSIDE) > 100
    for invoice_id, (case, index) in batch.cases.items():
        window, on, side, territory = case
        about = [f for f in found[invoice_id] if f.pointer.startswith(f"/sessions/0/acts/{index}")]
        assert about, (window, on, side, territory)
        expected = "warning" if _uncertain_side(window, on) else "error"
        assert {f.severity for f in about} == {expected}, (window, on, [f.message for f in about])


def _invented() -> list[tuple[str, Decimal, date]]:
    """A cent either side of every act, and a few round numbers, that are no act of the letter that day."""
    cases = []
    for on in (date(2025, 6, 1), date(2026, 6, 21)):
        acts_that_day: dict[str, set[Decimal]] = {}
        for w in WINDOWS:
            if w.first <= on and (w.last is None or on <= w.last):
                acts_that_day.setdefault(w.letter, set()).add(w.coefficient)
        for letter in LETTERS_2024:
            real = acts_that_day.get(letter, set())
            near = {c + step for c in real for step in (D("-0.01"), D("0.01"))} | {D("7"), D("13"), D("30")}
            cases.extend((letter, c, on) for c in sorted(near - real) if c > 0)
    return cases


INVENTED = _invented()


@pytest.fixture(scope="module")
def invented_batch(tmp_path_factory):
    batch = Batch()
    for letter, coefficient, on in INVENTED:
        window = Window(letter, coefficient, on, on, "act", "none")
        batch.add((letter, coefficient, on), window, coefficient, on, "metropole")
    return batch, batch.lint(tmp_path_factory.mktemp("invented"))


def test_every_invented_coefficient_is_an_error(invented_batch):
    batch, found = invented_batch
    assert len(INVENTED) > 200
    for invoice_id, (case, index) in batch.cases.items():
        about = [f for f in found[invoice_id] if f.pointer == f"/sessions/0/acts/{index}/coefficient"]
        # COE003 (no such act); COE001 where the pair was an act of the old table (AMK 7 before 2024).
        assert [(f.code, f.severity) for f in about] in ([("COE003", "error")], [("COE001", "error")]), \
            (case, [f.message for f in about])
    codes = {f.code for fs in found.values() for f in fs}
    assert "COE003" in codes
