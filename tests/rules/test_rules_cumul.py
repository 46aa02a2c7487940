"""CUM: indemnities, travel fees and majorations that may not be billed together or in that place."""

from __future__ import annotations

from invoice_factory import UNCERTAIN_FEE, fee, lint, make_invoice, nomenclature_with_uncertain_fee, only, session

HOME = "domicile"


def cum(*fees, on="2026-01-12", place=HOME, number=2):
    """The fee rules' findings (CUM001-CUM005) of one session holding ``fees`` (the uncertain test fee is
    known to the nomenclature). Which act opens which indemnity (CUM006) is test_rules_acts.py's."""
    invoice = make_invoice([session(number, on, place, fees=list(fees))])
    nomenclature = nomenclature_with_uncertain_fee() if any(f["code"] == UNCERTAIN_FEE for f in fees) else None
    return [f for f in only(lint(invoice, nomenclature), "CUM") if f.code <= "CUM005"]


def ifu():
    """A specific indemnity known only from an L source (test data: the shipped data has none)."""
    return fee(UNCERTAIN_FEE, "4.00")


def test_clean_invoice_has_no_cum_finding():
    assert only(lint(make_invoice()), "CUM") == []


def test_clean_home_visits_have_no_cum_finding():
    assert cum(fee("IFD"), fee("IK", quantity=6)) == []
    assert cum(fee("IFS"), fee("IKM", quantity=4)) == []
    assert cum(fee("IFO"), fee("IK", quantity=6), on="2025-12-31") == []
    assert cum(fee("MN"), on="2026-01-12", place="cabinet") == []
    assert cum(fee("MD"), on="2026-01-11") == []


# -- CUM001 specific indemnities together --------------------------------------

def test_two_specific_indemnities_are_an_error():
    [finding] = cum(fee("IFO"), fee("IFR"), on="2025-12-31")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM001", "error", "/sessions/0/fees/1")
    assert "session 2 (2025-12-31)" in finding.message and "IFO and IFR" in finding.message


def test_retired_specific_indemnities_together_are_still_reported():
    # 2026-01-01: IFO/IFR are retired (OBS says so); putting two together is a fault of its own
    [finding] = only(cum(fee("IFO", "4.00"), fee("IFR", "4.00"), on="2026-01-01"), "CUM001")
    assert finding.severity == "error"


def test_three_specific_indemnities_are_one_finding_at_the_second():
    [finding] = cum(fee("IFS"), fee("IK", quantity=2), fee("IFN", "4.00"), fee("IFP", "4.00"))
    assert finding.pointer == "/sessions/0/fees/2"
    assert "IFS, IFN and IFP" in finding.message


def test_specific_indemnity_known_only_from_l_source_makes_a_warning():
    [finding] = cum(fee("IFS"), ifu())
    assert (finding.code, finding.severity) == ("CUM001", "warning")
    assert "IFS and IFU are both" in finding.message
    assert "only a warning, uncertain: IFU:" in finding.message and "confidence L" in finding.message


def test_one_specific_indemnity_is_fine():
    assert cum(fee("IFS")) == []
    assert cum(ifu()) == []


def test_ifv_and_ifk_are_not_physiotherapists_codes():
    # Unknown codes: OBS reports them; CUM judges only codes the nomenclature groups.
    assert cum(fee("IFS"), fee("IFV", "4.00")) == []
    assert cum(fee("IFD"), fee("IFK", "4.00")) == []
    [finding] = only(lint(make_invoice([session(2, "2026-01-12", HOME, fees=[fee("IFK", "4.00")])])), "OBS")
    assert finding.code == "OBS005" and "IFK is not in the physiotherapists' NGAP" in finding.message


# -- CUM002 specific indemnity with IFD ----------------------------------------

def test_specific_indemnity_with_ifd_is_an_error_at_the_ifd():
    [finding] = cum(fee("IFS"), fee("IFD"), fee("IK", quantity=6))
    assert (finding.code, finding.severity, finding.pointer) == ("CUM002", "error", "/sessions/0/fees/1")
    assert "IFD" in finding.message and "IFS" in finding.message and "one or the other" in finding.message


def test_ifd_with_specific_indemnity_before_2026():
    [finding] = cum(fee("IFD"), fee("IFO"), on="2025-12-31")
    assert (finding.code, finding.pointer) == ("CUM002", "/sessions/0/fees/0")


def test_ifd_with_uncertain_specific_indemnity_is_a_warning():
    [finding] = cum(fee("IFD"), ifu())
    assert (finding.code, finding.severity) == ("CUM002", "warning")
    assert "IFU" in finding.message


