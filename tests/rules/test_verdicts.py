"""Remembered verdicts (``rulekit.Verdicts``, ``Day.line``, ``rulekit.billed``): never a wrong answer.

The rule families judge an act, a fee or a session once per combination and
remember whether it has anything to say. Each test below lets a memo see one
combination, then asks about a neighbour that a key missing one input would
confuse with it (the day before and the day of a change, one cent off, the
other territory, another place or session number), in both orders. The memos
are bounded: full, they start again, and the answers stay the same.
"""

from __future__ import annotations

import gc
import weakref
from datetime import date
from decimal import Decimal

import pytest
from invoice_factory import (PATIENT_NIR, act, bdk, fee, lint, make_invoice, nir_with_key, only, session)

from kinelint.invoice import Invoice
from kinelint.nomenclature import day as day_module
from kinelint.nomenclature import load_nomenclature
from kinelint.rulekit import Verdicts, billed


def one_act(letter, coefficient, amount, on, territory="metropole", number=2, prescribed=15):
    """One session, one act, the total exact: only the act can be wrong (no BDK is due after session 1)."""
    s = session(number, on=on, acts=[act(letter, coefficient, amount)], territory=territory)
    return make_invoice([s], territory=territory, prescription_date="2017-01-02", sessions_prescribed=prescribed)


def found(invoice, family):
    return [(f.code, f.pointer) for f in only(lint(invoice), family)]


# -- acts: the day of a change, one cent, the territory ---------------------------------------------

def test_the_same_amount_the_day_before_and_the_day_of_a_new_letter_value():
    # AMK was worth 2.15 until 2024-02-21 and 2.21 from 2024-02-22 (letters.toml): 8.5 × 2.15 = 18.28.
    for _ in range(2):  # the second round asks what the memos have seen
        assert found(one_act("AMK", "8.5", "18.28", "2024-02-21"), "TAR") == []
        assert found(one_act("AMK", "8.5", "18.28", "2024-02-22"), "TAR") == [("TAR001", "/sessions/0/acts/0/amount")]
        assert found(one_act("AMK", "8.5", "18.79", "2024-02-22"), "TAR") == []
        assert found(one_act("AMK", "8.5", "18.79", "2024-02-21"), "TAR") == [("TAR001", "/sessions/0/acts/0/amount")]


@pytest.mark.parametrize("off", ["0.01", "-0.01"])
def test_one_cent_off_after_the_clean_amount_was_seen(off):
    clean = Decimal("17.95")  # RIC 8.12 × 2.21 = 17.9452
    assert found(one_act("RIC", "8.12", clean, "2026-01-12"), "TAR") == []
    assert found(one_act("RIC", "8.12", clean + Decimal(off), "2026-01-12"), "TAR") == [
        ("TAR001", "/sessions/0/acts/0/amount")]
    assert found(one_act("RIC", "8.12", clean, "2026-01-12"), "TAR") == []


def test_the_same_act_and_amount_in_two_territories():
    # RIC 8.12: 17.95 in metropole (2.21), 19.73 in the DOM (2.43).
    assert found(one_act("RIC", "8.12", "17.95", "2026-01-12"), "TAR") == []
    assert found(one_act("RIC", "8.12", "17.95", "2026-01-12", territory="dom"), "TAR") == [
        ("TAR001", "/sessions/0/acts/0/amount")]
    assert found(one_act("RIC", "8.12", "19.73", "2026-01-12", territory="dom"), "TAR") == []
    assert found(one_act("RIC", "8.12", "19.73", "2026-01-12"), "TAR") == [("TAR001", "/sessions/0/acts/0/amount")]


def test_a_coefficient_the_day_before_and_the_day_it_is_superseded():
    # RIC 7.52 is valid until 2025-12-31; from 2026-01-01 the act is billed RIC 8.12 (acts.toml).
    amount = "16.62"  # 7.52 × 2.21, the same on both days
    for _ in range(2):
        assert found(one_act("RIC", "7.52", amount, "2025-12-31"), "COE") == []
        assert found(one_act("RIC", "7.52", amount, "2026-01-01"), "COE") == [
            ("COE001", "/sessions/0/acts/0/coefficient")]


def test_a_fee_the_day_before_and_the_day_it_is_retired():
    # IFO ends on 2025-12-31, retired (replaced by IFS) from 2026-01-01 (fees.toml).
    def with_ifo(on):
        s = session(2, on=on, place="domicile", acts=[act("RIC", "8.12")], fees=[fee("IFO", "3.00")])
        return make_invoice([s], prescription_date="2025-12-01")

    for _ in range(2):
        assert found(with_ifo("2025-12-31"), "OBS") == []
        assert [code for code, _ in found(with_ifo("2026-01-01"), "OBS")] == ["OBS003"]


