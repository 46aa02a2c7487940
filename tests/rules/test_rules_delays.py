"""LAT: an invoice issued past the eight working days (jours ouvrés) within which its feuille de soins
électronique must be sent with tiers payant (CSS art. R161-47, I, 1°; kinelint/nomenclature/data/delays.toml)."""

from __future__ import annotations

from datetime import date

import pytest
from invoice_factory import lint, make_invoice, only, session

from kinelint.nomenclature.delays import easter, is_working_day, public_holidays, working_days_after


def late(last, issued_on):
    return only(lint(make_invoice([session(2, "2026-02-27"), session(3, last)], issued_on=issued_on)), "LAT")


def test_the_eighth_working_day_passes_and_the_ninth_is_a_warning_that_says_why():
    assert late("2026-03-02", "2026-03-12") == []  # a Monday; Thursday of the next week is the eighth
    [finding] = late("2026-03-02", "2026-03-13")
    assert (finding.code, finding.severity, finding.pointer) == ("LAT001", "warning", "/issued_on")
    assert "issued on 2026-03-13, after 2026-03-12, the last of the 8 working days after the last session " \
           "(2026-03-02)" in finding.message
    assert "only a warning, uncertain" in finding.message and "R161-42" in finding.message


def test_public_holidays_and_week_ends_are_not_working_days():
    # 2026-04-30 (a Thursday): 1 May and 8 May are Fridays, Ascension is Thursday 14 May
    assert late("2026-04-30", "2026-05-15") == []
    assert [f.code for f in late("2026-04-30", "2026-05-18")] == ["LAT001"]


def test_issued_the_same_day_or_before_the_last_session_is_not_this_rules_business():
    assert late("2026-03-02", "2026-03-02") == []
    assert late("2026-03-02", "2026-02-27") == []  # CON's (issued before the care)


@pytest.mark.parametrize("year, sunday", [(2000, date(2000, 4, 23)), (2019, date(2019, 4, 21)),
                                          (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                          (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25))])
def test_easter(year, sunday):
    assert easter(year) == sunday


def test_the_holidays_of_the_code_du_travail():
    holidays = public_holidays(2026)
    assert len(holidays) == 11
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14)} <= holidays
    assert not is_working_day(date(2026, 3, 7)) and is_working_day(date(2026, 3, 6))


def test_working_days_after_stops_at_the_end_of_the_calendar():
    assert working_days_after(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert working_days_after(date(9999, 12, 30), 8) is None
