"""BDK: the bilan diagnostic kinésithérapique, missing, misplaced or mis-coded."""

from __future__ import annotations

import pytest
from invoice_factory import act, bdk, lint, make_invoice, only, session


def bdk_findings(*sessions, prescribed=15, prescription_date="2017-01-02"):
    return only(lint(make_invoice(list(sessions), sessions_prescribed=prescribed,
                                  prescription_date=prescription_date)), "BDK")


def at(number, on="2026-01-12", acts=None, place="cabinet"):
    return session(number, on, place, acts=acts)


RIC = act("RIC", "8.12")
AMS = act("AMS", "7.5")  # an act of the session before 2024-02-22


def test_clean_invoice_has_no_bdk_finding():
    assert only(lint(make_invoice()), "BDK") == []


# -- BDK001 missing initial BDK -------------------------------------------------

def test_first_session_without_bdk_is_an_error():
    [finding] = bdk_findings(at(1, acts=[RIC]))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK001", "error", "/sessions/0/acts")
    assert "session 1 (2026-01-12)" in finding.message and "AMK 10.7" in finding.message
    assert "10.8" in finding.message


def test_initial_bdk_required_from_2018_07_01_not_the_day_before():
    assert bdk_findings(at(1, "2018-06-30", acts=[AMS])) == []
    [finding] = bdk_findings(at(1, "2018-07-01", acts=[AMS]))
    assert finding.code == "BDK001" and "2018-07-01" in finding.message


def test_later_sessions_need_no_bdk():
    assert bdk_findings(at(2, acts=[RIC]), at(3, "2026-01-14", acts=[RIC])) == []


def test_unflagged_bilan_is_named_in_the_hint():
    [finding] = bdk_findings(at(1, acts=[act("AMK", "10.7"), RIC]))
    assert finding.code == "BDK001" and '"bdk": true' in finding.message and "AMK 10.7 the bilan" in finding.message


def test_first_session_in_telecare_without_bdk_is_one_finding():
    [finding] = bdk_findings(at(1, acts=[RIC], place="telesoin"))
    assert finding.code == "BDK001" and "telecare" in finding.message


# -- BDK002 wrong BDK coding -------------------------------------------------------

def test_old_coefficient_on_the_day_of_the_change():
    [finding] = bdk_findings(at(1, "2018-07-01", acts=[bdk("8.1"), AMS]))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK002", "error", "/sessions/0/acts/0")
    assert "AMK 8.1" in finding.message and "10.7 since 2018-07-01" in finding.message


def test_new_coefficient_the_day_before_the_change():
    [finding] = bdk_findings(at(1, "2018-06-30", acts=[bdk("10.7"), AMS]))
    assert finding.code == "BDK002" and "8.1 until 2018-06-30" in finding.message


@pytest.mark.parametrize("on, coefficient", [("2018-06-30", "8.1"), ("2018-06-30", "10.1"),
                                             ("2018-07-01", "10.7"), ("2018-07-01", "10.8"),
                                             ("2026-01-12", "10.7"), ("2026-01-12", "10.8")])
def test_right_bdk_of_the_date(on, coefficient):
    other = AMS if on < "2024" else RIC
    assert bdk_findings(at(1, on, acts=[bdk(coefficient), other])) == []


def test_bdk_coefficient_a_cent_off():
    [finding] = bdk_findings(at(1, acts=[bdk("10.71"), RIC]))
    assert finding.code == "BDK002" and "AMK 10.71" in finding.message


def test_bdk_on_a_letter_that_is_not_a_bdk_letter():
    [finding] = bdk_findings(at(1, acts=[act("RIC", "10.7", bdk=True), act("RIC", "8.12")]))
    assert finding.code == "BDK002" and "AMK 10.7" in finding.message


def test_bdk_on_ams_while_ams_is_in_force():
    assert bdk_findings(at(1, "2024-02-21", acts=[act("AMS", "10.7", bdk=True), AMS])) == []


