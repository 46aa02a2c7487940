"""OBS: letters, acts and fee codes not in force on the date of care (NGAP 21/06/2026, annexe 2 and Titre XIV)."""

from __future__ import annotations

import pytest

import kinelint_obsolete
from invoice_factory import act, fee, lint, make_invoice, only, session
from kinelint.invoice import Invoice
from kinelint.nomenclature import load_nomenclature


def obs(acts=None, fees=None, on="2026-01-12", place="cabinet", territory="metropole", number=2):
    """OBS findings for one session of one invoice, dated well after its prescription."""
    invoice = make_invoice([session(number, on, place, acts, fees, territory)], territory=territory,
                           prescription_date="2012-01-02")
    return only(lint(invoice), "OBS")


def the_one(findings, code):
    assert [f.code for f in findings] == [code], findings
    return findings[0]


def test_the_default_clean_invoice_has_no_obs_or_coe_finding():
    findings = lint(make_invoice())
    assert only(findings, "OBS") == [] and only(findings, "COE") == []


# -- OBS001 retired letter: AMS and AMC from 2024-02-22 --------------------------------------

@pytest.mark.parametrize("letter", ["AMS", "AMC"])
def test_old_letter_the_day_before_its_deletion_is_fine(letter):
    assert obs([act(letter, "7.5")], on="2024-02-21") == []


@pytest.mark.parametrize("letter", ["AMS", "AMC"])
def test_old_letter_from_its_deletion_is_an_error(letter):
    # Deleted by the UNCAM decision of 14 Dec 2023 (H); no transitional acceptance was found.
    for on in ("2024-02-22", "2024-06-01", "2026-01-12"):
        finding = the_one(obs([act(letter, "7.5", "16.58")], on=on), "OBS001")
        assert finding.severity == "error"
        assert finding.pointer == "/sessions/0/acts/0/letter"
        assert f"session 2 ({on}): letter {letter} is retired since 2024-02-22; bill " in finding.message
        assert "uncertain" not in finding.message


def test_retired_letter_of_a_bdk_is_reported_by_obs_too():
    finding = the_one(obs([act("AMS", "10.7", "23.65", bdk=True), act("RIC", "8.12")], number=1), "OBS001")
    assert finding.pointer == "/sessions/0/acts/0/letter"


# -- OBS002 retired act: RPE 6 from 2026-01-01 ---------------------------------------------

def test_rpe_6_on_the_last_day_of_2025_is_fine():
    assert obs([act("RPE", "6")], on="2025-12-31") == []


@pytest.mark.parametrize("on", ["2026-01-01", "2026-01-05"])
def test_rpe_6_from_2026_is_a_retired_act(on):
    finding = the_one(obs([act("RPE", "6", "13.26")], on=on), "OBS002")
    assert finding.severity == "error"
    assert finding.pointer == "/sessions/0/acts/0/coefficient"
    assert finding.message == (f"session 2 ({on}): RPE 6 (walking rehabilitation for the autonomy of the elderly) "
                               "is retired since 2026-01-01; bill RPE 8.5 (lower limbs, posture and balance of the elderly)")


def test_rpe_8_5_in_2026_is_fine():
    assert obs([act("RPE", "8.5")], on="2026-01-01") == []


def test_retired_act_points_at_its_own_session_and_act():
    invoice = make_invoice([session(1, "2025-12-30"), session(2, "2026-01-02", acts=[act("RIC", "8.12"),
                                                                                    act("RPE", "6", "13.26")])],
                           prescription_date="2025-12-20")
    finding = the_one(only(lint(invoice), "OBS"), "OBS002")
    assert finding.pointer == "/sessions/1/acts/1/coefficient"
    assert finding.message.startswith("session 2 (2026-01-02): RPE 6")


# -- OBS003 retired fee: IFO/IFR/IFN/IFP from 2026-01-01 -------------------------------------

@pytest.mark.parametrize("code", ["IFO", "IFR", "IFN", "IFP"])
def test_old_specific_indemnity_on_the_last_day_of_2025_is_fine(code):
    assert obs(fees=[fee(code)], on="2025-12-31", place="domicile") == []


@pytest.mark.parametrize("code", ["IFO", "IFR", "IFN", "IFP"])
def test_old_specific_indemnity_from_2026_is_retired_and_replaced_by_ifs(code):
    finding = the_one(obs(fees=[fee(code, "4.00")], on="2026-01-01", place="domicile"), "OBS003")
    assert finding.severity == "error"
    assert finding.pointer == "/sessions/0/fees/0/code"
    assert finding.message == f"session 2 (2026-01-01): fee {code} is retired since 2026-01-01; bill IFS"


