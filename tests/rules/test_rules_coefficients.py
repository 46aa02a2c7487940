"""COE: coefficients not in force for their act on the date of care (NGAP Titre XIV, 21/06/2026)."""

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
    assert finding.message == (
        f"session 2 ({on}): RIC 7.52 (total knee arthroplasty) is a pre-2026 coefficient, valid until 2025-12-31; "
        f"on {on} that act is billed RIC 8.12 = 17.95 (since 2026-01-01)")


def test_superseded_names_the_amount_in_the_invoices_territory():
    invoice = make_invoice([session(2, "2026-01-05", acts=[act("RIC", "7.52", "18.27")], territory="dom")],
                           territory="dom", prescription_date="2012-01-02")
    finding = the_one(only(lint(invoice), "COE"), "COE001")
    assert "that act is billed RIC 8.12 = 19.73" in finding.message  # 8.12 x 2.43


def test_superseded_balneotherapy_supplement():
    finding = the_one(coe([act("RIC", "8.12"), act("AMK", "1.2", "2.65")], on="2026-01-01"), "COE001")
    assert finding.pointer == "/sessions/0/acts/1/coefficient"
    assert finding.severity == "error"
    assert ("AMK 1.2 (balneotherapy supplement, tank) is a pre-2026 coefficient, valid until 2025-12-31; "
            "on 2026-01-01 that act is billed AMK 2.5 = 5.53") in finding.message


def test_ter_9_49_is_superseded_from_2026_05_28():
    assert coe([act("TER", "9.49")], on="2026-05-27") == []
    finding = the_one(coe([act("TER", "9.49", "20.97")], on="2026-05-28"), "COE001")
    assert ("TER 9.49 (two or more territories, not operated) is a former coefficient, valid until 2026-05-27; "
            "on 2026-05-28 that act is billed TER 9.79 = 21.64") in finding.message


# -- COE002 early ---------------------------------------------------------------------------

def test_new_coefficient_the_day_before_its_date_is_early():
    finding = the_one(coe([act("RIC", "8.12", "17.95")], on="2025-12-31"), "COE002")
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert finding.severity == "error"
    assert finding.message == ("session 2 (2025-12-31): RIC 8.12 (total knee arthroplasty) is valid from 2026-01-01; "
                               "on 2025-12-31 that act is billed RIC 7.52 = 16.62")


def test_new_coefficient_on_its_first_day_is_fine():
    assert coe([act("RIC", "8.12")], on="2026-01-01") == []


@pytest.mark.parametrize("coefficient", ["2.5", "3.5"])
def test_new_balneotherapy_supplement_in_2025_is_early(coefficient):
    finding = the_one(coe([act("RIC", "7.52"), act("AMK", coefficient, "5.53")], on="2025-06-30"), "COE002")
    assert finding.pointer == "/sessions/0/acts/1/coefficient"
    assert f"AMK {coefficient} (balneotherapy supplement, " in finding.message
    assert "is valid from 2026-01-01; on 2025-06-30 that act is billed AMK " in finding.message


def test_ter_9_79_is_early_before_2026_05_28():
    finding = the_one(coe([act("TER", "9.79", "21.64")], on="2026-05-27"), "COE002")
    assert "TER 9.79 (two or more territories, not operated) is valid from 2026-05-28" in finding.message
    assert finding.message.endswith("on 2026-05-27 that act is billed TER 9.49 = 20.97")
    assert coe([act("TER", "9.79")], on="2026-05-28") == []


# -- COE003 never -----------------------------------------------------------------------------

@pytest.mark.parametrize("coefficient", ["8.07", "8.13", "9"])
def test_coefficient_the_letter_never_had_lists_the_valid_ones(coefficient):
    finding = the_one(coe([act("RIC", coefficient, "17.95")]), "COE003")
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert finding.message == (f"session 2 (2026-01-05): RIC {coefficient} is not a RIC act on 2026-01-05; "
                               "RIC acts then: RIC 8.08 to 8.12")


