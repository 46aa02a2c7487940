"""COE: coefficients not in force for their act on the date of care (ngap-kine.md §3)."""

from __future__ import annotations

import pytest

import kinelint_coefficients
from invoice_factory import act, bdk, lint, make_invoice, only, session
from kinelint.invoice import Invoice
from kinelint.nomenclature import load_nomenclature


def coe(acts, on="2026-01-05", number=2, territory="metropole"):
    """COE findings for one session of one invoice, dated well after its prescription."""
    invoice = make_invoice([session(number, on, acts=acts, territory=territory)], territory=territory,
                           prescription_date="2012-01-02")
    return only(lint(invoice), "COE")


def the_one(findings, code):
    assert [f.code for f in findings] == [code], findings
    return findings[0]


def test_the_default_clean_invoice_has_no_coe_finding():
    assert only(lint(make_invoice()), "COE") == []


# -- COE001 superseded ----------------------------------------------------------------------

def test_pre_2026_coefficient_on_its_last_day_is_fine():
    assert coe([act("RIC", "7.52")], on="2025-12-31") == []


@pytest.mark.parametrize("on", ["2026-01-01", "2026-01-05"])
def test_pre_2026_coefficient_from_2026_is_superseded(on):
    finding = the_one(coe([act("RIC", "7.52", "16.62")], on=on), "COE001")
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert finding.message.startswith(
        f"session 2 ({on}): RIC 7.52 is a pre-2026 coefficient, valid until 2025-12-31; "
        "bill RIC 8.12 since 2026-01-01")


def test_superseded_balneotherapy_supplement():
    finding = the_one(coe([act("RIC", "8.12"), act("AMK", "1.2", "2.65")], on="2026-01-01"), "COE001")
    assert finding.pointer == "/sessions/0/acts/1/coefficient"
    assert finding.severity == "error"
    assert "AMK 1.2 is a pre-2026 coefficient, valid until 2025-12-31; bill AMK 2.5 since 2026-01-01" \
        in finding.message


def test_ter_9_49_is_superseded_from_2026_05_28():
    assert coe([act("TER", "9.49")], on="2026-05-27") == []
    finding = the_one(coe([act("TER", "9.49", "20.97")], on="2026-05-28"), "COE001")
    assert "valid until 2026-05-27; bill TER 9.79 since 2026-05-28" in finding.message


# -- COE002 early ---------------------------------------------------------------------------

def test_new_coefficient_the_day_before_its_date_is_early():
    finding = the_one(coe([act("RIC", "8.12", "17.95")], on="2025-12-31"), "COE002")
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert finding.severity == "error"
    assert finding.message == ("session 2 (2025-12-31): RIC 8.12 is valid from 2026-01-01; "
                               "bill the coefficient in force on 2025-12-31 (RIC 7.48 to 7.52)")


def test_new_coefficient_on_its_first_day_is_fine():
    assert coe([act("RIC", "8.12")], on="2026-01-01") == []


@pytest.mark.parametrize("coefficient", ["2.5", "3.5"])
def test_new_balneotherapy_supplement_in_2025_is_early(coefficient):
    finding = the_one(coe([act("RIC", "7.52"), act("AMK", coefficient, "5.53")], on="2025-06-30"), "COE002")
    assert finding.pointer == "/sessions/0/acts/1/coefficient"
    assert f"AMK {coefficient} is valid from 2026-01-01" in finding.message


def test_ter_9_79_is_early_before_2026_05_28():
    finding = the_one(coe([act("TER", "9.79", "21.64")], on="2026-05-27"), "COE002")
    assert "TER 9.79 is valid from 2026-05-28" in finding.message
    assert coe([act("TER", "9.79")], on="2026-05-28") == []


# -- COE003 never -----------------------------------------------------------------------------

@pytest.mark.parametrize("coefficient", ["8.07", "8.13", "9"])
def test_coefficient_the_letter_never_had_lists_the_valid_ones(coefficient):
    finding = the_one(coe([act("RIC", coefficient, "17.95")]), "COE003")
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert f"RIC {coefficient} is not a known RIC coefficient on 2026-01-05; in force then: RIC 8.08 to 8.12" \
        in finding.message