# -- sessions: number, place ---------------------------------------------------------------------------

def test_prior_approval_at_the_reference_number_and_one_past_it():
    # RIC 8.12 (total knee arthroplasty) is treated in 25 sessions; from the 26th, prior approval.
    for _ in range(2):
        assert found(one_act("RIC", "8.12", None, "2026-01-12", number=25, prescribed=30), "DAP") == []
        assert found(one_act("RIC", "8.12", None, "2026-01-12", number=26, prescribed=30), "DAP") == [
            ("DAP001", "/sessions/0/acts/0")]


def test_prior_approval_judged_per_session_of_a_longer_invoice():
    sessions = [session(n, on=f"2026-01-{n - 10:02d}", acts=[act("RIC", "8.12")]) for n in (24, 25, 26)]
    invoice = make_invoice(sessions, prescription_date="2025-12-20", sessions_prescribed=30)
    assert found(invoice, "DAP") == [("DAP001", "/sessions/2/acts/0")]
    assert found(make_invoice(sessions[:2], prescription_date="2025-12-20", sessions_prescribed=30), "DAP") == []


@pytest.mark.parametrize("clean, faulty", [(30, 31), (50, 49), (1, 2)])
def test_the_same_bdk_session_at_a_bilan_point_and_beside_it(clean, faulty):
    def bdk_at(number):
        s = session(number, on="2026-01-12", acts=[bdk(), act("RIC", "8.12")])
        return make_invoice([s], prescription_date="2017-01-02", sessions_prescribed=200)

    for _ in range(2):
        assert found(bdk_at(clean), "BDK") == []
        assert [code for code, _ in found(bdk_at(faulty), "BDK")] == ["BDK003"]


def test_the_same_first_session_for_a_short_and_a_long_series():
    # Before 2018-07-01 the BDK was due only for series of 10 sessions or more (bdk.toml, min_series).
    def first(prescribed, on="2018-06-30", coefficient="8.1"):
        s = session(1, on=on, acts=[bdk(coefficient), act("AMS", "7.5")])
        return make_invoice([s], prescription_date="2017-01-02", sessions_prescribed=prescribed)

    for _ in range(2):
        assert found(first(10), "BDK") == []
        assert [code for code, _ in found(first(9), "BDK")] == ["BDK007"]
        assert found(first(9, "2018-07-01", "10.7"), "BDK") == []  # the minimum is gone: 9 or 10 alike


def test_the_same_first_session_in_person_and_in_telecare():
    def first(place):
        return make_invoice([session(1, on="2026-01-12", place=place, acts=[bdk(), act("RIC", "8.12")])])

    for _ in range(2):
        assert found(first("cabinet"), "BDK") == [] and found(first("domicile"), "BDK") == []
        assert [code for code, _ in found(first("telesoin"), "BDK")] == ["BDK006"]


def test_the_same_fees_at_home_and_at_the_practice():
    def visit(place):
        s = session(2, on="2026-01-12", place=place, acts=[act("RIC", "8.12")],
                    fees=[fee("IFD"), fee("IK", quantity=4)])
        return make_invoice([s])

    for _ in range(2):
        assert found(visit("domicile"), "CUM") == []
        assert [code for code, _ in found(visit("cabinet"), "CUM")] == ["CUM004", "CUM004"]


def test_the_same_specific_indemnity_with_an_act_that_opens_it_and_one_that_does_not():
    def visit(letter, coefficient, on="2026-01-12"):
        s = session(2, on=on, place="domicile", acts=[act(letter, coefficient)], fees=[fee("IFS")])
        return make_invoice([s], prescription_date="2023-01-02")

    for _ in range(2):
        assert found(visit("RPE", "8.5"), "CUM") == []  # art. 9 opens IFS from 2026-01-01
        assert [code for code, _ in found(visit("RAB", "8.5"), "CUM")] == ["CUM006"]
        assert [code for code, _ in found(visit("RPE", "8.5", "2025-12-31"), "CUM")] == ["CUM006"]