def test_bdk_on_a_retired_letter_is_left_to_obs():
    acts = [act("AMS", "10.7", amount="23.01", bdk=True), RIC]
    assert bdk_findings(at(1, "2024-02-22", acts=acts)) == []
    acts = [act("AMS", "8.1", amount="17.42", bdk=True), RIC]
    assert bdk_findings(at(1, "2025-03-03", acts=acts)) == []


# -- BDK003 off schedule -------------------------------------------------------------

@pytest.mark.parametrize("number", [1, 30, 50, 70, 130])
def test_general_bdk_at_bilan_points(number):
    assert bdk_findings(at(number, acts=[bdk(), RIC])) == []


@pytest.mark.parametrize("number", [2, 12, 29, 49])
def test_general_bdk_off_schedule_is_an_error(number):
    [finding] = bdk_findings(at(number, acts=[bdk(), RIC]))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK003", "error", "/sessions/0/acts/0")
    assert f"session {number}," in finding.message and "then 30, then every 20" in finding.message


def test_nearest_bilan_points_are_named():
    [finding] = bdk_findings(at(12, acts=[bdk(), RIC]))
    assert "session 1 and session 30" in finding.message
    [finding] = bdk_findings(at(60, acts=[bdk(), RIC]))
    assert "session 50 and session 70" in finding.message


@pytest.mark.parametrize("number", [31, 51])
def test_session_after_a_renewal_point_is_only_a_warning(number):
    [finding] = bdk_findings(at(number, acts=[bdk(), RIC]))
    assert (finding.code, finding.severity) == ("BDK003", "warning")
    assert f"at the {number - 1}th session" in finding.message


@pytest.mark.parametrize("number", [1, 60, 110, 160])
def test_neurological_bdk_at_bilan_points(number):
    assert bdk_findings(at(number, acts=[bdk("10.8"), RIC])) == []


@pytest.mark.parametrize("number", [30, 50, 100])
def test_neurological_bdk_off_schedule_is_an_error(number):
    # The NGAP of 21/06/2026 prints the neurological schedule (60th, then every 50): H.
    [finding] = bdk_findings(at(number, acts=[bdk("10.8"), RIC]))
    assert (finding.code, finding.severity) == ("BDK003", "error")
    assert "neurological" in finding.message and "then 60, then every 50" in finding.message


def test_neurological_bdk_the_session_after_a_renewal_point_is_a_warning():
    [finding] = bdk_findings(at(61, acts=[bdk("10.8"), RIC]))
    assert (finding.code, finding.severity) == ("BDK003", "warning") and "at the 60th session" in finding.message


@pytest.mark.parametrize("general, neurological", [(1, 1), (21, 51), (41, 101)])
def test_renewal_points_before_2018_follow_the_2003_arrete(general, neurological):
    assert bdk_findings(at(general, "2018-06-30", acts=[bdk("8.1"), AMS])) == []
    assert bdk_findings(at(neurological, "2018-06-30", acts=[bdk("10.1"), AMS])) == []


@pytest.mark.parametrize("number", [5, 20])
def test_off_schedule_before_2018_is_a_warning_that_says_how_the_text_is_read(number):
    [finding] = bdk_findings(at(number, "2018-06-30", acts=[bdk("8.1"), AMS]))
    assert (finding.code, finding.severity) == ("BDK003", "warning")
    assert "then 21, then every 20" in finding.message
    assert "arrêté of 13 Oct 2003" in finding.message and "sessions 21, 41" in finding.message


# -- isolated bilans (chapter I section 1) are not treatments: no BDK ------------------

@pytest.mark.parametrize("coefficient", ["5", "8.5", "10", "20"])
def test_isolated_bilan_at_session_1_needs_no_bdk(coefficient):
    assert bdk_findings(at(1, acts=[act("AMK", coefficient)])) == []
    assert bdk_findings(at(1, "2024-02-22", acts=[act("AMK", coefficient)])) == []