def test_ifd_or_specific_with_kilometres_is_fine():
    assert cum(fee("IFD"), fee("IK", quantity=12)) == []
    assert cum(fee("IFS"), fee("IKS", quantity=1)) == []


# -- CUM003 the same fee twice --------------------------------------------------

def test_same_fee_twice_is_an_error_at_the_repeat():
    [finding] = cum(fee("IFD"), fee("IK", quantity=6), fee("IFD"))
    assert (finding.code, finding.severity, finding.pointer) == ("CUM003", "error", "/sessions/0/fees/2")
    assert "IFD is billed more than once" in finding.message


def test_kilometres_on_two_lines_are_reported_with_the_fix():
    [finding] = cum(fee("IFD"), fee("IK", quantity=3), fee("IK", quantity=3))
    assert (finding.code, finding.pointer) == ("CUM003", "/sessions/0/fees/2")
    assert "quantity" in finding.message


def test_same_specific_indemnity_twice_is_a_duplicate_not_a_cumulation():
    assert [f.code for f in cum(fee("IFS"), fee("IFS"))] == ["CUM003"]


def test_majoration_twice_is_reported_wherever_the_session_is():
    [finding] = cum(fee("MN"), fee("MN"), place="cabinet")
    assert (finding.code, finding.pointer) == ("CUM003", "/sessions/0/fees/1")


def test_uncertain_fee_twice_is_a_warning():
    [finding] = cum(ifu(), ifu())
    assert (finding.code, finding.severity) == ("CUM003", "warning")


# -- CUM004 travel fee outside the home -------------------------------------------

def test_ifd_at_the_practice_is_an_error():
    [finding] = cum(fee("IFD"), place="cabinet")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM004", "error", "/sessions/0/fees/0")
    assert "'cabinet'" in finding.message and "domicile" in finding.message


def test_every_travel_group_is_only_for_the_home():
    findings = cum(fee("IFS"), fee("IK", quantity=5), place="etablissement")
    assert [(f.code, f.pointer) for f in findings] == [("CUM004", "/sessions/0/fees/0"),
                                                        ("CUM004", "/sessions/0/fees/1")]
    [finding] = cum(fee("IKM", quantity=2), place="telesoin")
    assert finding.code == "CUM004" and "'telesoin'" in finding.message


def test_outside_the_home_only_the_place_is_reported_not_the_cumulation():
    findings = cum(fee("IFS"), fee("IFD"), fee("IFD"), place="cabinet")
    assert [f.code for f in findings] == ["CUM004"] * 3


def test_uncertain_travel_fee_outside_the_home_is_a_warning():
    [finding] = cum(ifu(), place="cabinet")
    assert (finding.code, finding.severity) == ("CUM004", "warning")


def test_flat_fees_and_majorations_are_not_travel_fees():
    assert cum(fee("FAD"), place="cabinet") == []
    assert cum(fee("MD"), place="cabinet", on="2026-01-11") == []


# -- CUM005 night and Sunday --------------------------------------------------------

def test_night_and_sunday_majorations_together_are_an_error_at_the_second():
    [finding] = cum(fee("MN"), fee("MD"), on="2026-01-11", place="cabinet")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM005", "error", "/sessions/0/fees/1")
    assert "MN" in finding.message and "MD" in finding.message and "not both" in finding.message
    [finding] = cum(fee("MD"), fee("IFD"), fee("MN"), on="2026-01-11")
    assert finding.pointer == "/sessions/0/fees/2"


# -- codes OBS owns ----------------------------------------------------------------

def test_unknown_fee_codes_are_left_to_obs():
    assert cum(fee("IFX", "4.00"), place="cabinet") == []
    assert cum(fee("IFX", "4.00"), fee("IFX", "4.00"), fee("IFD")) == []


def test_each_session_is_judged_on_its_own():
    invoice = make_invoice([session(1), session(2, "2026-01-14", HOME, fees=[fee("IFD")]),
                            session(3, "2026-01-16", HOME, fees=[fee("IFS")])])
    assert only(lint(invoice), "CUM") == []


def test_two_certain_specific_indemnities_stay_an_error_beside_an_uncertain_one():
    [finding] = cum(fee("IFO"), ifu(), fee("IFR"), on="2025-12-31")
    assert (finding.code, finding.severity) == ("CUM001", "error")
    assert "IFO, IFU and IFR are all" in finding.message and "only a warning" not in finding.message


def test_certain_specific_indemnity_with_ifd_stays_an_error_beside_an_uncertain_one():
    findings = cum(fee("IFS"), ifu(), fee("IFD"))
    assert [(f.code, f.severity) for f in findings] == [("CUM001", "warning"), ("CUM002", "error")]