def test_a_second_act_in_a_session_after_the_single_act_was_seen():
    one = make_invoice([session(2, on="2026-01-12", acts=[act("RIC", "8.12")])])
    two = make_invoice([session(2, on="2026-01-12", acts=[act("RIC", "8.12"), act("RAM", "8.09")])])
    for _ in range(2):
        assert found(one, "CUM") == []
        assert [code for code, _ in found(two, "CUM")] == ["CUM007"]  # two codings


def test_session_numbers_and_dates_that_repeat_or_go_back():
    def numbered(*pairs):
        sessions = [session(number, on=on, acts=[act("RIC", "8.12")]) for number, on in pairs]
        return make_invoice(sessions, prescription_date="2026-01-01")

    assert found(numbered((2, "2026-01-12"), (3, "2026-01-13")), "CON") == []
    assert [c for c, _ in found(numbered((2, "2026-01-12"), (2, "2026-01-13")), "CON")] == ["CON003"]
    assert [c for c, _ in found(numbered((3, "2026-01-12"), (2, "2026-01-13")), "CON")] == ["CON003"]
    assert [c for c, _ in found(numbered((2, "2026-01-13"), (3, "2026-01-12")), "CON")] == ["CON004"]
    assert [c for c, _ in found(numbered((2, "2026-01-12"), (3, "2026-01-12")), "CON")] == ["CON011"]


# -- the NIR key is arithmetic, as stdnum computes it ----------------------------------------------------

@pytest.mark.parametrize("first13", ["1850578006084", "2690299341732", "185052A123456", "185052B123456",
                                     "0000000000000", "9999999999999"])
def test_nir_key_as_stdnum_computes_it(first13):
    from stdnum.fr import nir as stdnum_nir

    from kinelint_consistency.checks import _nir_key_matches

    right = nir_with_key(first13)
    assert stdnum_nir.calc_check_digits(right) == right[13:]
    assert _nir_key_matches(right)
    wrong = right[:13] + f"{(int(right[13:]) % 97) + 1:02d}"
    assert not _nir_key_matches(wrong)
    assert [c for c, _ in found(make_invoice(nir=wrong), "CON")] == ["CON006"]
    assert found(make_invoice(nir=right), "CON") == []


# -- the memos: bounded, and the shared lines of one invoice ------------------------------------------------

def test_verdicts_start_again_when_full():
    verdicts = Verdicts(limit=3)
    for key in range(10):
        assert verdicts.remember(key, key % 2 == 0) is (key % 2 == 0)
        assert len(verdicts) <= 3
    assert verdicts.get(9) is False and verdicts.get(0) is None


def _family_memos():
    """Every ``Verdicts`` the built-in families keep on the shipped nomenclature, by name."""
    return dict(load_nomenclature().remembered)


def _assorted_invoices():
    """Invoices with and without findings in every family, some amounts unique to each."""
    invoices = []
    for index in range(40):
        amount = Decimal("17.95") + Decimal(index % 7) / 100  # one in seven clean
        sessions = [session(1, on="2026-01-12", acts=[bdk(), act("RIC", "8.12", amount)]),
                    session(2 + index % 3, on="2026-01-14", place="domicile", acts=[act("RIC", "7.52")],
                            fees=[fee("IFD"), fee("IK", quantity=1 + index)])]
        invoices.append(make_invoice(sessions, invoice_id=f"F-{index}", sessions_prescribed=2 + index % 4))
    return invoices


def _findings(invoices):
    return [[(f.code, f.pointer, f.severity, str(f.message)) for f in lint(invoice)] for invoice in invoices]


def test_memos_reach_their_bound_and_answer_the_same(monkeypatch):
    lint(make_invoice())  # every family imported
    memos = _family_memos()
    assert len(memos) >= 10, memos.keys()
    invoices = _assorted_invoices()
    expected = _findings(invoices)
    for memo in memos.values():
        memo.clear()
        monkeypatch.setattr(memo, "limit", 2)
    monkeypatch.setattr(day_module, "LINES_KEPT", 3)
    nomenclature = load_nomenclature()
    for day in nomenclature._days.values():
        day.lines.clear()
    assert [[(f.code, f.pointer, f.severity, str(f.message)) for f in lint(invoice, nomenclature)]
            for invoice in invoices] == expected
    assert all(len(memo) <= 2 for memo in memos.values())
    days = {billed(Invoice.from_dict(i), nomenclature).days[0] for i in invoices}
    assert days and all(len(day.lines) <= 3 for day in days)


