"""The CUM checks, one session at a time, on its date of care.

Fee codes are sorted by the nomenclature's groups, never by a list of our
own: a new indemnity is a data change. A code the nomenclature does not know
(no group) is OBS's finding, so every check here passes over it.
"""

from __future__ import annotations

from collections.abc import Iterator

from kinelint.findings import Violation
from kinelint.i18n import all_of, msg
from kinelint.rulekit import ruling, session_label

TRAVEL_GROUPS = ("travel", "specific", "km")


def check_invoice(invoice, nomenclature) -> Iterator[Violation]:
    for session in invoice.sessions:
        yield from check_session(session, nomenclature)


def check_session(session, nomenclature) -> Iterator[Violation]:
    if len(session.fees) < (2 if session.at_home else 1):
        return  # every rule below needs two fees together, or a travel fee away from home
    fees = [(fee, group) for fee in session.fees if (group := nomenclature.fee_group(fee.code)) is not None]
    judge = _Judge(session, nomenclature)
    yield from judge.travel_outside_home(fees)
    yield from judge.duplicates(fees)
    if session.at_home:  # elsewhere every travel fee is already wrong on its own (CUM004)
        yield from judge.specific_together(fees)
        yield from judge.specific_with_ifd(fees)
    yield from judge.night_and_sunday(fees)


class _Judge:
    """The checks of one session; knows its date and how to word a finding."""

    def __init__(self, session, nomenclature) -> None:
        self.session = session
        self.nomenclature = nomenclature

    @property
    def where(self) -> str:
        """Worded only when a finding is (most sessions have none)."""
        return session_label(self.session)

    def travel_outside_home(self, fees) -> Iterator[Violation]:
        if self.session.at_home:
            return
        for fee, group in fees:
            if group in TRAVEL_GROUPS:
                yield self._violation(
                    "CUM004",
                    msg("{where}: {code} is a travel fee but the session's place is '{place}'; travel indemnities "
                        "and kilometres are only due for care at the patient's home (place 'domicile'): remove "
                        "{code} or correct the place", where=self.where, code=fee.code, place=self.session.place),
                    fee.pointer, self._uncertain([fee.code]))

    def duplicates(self, fees) -> Iterator[Violation]:
        seen: set[str] = set()
        for fee, group in fees:
            if fee.code not in seen:
                seen.add(fee.code)
                continue
            if group in TRAVEL_GROUPS and not self.session.at_home:
                continue  # already reported as a travel fee outside the home
            per_km = self.nomenclature.is_per_km(fee.code)
            what = (msg("bill the kilometres as one line whose quantity is the distance")
                    if per_km else msg("bill {code} once per session", code=fee.code))
            # A flat fee billed again is billed in full too much; repeated kilometres may be a split distance.
            yield self._violation(
                "CUM003", msg("{where}: {code} is billed more than once; {what}", where=self.where, code=fee.code,
                              what=what), fee.pointer,
                self._uncertain([fee.code]), money=None if per_km else fee.amount)

    def specific_together(self, fees) -> Iterator[Violation]:
        first_of_code: dict[str, object] = {}
        for fee, group in fees:
            if group == "specific":
                first_of_code.setdefault(fee.code, fee)
        if len(first_of_code) < 2:
            return
        codes = list(first_of_code)
        doubtful = self._uncertain(codes)  # two certain ones are enough for an error
        message = (msg("{where}: {codes} are both specific indemnities; a visit earns one specific indemnity at "
                       "most: keep one of them", where=self.where, codes=all_of(codes)) if len(codes) == 2 else
                   msg("{where}: {codes} are all specific indemnities; a visit earns one specific indemnity at "
                       "most: keep one of them", where=self.where, codes=all_of(codes)))
        yield self._violation(
            "CUM001", message,
            first_of_code[codes[1]].pointer, doubtful if len(codes) - len(doubtful) < 2 else [])

    def specific_with_ifd(self, fees) -> Iterator[Violation]:
        specific = _unique(fee.code for fee, group in fees if group == "specific")
        flat = [fee for fee, group in fees if group == "travel"]
        if not specific or not flat:
            return
        travel = flat[0]
        kind = msg("a specific indemnity") if len(specific) == 1 else msg("specific indemnities")
        # one certain specific indemnity with a certain IFD is enough for an error
        certain = len(self._uncertain(specific)) < len(specific) and not self._uncertain([travel.code])
        yield self._violation(
            "CUM002",
            msg("{where}: {code} is billed with {kind} ({specific}); the specific indemnity is paid instead of "
                "{code}, not on top of it: bill one or the other (kilometres may be added to either)",
                where=self.where, code=travel.code, kind=kind, specific=all_of(specific)),
            travel.pointer, [] if certain else self._uncertain([travel.code, *specific]))

    def night_and_sunday(self, fees) -> Iterator[Violation]:
        night = [fee for fee, group in fees if group == "night"]
        sunday = [fee for fee, group in fees if group == "sunday"]
        if not night or not sunday:
            return
        later = max(night[0], sunday[0], key=lambda fee: fee.index)
        yield self._violation(
            "CUM005",
            msg("{where}: the night majoration {night} and the Sunday/holiday majoration {sunday} are both "
                "billed; urgent care earns one majoration: bill {night} or {sunday}, not both", where=self.where,
                night=night[0].code, sunday=sunday[0].code),
            later.pointer, self._uncertain([night[0].code, sunday[0].code]))

    def _uncertain(self, fee_codes) -> list[str]:
        """The codes among ``fee_codes`` whose facts on the session's date are uncertain."""
        return [fee_code for fee_code in _unique(fee_codes)
                if (fact := self._fact(fee_code)) is not None and fact.uncertain]

    def _fact(self, fee_code: str):
        return self.nomenclature.fee_status(fee_code, self.session.date).fact

    def _violation(self, code: str, message: str, pointer: str, doubtful: list[str], money=None) -> Violation:
        """A finding that rests on uncertain fee facts (``doubtful``) is a warning that says why."""
        return ruling(code, message, pointer, doubts=[msg("{code}: {reason}", code=c, reason=self._fact(c).why_uncertain())
                                                      for c in doubtful], money=money)


def _unique(items) -> list:
    return list(dict.fromkeys(items))