def test_since_2024_02_22_the_lists_are_complete_so_no_act_is_an_error():
    finding = the_one(coe([act("RIC", "9", "19.89")]), "COE003")
    assert finding.severity == "error" and "uncertain" not in finding.message


@pytest.mark.parametrize("letter, coefficient", [("RAM", "8.07"), ("APM", "8.10"), ("APM", "8.11"), ("TER", "16"),
                                                 ("RAV", "9"), ("NMI", "10.99"), ("ARL", "8.49")])
def test_acts_of_the_2026_table_are_not_unknown(letter, coefficient):
    assert coe([act(letter, coefficient)], on="2026-06-21") == []


def test_announced_step_is_a_warning_that_says_why():
    finding = the_one(coe([act("NMI", "10", "22.10")], on="2026-09-01"), "COE001")
    assert finding.severity == "warning"
    assert finding.message.startswith(
        "session 2 (2026-09-01): NMI 10 (stable or progressive neurological disease, two limbs or more) is a "
        "former coefficient, valid until 2026-08-31; on 2026-09-01 that act is billed NMI 11 = 24.31")
    assert "uncertain: announced step, not printed in an official text" in finding.message


def test_announced_2027_step_is_a_warning_both_ways():
    late = the_one(coe([act("RIC", "8.12", "17.95")], on="2027-07-01"), "COE001")
    assert late.severity == "warning" and "that act is billed RIC 8.42 = 18.61" in late.message
    early = the_one(coe([act("RIC", "8.42", "18.61")], on="2027-06-30"), "COE002")
    assert early.severity == "warning" and "that act is billed RIC 8.12 = 17.95" in early.message


def test_ram_7_47_before_its_uncertain_start_is_a_warning():
    finding = the_one(coe([act("RAM", "7.47", "16.51")], on="2024-07-12"), "COE002")
    assert finding.severity == "warning" and "RAM 7.47 (non-specific neck pain" in finding.message
    assert coe([act("RAM", "7.47", "16.51")], on="2024-07-13") == []


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

ACTS = """
[[home]]
group = "none"
from = 2024-02-22
indemnities = []
source = "test"
confidence = "H"

[[act]]
letter = "RPE"
article = "II-9"
label = "walking"
kind = "rehabilitation"
home = "none"
windows = [{ from = 2024-02-22, until = 2025-12-31, coefficient = "6", source = "test", confidence = "H" }]

[[act]]
letter = "RPE"
article = "II-9"
label = "balance"
kind = "rehabilitation"
home = "none"
windows = [{ from = 2024-02-22, coefficient = "8.5", source = "test", confidence = "H" }]

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
    for name, text in {"letters": LETTERS, "fees": FEES, "bdk": "", "acts": ACTS}.items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_nomenclature(directory)


def coe_with(nomenclature, acts, on="2026-01-05"):
    invoice = make_invoice([session(2, on, acts=acts)], prescription_date="2024-03-01")
    return list(kinelint_coefficients.kinelint_check_invoice(invoice=Invoice.from_dict(invoice),
                                                             nomenclature=nomenclature))


def test_never_on_a_complete_certain_list_is_an_error(certain):
    [violation] = coe_with(certain, [act("RPE", "7", "15.47")])
    assert (violation.code, violation.severity) == ("COE003", None)  # None: the rule's default, error
    assert violation.message == "session 2 (2026-01-05): RPE 7 is not a RPE act on 2026-01-05; RPE acts then: RPE 8.5"


def test_superseded_without_a_known_successor_lists_what_is_in_force(certain):
    [violation] = coe_with(certain, [act("RPE", "6", "13.26")])
    assert (violation.code, violation.severity) == ("COE001", None)
    # The act "walking" has no later window and no deletion: what is in force instead is listed.
    assert violation.message.endswith(
        "RPE 6 (walking) is a pre-2026 coefficient, valid until 2025-12-31; RPE acts then: RPE 8.5")


def test_certain_list_valid_coefficient(certain):
    assert coe_with(certain, [act("RPE", "6", "13.26")], on="2025-12-31") == []
