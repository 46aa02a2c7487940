"""CUM006-CUM010: acts billed together, and the act that opens a specific indemnity.

The act facts asserted here come from the primary text (NGAP Titre XIV, version of 21/06/2026) and the
ameli.fr scope of the specific indemnities for 2024-02-22 to 2025-12-31 (ngap-kine.md §4), restated, not
read from the nomenclature data.
"""

from __future__ import annotations

import pytest

from invoice_factory import act, bdk, fee, lint, make_invoice, only, session

HOME = "domicile"


def found(acts, fees=(), on="2026-01-12", place=HOME, number=2, territory="metropole", family="CUM"):
    invoice = make_invoice([session(number, on, place, acts=list(acts), fees=list(fees), territory=territory)],
                           territory=territory, prescription_date="2023-01-02", sessions_prescribed=None)
    return only(lint(invoice), family)


def codes(acts, fees=(), **where):
    return sorted(f.code for f in found(acts, fees, **where))


# -- CUM006: a specific indemnity with no act that opens it ---------------------------------

# (date, act, indemnity): correct pairs, no finding
OPENED = [
    ("2025-06-03", ("TER", "9.49"), "IFO"),          # art. 1-D
    ("2025-12-31", ("TER", "9.51"), "IFO"),
    ("2025-06-03", ("NMI", "8"), "IFR"),             # art. 2
    ("2025-06-03", ("NMI", "9.01"), "IFR"),
    ("2025-06-03", ("NMI", "9"), "IFN"),             # art. 4
    ("2025-06-03", ("TER", "16"), "IFN"),
    ("2025-06-03", ("ARL", "8.5"), "IFP"),           # art. 5, non-urgent
    ("2025-06-03", ("ARL", "10"), "IFP"),
    ("2025-06-03", ("RIC", "7.52"), "IFS"),          # IFS « de sortie », the discharge is not on the invoice
    ("2024-02-22", ("TER", "9.49"), "IFO"),
    ("2026-01-01", ("TER", "9.49"), "IFS"),          # from 2026: the single IFS
    ("2026-01-12", ("NMI", "8"), "IFS"),
    ("2026-01-12", ("NMI", "9"), "IFS"),
    ("2026-01-12", ("TER", "16"), "IFS"),
    ("2026-01-12", ("ARL", "8.5"), "IFS"),
    ("2026-01-12", ("ARL", "10"), "IFS"),
    ("2026-01-12", ("RPE", "8.5"), "IFS"),           # art. 9, new in 2026
    ("2026-01-12", ("RIC", "8.12"), "IFS"),          # art. 1 from a hospital discharge: accepted
    ("2026-06-01", ("TER", "9.79"), "IFS"),
]

# (date, act, indemnity, what the message says the act opens instead)
MISATTACHED = [
    ("2025-06-03", ("RIC", "7.52"), "IFO", "IFS"),
    ("2025-06-03", ("TER", "9.49"), "IFR", "IFO"),
    ("2025-06-03", ("NMI", "9"), "IFR", "IFN"),
    ("2025-06-03", ("NMI", "8"), "IFN", "IFR"),
    ("2025-06-03", ("ARL", "8.49"), "IFP", "IFD only"),   # urgent airway clearance
    ("2025-06-03", ("ARL", "8.51"), "IFP", "IFD only"),
    ("2025-06-03", ("RPE", "8.5"), "IFS", "IFD only"),    # art. 9 opens IFS only from 2026-01-01
    ("2025-12-31", ("NMI", "9"), "IFS", "IFN"),
    ("2026-01-12", ("RAB", "8.01"), "IFS", "IFD only"),
    ("2026-01-12", ("RAB", "8.5"), "IFS", "IFD only"),
    ("2026-01-12", ("RAV", "8"), "IFS", "IFD only"),
    ("2026-01-12", ("RAV", "15.5"), "IFS", "IFD only"),
    ("2026-01-12", ("PLL", "12"), "IFS", "IFD only"),
    ("2026-01-12", ("ARL", "8.49"), "IFS", "IFD only"),
    ("2026-01-12", ("ARL", "28"), "IFS", "IFD only"),
    ("2026-01-12", ("ARL", "8"), "IFS", "IFD only"),      # art. 6
    ("2026-01-12", ("RPB", "9"), "IFS", "IFD only"),
]


@pytest.mark.parametrize("on, billed, indemnity", OPENED)
@pytest.mark.parametrize("territory", ["metropole", "dom"])
def test_an_indemnity_with_an_act_that_opens_it_passes(on, billed, indemnity, territory):
    assert codes([act(*billed)], [fee(indemnity)], on=on, territory=territory) == []