def test_ifs_in_2026_is_fine():
    assert obs(fees=[fee("IFS")], on="2026-01-01", place="domicile") == []


# -- OBS004 code used before it exists ------------------------------------------------------

@pytest.mark.parametrize("letter", ["RIC", "TMK"])
def test_new_letter_the_day_before_it_exists(letter):
    finding = the_one(obs([act(letter, "7.52", "16.17")], on="2024-02-21"), "OBS004")
    assert finding.severity == "error"
    assert finding.pointer == "/sessions/0/acts/0/letter"
    assert f"letter {letter} does not exist yet on 2024-02-21" in finding.message
    assert "from 2024-02-22" in finding.message


@pytest.mark.parametrize("letter", ["RIC", "TMK"])
def test_new_letter_on_its_first_day_is_fine(letter):
    assert obs([act(letter, "7.52")], on="2024-02-22") == []


# -- OBS005 unknown code ----------------------------------------------------------------------

def test_unknown_letter_suggests_the_close_one():
    finding = the_one(obs([act("RIX", "8.12", "17.95")]), "OBS005")
    assert finding.severity == "error"
    assert finding.pointer == "/sessions/0/acts/0/letter"
    assert "letter RIX is not in the physiotherapists' NGAP" in finding.message
    assert "RIC" in finding.message


def test_unknown_letter_without_a_close_one_lists_the_known_letters():
    finding = the_one(obs([act("QQQQ", "8.12", "17.95")]), "OBS005")
    assert "known letter codes:" in finding.message
    assert "AMK" in finding.message and "RIC" in finding.message


def test_fee_code_used_as_an_act_letter():
    finding = the_one(obs([act("RIC", "8.12"), act("IFD", "1", "2.50")]), "OBS005")
    assert finding.pointer == "/sessions/0/acts/1/letter"
    assert "IFD is a fee code" in finding.message


def test_unknown_fee_code():
    finding = the_one(obs(fees=[fee("IFZ", "4.00")], place="domicile"), "OBS005")
    assert finding.pointer == "/sessions/0/fees/0/code"
    assert "fee IFZ is not in the physiotherapists' NGAP" in finding.message


# -- OBS006 in force but no value in that territory --------------------------------------------

def test_tmk_in_dom_has_no_known_value():
    finding = the_one(obs([act("TMK", "8.12", "17.46")], place="telesoin", territory="dom"), "OBS006")
    assert finding.severity == "warning"
    assert finding.pointer == "/sessions/0/acts/0/letter"
    assert "TMK has no known value in dom" in finding.message


def test_tmk_in_metropole_has_a_value():
    assert obs([act("TMK", "8.12")], place="telesoin") == []


def test_dom_prices_of_the_new_letters_are_known():
    assert obs([act("RIC", "8.12")], territory="dom") == []


# -- with a small nomenclature of our own: a fee created later, a fee without a DOM price ---------

LETTERS = """
[[letter]]
codes = ["RIC"]
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
from = 2026-01-01
metropole = "4.00"
source = "test"
confidence = "H"
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nomenclature")
    for name, text in {"letters": LETTERS, "fees": FEES, "bdk": "", "acts": ""}.items():
        (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return load_nomenclature(directory)


def obs_with(nomenclature, on, territory="metropole"):
    invoice = make_invoice([session(2, on, "domicile", [act("RIC", "8.12", "17.95")], [fee("IFS", "4.00")],
                                    territory)], territory=territory, prescription_date="2024-03-01")
    return list(kinelint_obsolete.kinelint_check_invoice(invoice=Invoice.from_dict(invoice),
                                                         nomenclature=nomenclature))


def test_fee_used_before_it_exists(small):
    [violation] = obs_with(small, "2025-12-31")
    assert (violation.code, violation.severity, violation.pointer) == ("OBS004", None, "/sessions/0/fees/0/code")
    assert violation.message == ("session 2 (2025-12-31): fee IFS does not exist yet on 2025-12-31; "
                                 "it is in force from 2026-01-01")


def test_fee_on_its_first_day(small):
    assert obs_with(small, "2026-01-01") == []


def test_fee_without_a_price_in_that_territory(small):
    [violation] = obs_with(small, "2026-01-01", territory="dom")
    assert (violation.code, violation.pointer) == ("OBS006", "/sessions/0/fees/0/code")
    assert "fee IFS has no known value in dom" in violation.message