@pytest.mark.parametrize("letter", ["AMK", "AMC"])
def test_isolated_bilan_before_2024_needs_no_bdk(letter):
    assert bdk_findings(at(1, "2023-05-02", acts=[act(letter, "8.5")]), prescription_date="2023-05-01") == []


def test_a_treatment_beside_an_isolated_bilan_still_needs_the_bdk():
    [finding] = bdk_findings(at(1, acts=[act("AMK", "5"), RIC]))
    assert finding.code == "BDK001"


def test_a_balneotherapy_supplement_alone_is_no_isolated_bilan():
    [finding] = bdk_findings(at(1, acts=[act("AMK", "2.5")]))
    assert finding.code == "BDK001"


def test_bdk_wrongly_coded_names_the_act_billed():
    [finding] = bdk_findings(at(1, acts=[bdk("10"), RIC]))
    assert finding.code == "BDK002"
    assert "AMK 10 (isolated bilan: osteoarticular of the whole body, or muscular of two limbs) is marked as the BDK" \
        in finding.message


# -- BDK004 two BDK in one session ---------------------------------------------------

def test_two_bdk_in_one_session():
    [finding] = bdk_findings(at(1, acts=[bdk(), bdk(), RIC]))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK004", "error", "/sessions/0/acts/1")
    assert "second" in finding.message


def test_two_bdk_off_schedule_report_the_schedule_once():
    assert sorted(f.code for f in bdk_findings(at(12, acts=[bdk(), bdk(), RIC]))) == ["BDK003", "BDK004"]


# -- BDK005 BDK alone -----------------------------------------------------------------

def test_bdk_alone_is_a_warning():
    [finding] = bdk_findings(at(1, acts=[bdk()]))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK005", "warning", "/sessions/0/acts/0")
    assert "in addition to the act of the session" in finding.message


def test_bdk_with_a_balneotherapy_supplement_is_not_alone():
    assert bdk_findings(at(1, acts=[bdk(), act("AMK", "2.5")])) == []


# -- BDK006 initial BDK in telecare ---------------------------------------------------

def test_initial_bdk_in_telecare_is_an_error_at_the_place():
    [finding] = bdk_findings(at(1, acts=[bdk(), RIC], place="telesoin"))
    assert (finding.code, finding.severity, finding.pointer) == ("BDK006", "error", "/sessions/0/place")
    assert "in person" in finding.message


@pytest.mark.parametrize("place", ["cabinet", "domicile", "etablissement"])
def test_initial_bdk_in_person_is_fine(place):
    assert bdk_findings(at(1, acts=[bdk(), RIC], place=place)) == []


def test_renewal_bdk_may_be_telecare():
    assert bdk_findings(at(30, acts=[bdk(), RIC], place="telesoin")) == []


# -- BDK007 short series before 2018-07-01 -----------------------------------------------

def test_bdk_for_a_short_series_before_2018_07_01():
    [finding] = bdk_findings(at(1, "2018-06-30", acts=[bdk("8.1"), AMS]), prescribed=9)
    assert (finding.code, finding.severity, finding.pointer) == ("BDK007", "error", "/sessions/0/acts/0")
    assert "9 session" in finding.message and "10 sessions or more" in finding.message


@pytest.mark.parametrize("prescribed", [10, 11, None])
def test_bdk_for_a_long_or_unknown_series_before_2018_07_01(prescribed):
    assert bdk_findings(at(1, "2018-06-30", acts=[bdk("8.1"), AMS]), prescribed=prescribed) == []


def test_short_series_is_fine_from_2018_07_01():
    assert bdk_findings(at(1, "2018-07-01", acts=[bdk("10.7"), AMS]), prescribed=9) == []


def test_each_session_is_judged_on_its_own_date():
    sessions = [at(1, "2018-06-30", acts=[bdk("8.1"), AMS]), at(30, "2018-07-01", acts=[bdk("10.7"), AMS])]
    assert bdk_findings(*sessions) == []
