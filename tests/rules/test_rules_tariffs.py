"""TAR: act amounts, fee prices and totals, on the date of care and the territory."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoice_factory import (
    UNCERTAIN_FEE,
    act,
    bdk,
    fee,
    lint,
    make_invoice,
    nomenclature_with_uncertain_fee,
    only,
    session,
)


def one_act(letter, coefficient, amount, on, territory="metropole", **extra):
    """An invoice of one session with one act, total kept exact so only the act can be wrong."""
    s = session(1, on=on, acts=[act(letter, coefficient, amount, **extra)], territory=territory)
    return make_invoice([s], territory=territory, prescription_date=on)


def one_fee(code, amount, quantity=None, on="2026-01-12", territory="metropole"):
    s = session(1, on=on, place="domicile", acts=[bdk(), act("RIC", "8.12")], fees=[fee(code, amount, quantity)],
                territory=territory)
    return make_invoice([s], territory=territory)


def test_clean_invoice_has_no_tar_finding():
    assert only(lint(make_invoice()), "TAR") == []


# -- TAR001: act amounts -----------------------------------------------------

VECTORS = [
    # value 2.21 (metropole, from 2024-02-22)
    ("10.7", "23.65", "2024-02-22"), ("10.8", "23.87", "2024-02-22"), ("8.5", "18.79", "2024-02-22"),
    ("3.5", "7.74", "2024-02-22"), ("2.5", "5.53", "2024-02-22"), ("9.5", "21.00", "2024-02-22"),
    # value 2.15 (metropole, until 2024-02-21)
    ("7.5", "16.13", "2024-02-21"), ("9.5", "20.43", "2024-02-21"), ("8.5", "18.28", "2024-02-21"),
]


@pytest.mark.parametrize("coefficient, amount, on", VECTORS)
def test_test_vectors_pass_exactly(coefficient, amount, on):
    assert only(lint(one_act("AMK", coefficient, amount, on)), "TAR") == []


@pytest.mark.parametrize("coefficient, amount, on", VECTORS)
@pytest.mark.parametrize("off", ["0.01", "-0.01"])
def test_one_cent_off_fails(coefficient, amount, on, off):
    billed = Decimal(amount) + Decimal(off)
    found = only(lint(one_act("AMK", coefficient, billed, on)), "TAR")
    assert [f.code for f in found] == ["TAR001"]
    assert found[0].severity == "error"
    assert found[0].pointer == "/sessions/0/acts/0/amount"
    assert f"billed {billed}; expected {amount} on {on} (metropole)" in found[0].message


def test_half_cent_rounds_up_not_to_even():
    # 8.5 × 2.21 = 18.785 exactly: half-up gives 18.79 (a float or banker's rounding gives 18.78)
    assert only(lint(one_act("AMK", "8.5", "18.79", "2026-01-12")), "TAR") == []
    found = only(lint(one_act("AMK", "8.5", "18.78", "2026-01-12")), "TAR001")
    assert "AMK 8.5 (isolated osteoarticular bilan, two limbs or a limb and the trunk) × 2.21 = 18.785, billed 18.78; expected 18.79" in found[0].message


def test_message_gives_the_arithmetic():
    s = session(1, acts=[bdk(), act("RIC", "8.12", "17.94")])
    found = only(lint(make_invoice([s])), "TAR")
    assert [(f.code, f.pointer) for f in found] == [("TAR001", "/sessions/0/acts/1/amount")]
    assert found[0].message == ("session 1 (2026-01-12): RIC 8.12 (total knee arthroplasty) × 2.21 = 17.9452, billed 17.94; "
                                "expected 17.95 on 2026-01-12 (metropole)")


@pytest.mark.parametrize("on, good, bad", [
    ("2024-02-21", "23.01", "23.65"),  # 10.7 × 2.15 = 23.005
    ("2024-02-22", "23.65", "23.01"),  # 10.7 × 2.21 = 23.647
])
def test_value_change_on_2024_02_22(on, good, bad):
    assert only(lint(one_act("AMK", "10.7", good, on)), "TAR") == []
    found = only(lint(one_act("AMK", "10.7", bad, on)), "TAR001")
    assert len(found) == 1 and f"expected {good} on {on}" in found[0].message


@pytest.mark.parametrize("on, good, metropole_price", [
    ("2024-02-21", "25.25", "23.01"),  # 10.7 × 2.36 = 25.252
    ("2024-02-22", "26.00", "23.65"),  # 10.7 × 2.43 = 26.001
])
def test_dom_has_its_own_values(on, good, metropole_price):
    assert only(lint(one_act("AMK", "10.7", good, on, territory="dom")), "TAR") == []
    found = only(lint(one_act("AMK", "10.7", metropole_price, on, territory="dom")), "TAR001")
    assert len(found) == 1 and f"expected {good} on {on} (dom)" in found[0].message
    # and the DOM price is wrong in metropole
    assert len(only(lint(one_act("AMK", "10.7", good, on)), "TAR001")) == 1


def test_silent_when_no_value_is_known():
    # TMK has no DOM value; an unknown letter and a letter not yet created are OBS's business
    assert only(lint(one_act("TMK", "8", "1.00", "2026-01-12", territory="dom")), "TAR") == []
    assert only(lint(one_act("ZZZ", "8", "1.00", "2026-01-12")), "TAR") == []
    assert only(lint(one_act("RIC", "7.5", "1.00", "2024-02-21")), "TAR") == []
    assert only(lint(one_act("AMS", "7.5", "16.58", "2024-03-01")), "TAR") == []


def test_telecare_letter_priced_at_its_own_value():
    assert only(lint(one_act("TMK", "8", "17.20", "2026-01-12")), "TAR") == []  # 8 × 2.15
    assert len(only(lint(one_act("TMK", "8", "17.68", "2026-01-12")), "TAR001")) == 1  # 8 × 2.21


def test_zero_amount_is_a_finding():
    assert len(only(lint(one_act("RIC", "8.12", "0", "2026-01-12")), "TAR001")) == 1


# -- TAR002 / TAR003: fees -----------------------------------------------------

@pytest.mark.parametrize("code, amount, quantity, territory", [
    ("IFD", "2.50", None, "metropole"), ("IFS", "4.00", None, "metropole"), ("MN", "9.15", None, "metropole"),
    ("MD", "7.62", None, "dom"), ("FAD", "20.00", None, "metropole"), ("FRD", "100.00", 1, "metropole"),
    ("IK", "2.28", 6, "metropole"), ("IK", "2.58", 6, "dom"), ("IKM", "6.10", 10, "metropole"),
    ("IKS", "10.05", 3, "dom"), ("IK", "0.38", None, "metropole"),
])
def test_fee_at_its_price_passes(code, amount, quantity, territory):
    assert only(lint(one_fee(code, amount, quantity, territory=territory)), "TAR") == []


@pytest.mark.parametrize("code, amount, quantity, territory, expected", [
    ("IFD", "2.49", None, "metropole", "billed 2.49; expected 2.50 on 2026-01-12 (metropole)"),
    ("MN", "9.16", None, "dom", "billed 9.16; expected 9.15 on 2026-01-12 (dom)"),
    ("IK", "2.29", 6, "metropole", "IK 6 km × 0.38 = 2.28, billed 2.29; expected 2.28 on 2026-01-12 (metropole)"),
    ("IK", "2.28", 6, "dom", "IK 6 km × 0.43 = 2.58, billed 2.28; expected 2.58 on 2026-01-12 (dom)"),
    ("IKM", "6.61", 1, "dom", "IKM 1 km × 0.66 = 0.66, billed 6.61; expected 0.66"),
])
def test_fee_at_the_wrong_price_fails(code, amount, quantity, territory, expected):
    found = only(lint(one_fee(code, amount, quantity, territory=territory)), "TAR")
    assert [(f.code, f.severity, f.pointer) for f in found] == [("TAR002", "error", "/sessions/0/fees/0/amount")]
    assert expected in found[0].message


def test_fee_not_in_force_is_left_to_obs():
    assert only(lint(one_fee("IFO", "9.99")), "TAR") == []  # IFO retired on 2026-01-01
    assert only(lint(one_fee("IFO", "4.00", on="2025-12-31")), "TAR") == []
    assert len(only(lint(one_fee("IFO", "4.01", on="2025-12-31")), "TAR002")) == 1
    assert only(lint(one_fee("ZZ", "9.99")), "TAR") == []


def test_uncertain_fee_price_is_a_warning_saying_why():
    uncertain = nomenclature_with_uncertain_fee()
    assert only(lint(one_fee(UNCERTAIN_FEE, "4.00"), uncertain), "TAR") == []
    found = only(lint(one_fee(UNCERTAIN_FEE, "4.50"), uncertain), "TAR")
    assert [(f.code, f.severity) for f in found] == [("TAR002", "warning")]
    assert "expected 4.00" in found[0].message and "confidence L" in found[0].message


def test_quantity_on_a_flat_fee_is_its_own_finding():
    found = only(lint(one_fee("IFD", "2.50", 2)), "TAR")
    assert [(f.code, f.pointer) for f in found] == [("TAR003", "/sessions/0/fees/0/quantity")]
    assert "quantity is 2" in found[0].message and "IK" in found[0].message
    # priced as quantity × price: still one fault
    assert codes_of(one_fee("IFD", "5.00", 2)) == ["TAR003"]
    # and a wrong amount besides is a second fault
    assert codes_of(one_fee("IFD", "3.00", 2)) == ["TAR002", "TAR003"]
    assert codes_of(one_fee("IFD", "2.50", 1)) == []


def test_quantity_on_an_uncertain_fee_is_a_warning():
    found = only(lint(one_fee(UNCERTAIN_FEE, "4.00", 3), nomenclature_with_uncertain_fee()), "TAR")
    assert [(f.code, f.severity) for f in found] == [("TAR003", "warning")]


def codes_of(invoice):
    return sorted(f.code for f in only(lint(invoice), "TAR"))


# -- TAR004: total --------------------------------------------------------------

def test_total_must_be_the_exact_sum():
    s = session(1, place="domicile", fees=[fee("IFD"), fee("IK", quantity=6)])
    assert make_invoice([s])["total"] == Decimal("46.38")
    assert only(lint(make_invoice([s])), "TAR") == []
    for total in ("46.37", "46.39"):
        found = only(lint(make_invoice([s], total=total)), "TAR")
        assert [(f.code, f.severity, f.pointer) for f in found] == [("TAR004", "error", "/total")]
        assert f"total {total} is not the sum of the 4 act and fee amounts, 46.38" in found[0].message


def test_total_counts_every_line_even_unpriced_ones():
    s = session(1, acts=[bdk(), act("RIC", "8.12"), act("ZZZ", "1", "3.33")])
    assert only(lint(make_invoice([s])), "TAR") == []
    assert len(only(lint(make_invoice([s], total="41.60")), "TAR004")) == 1  # without ZZZ's 3.33


def test_total_over_several_sessions():
    sessions = [session(1), session(2, on="2026-01-14"), session(3, on="2026-01-16")]
    invoice = make_invoice(sessions)
    assert invoice["total"] == Decimal("23.65") + 3 * Decimal("17.95")
    assert only(lint(invoice), "TAR") == []
    assert len(only(lint(make_invoice(sessions, total=invoice["total"] + Decimal("0.01"))), "TAR004")) == 1