def test_never_rests_on_an_uncertain_per_act_list_so_it_is_a_warning():
    finding = the_one(coe([act("RIC", "9", "19.89")]), "COE003")
    assert finding.severity == "warning"
    assert "uncertain" in finding.message


def test_announced_step_with_an_uncertain_date_is_a_warning():
    finding = the_one(coe([act("NMI", "10", "22.10")], on="2026-09-01"), "COE001")
    assert finding.severity == "warning"
    assert "bill NMI 11 since 2026-09-01" in finding.message and "uncertain" in finding.message


@pytest.mark.parametrize("coefficient", ["8.08", "8.12"])
def test_every_ric_coefficient_of_2026_is_fine(coefficient):
    assert coe([act("RIC", coefficient)]) == []


# -- what COE leaves to the other families ---------------------------------------------------

def test_rpe_6_after_2026_is_left_to_obs():
    assert coe([act("RPE", "6", "13.26")]) == []


def test_acts_on_a_retired_letter_are_left_to_obs():
    assert coe([act("AMS", "7.5", "16.58")], on="2024-07-01") == []


def test_acts_on_a_letter_not_yet_created_are_left_to_obs():
    assert coe([act("RIC", "8.12", "17.46")], on="2024-02-21") == []


def test_acts_on_an_unknown_letter_are_left_to_obs():
    assert coe([act("RIX", "9", "19.89")]) == []


def test_bdk_coefficients_are_left_to_the_bdk_plugin():
    assert coe([bdk("8"), act("RIC", "8.12")], number=1) == []


# -- with a small nomenclature of our own: certain lists, and no successor --------------------

LETTERS = """
[[letter]]
codes = ["RPE"]
from = 2024-02-22
metropole = "2.21"
dom = "2.43"
source = "test"
confidence = "H"
"""

FEES = """
[groups]
specific = ["IFS"]

[[fee]]
codes = ["IFS"]
from = 2024-02-22
metropole = "4.00"
source = "test"
confidence = "H"
"""

COEFFICIENTS = """
[[listed]]
letters = ["RPE"]
from = 2024-02-22
until = 2025-12-31
coefficients = ["6", "8.5"]
source = "test"
confidence = "H"

[[listed]]
letters = ["RPE"]
from = 2026-01-01
coefficients = ["8.5"]
source = "test"
confidence = "H"

[[coverage]]
letters = ["RPE"]
from = 2024-02-22
list = "complete"
source = "test"
confidence = "H"
"""


@pytest.fixture(scope="module")
def certain(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nomenclature")
    for name, text in {"letters": LETTERS, "fees": FEES, "bdk": "", "coefficients": COEFFICIENTS}.items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_nomenclature(directory)


def coe_with(nomenclature, acts, on="2026-01-05"):
    invoice = make_invoice([session(2, on, acts=acts)], prescription_date="2024-03-01")
    return list(kinelint_coefficients.kinelint_check_invoice(invoice=Invoice.from_dict(invoice),
                                                             nomenclature=nomenclature))


def test_never_on_a_complete_certain_list_is_an_error(certain):
    [violation] = coe_with(certain, [act("RPE", "7", "15.47")])
    assert (violation.code, violation.severity) == ("COE003", None)  # None: the rule's default, error
    assert violation.message == "session 2 (2026-01-05): RPE 7 is not a known RPE coefficient on 2026-01-05; in force then: RPE 8.5"


def test_superseded_without_a_known_successor_lists_what_is_in_force(certain):
    [violation] = coe_with(certain, [act("RPE", "6", "13.26")])
    assert (violation.code, violation.severity) == ("COE001", None)
    assert violation.message.endswith("RPE 6 is a pre-2026 coefficient, valid until 2025-12-31; in force then: RPE 8.5")


def test_certain_list_valid_coefficient(certain):
    assert coe_with(certain, [act("RPE", "6", "13.26")], on="2025-12-31") == []