@pytest.mark.parametrize("on, billed, indemnity, instead", MISATTACHED)
@pytest.mark.parametrize("territory", ["metropole", "dom"])
def test_an_indemnity_no_act_opens_is_an_error(on, billed, indemnity, instead, territory):
    [finding] = found([act(*billed)], [fee(indemnity)], on=on, territory=territory)
    assert (finding.code, finding.severity, finding.pointer) == ("CUM006", "error", "/sessions/0/fees/0")
    letter, coefficient = billed
    assert f"session 2 ({on}): {indemnity} is billed but no act of this session opens it" in finding.message
    assert f"{letter} {coefficient} (" in finding.message  # the act, named with its label
    assert f"opens {instead}" in finding.message or (instead == "IFD only" and "(IFD only)" in finding.message)


def test_the_2026_boundary():
    # RPE 8.5 opens IFS from 2026-01-01 only; NMI 9 opened IFN until 2025-12-31, IFS from 2026-01-01
    assert codes([act("RPE", "8.5")], [fee("IFS")], on="2025-12-31") == ["CUM006"]
    assert codes([act("RPE", "8.5")], [fee("IFS")], on="2026-01-01") == []
    assert codes([act("NMI", "9")], [fee("IFN")], on="2025-12-31") == []
    assert codes([act("NMI", "9")], [fee("IFS")], on="2026-01-01") == []


def test_a_retired_indemnity_is_obs_only():
    # IFO in 2026 is OBS003 (retired, replaced by IFS): CUM006 does not repeat it
    assert codes([act("TER", "9.49")], [fee("IFO", "4.00")], on="2026-01-12", family="") == ["OBS003"]


def test_away_from_home_only_cum004():
    assert codes([act("RAB", "8.5")], [fee("IFS")], place="cabinet") == ["CUM004"]


def test_an_act_kinelint_cannot_identify_says_nothing_about_the_indemnity():
    # RIC 9 is no act: COE reports it; whether it opened IFO is not guessed
    assert codes([act("RIC", "9")], [fee("IFO")], on="2025-06-03") == []


def test_any_act_of_the_session_may_open_it():
    # the BDK opens nothing, the session's act does
    assert codes([bdk(), act("NMI", "9")], [fee("IFS")], number=1) == []
    [finding] = found([bdk(), act("RAB", "8.5")], [fee("IFS")], number=1)
    assert finding.code == "CUM006" and "RAB 8.5 (" in finding.message and "AMK 10.7" not in finding.message


def test_an_uncertain_indemnity_no_act_opens_is_a_warning():
    from invoice_factory import UNCERTAIN_FEE, nomenclature_with_uncertain_fee

    invoice = make_invoice([session(2, "2026-01-12", HOME, acts=[act("RIC", "8.12")],
                                    fees=[fee(UNCERTAIN_FEE, "4.00")])])
    [finding] = only(lint(invoice, nomenclature_with_uncertain_fee()), "CUM006")
    assert finding.severity == "warning" and "only a warning, uncertain" in finding.message


def test_with_ik_and_once_per_code():
    assert codes([act("RAB", "8.5")], [fee("IFS"), fee("IK", quantity=5)]) == ["CUM006"]
    assert codes([act("RAB", "8.5")], [fee("IFS"), fee("IFS")]) == ["CUM003", "CUM006"]


# -- CUM007: two rehabilitation acts in one session -------------------------------------------

def test_two_rehabilitation_acts_in_one_session():
    [finding] = found([act("RIC", "8.12"), act("RAM", "8.09")], place="cabinet")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM007", "error", "/sessions/0/acts/1")
    assert "RIC 8.12 (" in finding.message and "RAM 8.09 (" in finding.message and "TER" in finding.message


def test_the_same_act_twice_is_two_codings():
    assert codes([act("RIC", "8.12"), act("RIC", "8.12")], place="cabinet") == ["CUM007"]


def test_bdk_and_supplements_go_with_the_act():
    assert codes([bdk(), act("RIC", "8.12")], place="cabinet", number=1) == []
    assert codes([act("RIC", "8.12"), act("AMK", "2.5")], place="cabinet") == []
    assert codes([act("RIC", "8.12"), act("AMK", "3.5")], place="cabinet") == []
    assert codes([act("RIC", "7.52"), act("AMK", "1.2")], place="cabinet", on="2025-12-31") == []
    assert codes([act("RAV", "8"), act("RAV", "1")], place="cabinet") == []
    assert codes([act("RAV", "9"), act("RAV", "2")], place="cabinet") == []
    assert codes([bdk(), act("RIC", "8.12"), act("AMK", "2.5")], place="cabinet", number=1) == []


# -- CUM008: a supplement with no act to supplement -----------------------------------------

