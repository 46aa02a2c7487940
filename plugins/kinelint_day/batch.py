"""The DAY checks across the invoices of a run, in the core's compact ``KeyStore``.

Per practitioner and date, the number of sessions so far as a thermometer
(``(1 << n) - 1``: stores combine values by bitwise or, and the or of two
thermometers is the longer one), which caps the count at 63 (the threshold's
maximum is 62). Per practitioner, date and block of 64 minutes of the day, a
bit a minute taken by a session with a known start and length. Keys are marks
derived from the RPPS's fingerprint (one string hashed an invoice), about 24
bytes each: a practitioner's day costs one key, and 1 to 23 more when the
export gives session times.
"""

from __future__ import annotations

from kinelint.i18n import msg
from kinelint.keystore import KeyStore, fingerprint
from kinelint.rulekit import ruling

from kinelint_day.rules import OVERLAPPING_SESSIONS, TOO_MANY_SESSIONS

_MARKS = (1 << 128) - 1
_DAY_SPREAD = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd (the golden ratio's): days far apart as marks
_BLOCK_SPREAD = 0xC2B2AE3D27D4EB4F165667B19E3779F9  # another odd constant: blocks of minutes of one day
_MINUTES_A_DAY = 24 * 60
_COUNT_CAP = 63


def day_mark(practitioner: int, ordinal: int) -> int:
    return practitioner ^ ((ordinal + 1) * _DAY_SPREAD & _MARKS)


def minutes_mark(day: int, block: int) -> int:
    return day ^ ((block + 1) * _BLOCK_SPREAD & _MARKS)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class DayChecker:
    def __init__(self, threshold) -> None:
        self._threshold = threshold  # a kinelint.nomenclature.thresholds.Threshold
        self._counts = KeyStore()
        self._minutes = KeyStore()
        self._found: list = []

    def keys(self, invoice) -> tuple:
        """The RPPS and per session (index, number, date, start, length): small and picklable."""
        return invoice.rpps, tuple((s.index, s.number, s.date, s.start, s.minutes) for s in invoice.sessions)

    def observe(self, keys: tuple, ref) -> None:
        rpps, sessions = keys
        practitioner = fingerprint(rpps)
        limit = self._threshold.value
        for index, number, on, start, minutes in sessions:
            mark = day_mark(practitioner, on.toordinal())
            before = self._counts.get_mark(mark).bit_length()
            if before < _COUNT_CAP:
                self._counts.merge_mark(mark, (1 << (before + 1)) - 1)
            if before == limit:  # this session is the first past the threshold: one finding a day
                self._found.append((ref, self._too_many(index, number, on, rpps)))
            if start is not None and minutes is not None and self._overlaps(mark, start, minutes):
                self._found.append((ref, self._overlap(index, number, on, start, minutes, rpps)))

    def _overlaps(self, day: int, start: int, minutes: int) -> bool:
        """Take the minutes [start, start + minutes) of the day (cut at midnight); True if one was taken."""
        end, taken = min(start + minutes, _MINUTES_A_DAY), 0
        for block in range(start // 64, (end - 1) // 64 + 1):
            low, high = max(start, block * 64) - block * 64, min(end, block * 64 + 64) - block * 64
            bits = ((1 << high) - 1) ^ ((1 << low) - 1)
            taken |= self._minutes.merge_mark(minutes_mark(day, block), bits) & bits
        return bool(taken)

    def _too_many(self, index, number, on, rpps):
        threshold = self._threshold
        return ruling(TOO_MANY_SESSIONS.code, msg(
            "{where}: practitioner {rpps} bills more than {limit} sessions on {date} over the invoices of this "
            "batch; a session lasts about thirty minutes and is given to one patient: check the day's invoices",
            where=msg("session {number} ({date})", number=number, date=on), rpps=rpps, limit=threshold.value,
            date=on), f"/sessions/{index}/date",
            doubts=[msg("no text sets a number of sessions a day; {limit} is {whose} threshold sessions-per-day",
                        limit=threshold.value,
                        whose=msg("the configuration's") if threshold.configured else msg("kinelint's"))])

    def _overlap(self, index, number, on, start, minutes, rpps):
        return ruling(OVERLAPPING_SESSIONS.code, msg(
            "{where}: from {start} for {minutes} minutes, practitioner {rpps} already has a session at that time on "
            "that date in this batch; sessions of one practitioner do not overlap, save group or parallel care",
            where=msg("session {number} ({date})", number=number, date=on), start=clock(start), minutes=minutes,
            rpps=rpps), f"/sessions/{index}/start_time",
            doubts=[msg("group and parallel care (NGAP Titre XIV chapter III) may overlap, and the invoice does not "
                        "say which it is")])

    def finish(self):
        return self._found