def test_a_hostile_batch_of_unique_amounts_keeps_every_memo_bounded(monkeypatch):
    lint(make_invoice())
    memos = _family_memos()
    for memo in memos.values():
        monkeypatch.setattr(memo, "limit", 50)
    monkeypatch.setattr(day_module, "LINES_KEPT", 50)
    day = load_nomenclature().on(date(2026, 1, 12), "metropole")
    day.lines.clear()
    day._bases.clear()
    for index in range(300):  # every amount new, each one wrong: six times the bounds
        amount = Decimal("1000.00") + Decimal(index) / 100
        found_here = found(make_invoice([session(2, acts=[act("RIC", "8.12", amount)])]), "TAR")
        assert found_here == [("TAR001", "/sessions/0/acts/0/amount")]
        assert len(day.lines) <= 50 and len(day._bases) <= 50
        assert all(len(memo) <= 50 for memo in memos.values())
    assert found(make_invoice([session(2, acts=[act("RIC", "8.12")])]), "TAR") == []


def test_verdicts_belong_to_their_nomenclature_and_go_with_it():
    from kinelint.nomenclature.loader import DATA_DIR

    other = load_nomenclature(DATA_DIR)  # built anew: another nomenclature, with the same data
    assert other.remembered is not load_nomenclature().remembered
    assert lint(make_invoice(), other) == [] and len(other.remembered) >= 7
    assert all(line.day in other._days.values()
               for memo in other.remembered.values() for line in memo if hasattr(line, "day"))
    gone = weakref.ref(other)
    del other
    lint(make_invoice())  # the next invoice: the shared lines of the last one are let go
    gc.collect()
    assert gone() is None


def test_billed_is_built_once_an_invoice_when_the_families_take_a_chunk_each_in_turn():
    """The chunk hook calls every family on a chunk before the next family: each invoice's Billed must
    still be built by the first family only (it was built seven times an invoice with a one-invoice memo)."""
    from kinelint import rulekit
    from kinelint.check.runner import CHUNK

    nomenclature = load_nomenclature()
    chunk = [Invoice.from_dict(make_invoice(invoice_id=f"F-{i}")) for i in range(CHUNK)]
    first = [billed(invoice, nomenclature) for invoice in chunk]
    assert all(billed(invoice, nomenclature) is kept for invoice, kept in zip(chunk, first))
    assert rulekit._BILLED_KEPT >= CHUNK
    for invoice in [Invoice.from_dict(make_invoice(invoice_id=f"G-{i}")) for i in range(rulekit._BILLED_KEPT)]:
        billed(invoice, nomenclature)
    assert len(rulekit._billed) <= rulekit._BILLED_KEPT  # bounded: the oldest go first
    assert billed(chunk[0], nomenclature) is not first[0]


def test_billed_is_shared_by_one_invoice_and_one_nomenclature_only():
    first = load_nomenclature()
    invoice = Invoice.from_dict(make_invoice())
    lines = billed(invoice, first)
    assert billed(invoice, first) is lines
    other = Invoice.from_dict(make_invoice(nir=PATIENT_NIR))  # equal content, another invoice
    assert billed(other, first) is not lines
    # The lines of a combination are the Day's: the same object for the same combination that day.
    assert billed(other, first).act_lines == lines.act_lines
    again = billed(invoice, first)
    assert [line.key for line in again.act_lines] == [
        ("AMK", Decimal("10.7"), Decimal("23.65"), True), ("RIC", Decimal("8.12"), Decimal("17.95"), False)]
    assert again.days[0] is first.on(date(2026, 1, 12), "metropole")


def test_lines_of_two_days_or_two_territories_differ():
    nomenclature = load_nomenclature()
    key = ("RIC", Decimal("8.12"), Decimal("17.95"), False)
    metropole = nomenclature.on(date(2026, 1, 12), "metropole")
    assert metropole.line(key) is metropole.line(key)
    assert nomenclature.on(date(2026, 1, 12), "dom").line(key) is not metropole.line(key)
    assert nomenclature.on(date(2025, 12, 31), "metropole").line(key) is not metropole.line(key)
    assert metropole.line(key).day is metropole


def test_a_full_day_gives_lines_it_does_not_keep(monkeypatch):
    monkeypatch.setattr(day_module, "LINES_KEPT", 1)
    day = load_nomenclature().on(date(2026, 1, 12), "metropole")
    day.lines.clear()
    kept = day.line(("RIC", Decimal("8.12"), Decimal("17.95"), False))
    other = ("RIC", Decimal("8.12"), Decimal("17.96"), False)
    assert day.line(other) is not day.line(other) and day.line(other).key == other
    assert len(day.lines) == 1 and day.lines[kept.key] is kept
