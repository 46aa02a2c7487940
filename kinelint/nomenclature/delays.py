"""Delays after the care (``data/delays.toml``) and the working days they are counted in.

A delay in jours ouvrés skips Saturdays, Sundays and the public holidays of the
Code du travail, art. L3133-1 (1 January, Easter Monday, 1 May, 8 May, Ascension,
Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December). The
local holidays of Alsace-Moselle and the overseas departments are not counted
out, so a delay there may look one or two days longer than it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from .records import Fact
from .windows import load_windows, window_on

DATA_FILE = Path(__file__).parent / "data" / "delays.toml"
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TransmissionDelay:
    first: date
    last: date | None
    working_days_direct: int
    working_days_waived: int
    fact: Fact


@lru_cache(maxsize=1)
def transmission_windows() -> tuple[TransmissionDelay, ...]:
    return load_windows(DATA_FILE, lambda raw, first, last, fact: TransmissionDelay(
        first, last, raw["working_days_direct"], raw["working_days_waived"], fact))


def transmission_delay_on(on: date) -> TransmissionDelay | None:
    """The transmission delay in force for care given on ``on``; None before the text."""
    return window_on(transmission_windows(), on)


def easter(year: int) -> date:
    """Easter Sunday of ``year`` (the Gregorian computus, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """The public holidays (jours fériés) of Code du travail art. L3133-1 in ``year``."""
    sunday = easter(year)
    movable = (sunday + timedelta(days=1), sunday + timedelta(days=39), sunday + timedelta(days=50))
    return frozenset([date(year, month, day) for month, day in _FIXED_HOLIDAYS] + list(movable))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_after(start: date, count: int) -> date | None:
    """The ``count``-th working day after ``start`` (the last day of a delay of ``count`` jours ouvrés
    running from ``start``); None past the calendar's end."""
    day = start
    try:
        while count > 0:
            day += _DAY
            if is_working_day(day):
                count -= 1
    except OverflowError:
        return None
    return day