def test_balneotherapy_alone():
    [finding] = found([act("AMK", "2.5")], place="cabinet")
    assert (finding.code, finding.pointer) == ("CUM008", "/sessions/0/acts/0")
    assert "AMK 2.5 (" in finding.message and "supplement" in finding.message


def test_balneotherapy_values_change_on_2026_01_01():
    assert codes([act("AMK", "1.2")], place="cabinet", on="2025-12-31") == ["CUM008"]
    assert codes([act("AMK", "2.5")], place="cabinet", on="2026-01-01") == ["CUM008"]


def test_balneotherapy_with_only_a_bdk():
    assert codes([bdk(), act("AMK", "2.5")], place="cabinet", number=1) == ["CUM008"]


def test_bandage_alone_or_with_another_article():
    assert codes([act("RAV", "1")], place="cabinet") == ["CUM008"]
    [finding] = found([act("RIC", "8.12"), act("RAV", "2")], place="cabinet")
    assert (finding.code, finding.pointer) == ("CUM008", "/sessions/0/acts/1")


def test_a_supplement_beside_an_unknown_act_is_not_judged():
    assert codes([act("RIC", "9"), act("AMK", "2.5")], place="cabinet") == []


# -- CUM009: a bandage supplement with RAV 15.5 ----------------------------------------------

def test_bandage_with_rav_15_5():
    [finding] = found([act("RAV", "15.5"), act("RAV", "1")], place="cabinet")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM009", "error", "/sessions/0/acts/1")
    assert "RAV 15.5 (" in finding.message and "RAV 1 (" in finding.message and "bandage" in finding.message
    assert codes([act("RAV", "15.5"), act("RAV", "2")], place="cabinet") == ["CUM009"]
    assert codes([act("RAV", "15.5")], place="cabinet") == []


# -- CUM010: an isolated bilan with a rehabilitation act --------------------------------------

@pytest.mark.parametrize("coefficient", ["5", "8.5", "10", "20"])
def test_an_isolated_bilan_alone_is_fine(coefficient):
    invoice = make_invoice([session(1, "2026-01-12", acts=[act("AMK", coefficient)])])
    assert only(lint(invoice), "CUM") == [] and only(lint(invoice), "BDK") == []


def test_an_isolated_bilan_in_a_treatment_session():
    [finding] = found([act("AMK", "8.5"), act("RIC", "8.12")], place="cabinet")
    assert (finding.code, finding.severity, finding.pointer) == ("CUM010", "error", "/sessions/0/acts/0")
    assert "AMK 8.5 (" in finding.message and "RIC 8.12 (" in finding.message and "in this session" in finding.message


def test_an_isolated_bilan_on_an_invoice_that_bills_a_treatment():
    invoice = make_invoice([session(1, "2026-01-12", acts=[act("AMK", "10")]),
                            session(2, "2026-01-14", acts=[act("RIC", "8.12")])])
    [finding] = only(lint(invoice), "CUM")
    assert (finding.code, finding.pointer) == ("CUM010", "/sessions/0/acts/0")
    assert "in session 2 (2026-01-14)" in finding.message


def test_an_isolated_bilan_with_a_supplement_only_is_cum008_not_cum010():
    assert codes([act("AMK", "5"), act("AMK", "2.5")], place="cabinet") == ["CUM008"]


# -- CUM006 before 2024-02-22: the old table, where the texts say something ----------------------

def test_before_2024_the_old_acts_open_their_indemnities():
    old = dict(on="2023-06-01")
    assert codes([act("AMS", "9.5")], [fee("IFO")], **old) == []      # several limbs
    assert codes([act("AMK", "7")], [fee("IFR")], **old) == []        # inflammatory rheumatism
    assert codes([act("AMS", "7.5")], [fee("IFS")], **old) == []      # one limb: IFS de sortie
    assert codes([act("AMS", "9.5")], [fee("IFR")], **old) == ["CUM006"]
    assert codes([act("AMS", "7.5")], [fee("IFO")], **old) == ["CUM006"]


def test_before_2024_an_ambiguous_coefficient_accepts_either_reading():
    # AMK 8 was both a neurological (IFN) and a respiratory (IFP) act
    assert codes([act("AMK", "8")], [fee("IFN")], on="2023-06-01") == []
    assert codes([act("AMK", "8")], [fee("IFP")], on="2023-06-01") == []


def test_before_2024_an_act_of_the_old_table_not_retrieved_says_nothing():
    assert codes([act("AMK", "12")], [fee("IFO")], on="2023-06-01") == []


def test_the_2024_02_22_boundary():
    assert codes([act("AMS", "9.5")], [fee("IFO")], on="2024-02-21") == []
    assert codes([act("TER", "9.49")], [fee("IFO")], on="2024-02-22") == []
    assert codes([act("TER", "9.49")], [fee("IFR")], on="2024-02-22") == ["CUM006"]
