"""The BDK checks, one session at a time, against the BDK rule in force on its date of care.

Only acts flagged ``"bdk": true`` are judged (and, at session 1, the absence
of one). An act whose letter is not in force on that date is OBS's finding:
its coefficient and place in the schedule are not judged here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from kinelint.findings import Violation
from kinelint.rulekit import act_name, plain_number, ruling, session_label

ONE_DAY = timedelta(days=1)

KIND_WORDS = {"general": "general", "neurological": "neurological and muscular affections"}


def check_invoice(invoice, nomenclature) -> Iterator[Violation]:
    for session in invoice.sessions:
        if session.number != 1 and not any(act.bdk for act in session.acts):
            continue  # no bilan billed, none due: most sessions, nothing to judge
        rule = nomenclature.bdk_rule(session.date)
        if rule is not None:
            yield from _SessionCheck(invoice, session, rule, nomenclature).run()


class _SessionCheck:
    def __init__(self, invoice, session, rule, nomenclature) -> None:
        self.invoice = invoice
        self.session = session
        self.rule = rule
        self.nomenclature = nomenclature
        self.bdks = [act for act in session.acts if act.bdk]

    @property
    def where(self) -> str:
        """Worded only when a finding is (most sessions have none)."""
        return session_label(self.session)

    def run(self) -> Iterator[Violation]:
        yield from self.missing_initial()
        yield from self.telecare_initial()
        yield from self.duplicates()
        yield from self.without_session_act()
        judged = [act for act in self.bdks
                  if self.nomenclature.letter_status(act.letter, self.session.date).state == "in_force"]
        valid = []
        for act in judged:
            kind = self.rule.kind_of(act.coefficient) if act.letter in self.rule.letters else None
            if kind is None:
                yield self.wrong_coding(act)
            else:
                valid.append((act, kind))
        if judged and self.short_series():
            yield self._violation("BDK007", self._short_series_message(judged[0]), judged[0].pointer)
        elif valid:
            yield from self.off_schedule(*valid[0])

    # -- the rules ------------------------------------------------------------

    def missing_initial(self) -> Iterator[Violation]:
        if self.session.number != 1 or self.bdks or not self.rule.required_at_first_session:
            return
        if self._only_isolated_bilans():
            return  # an isolated bilan (chapter I section 1) is not a treatment: no BDK is due
        message = (f"{self.where}: the first session of a prescription carries the initial bilan (BDK) and none "
                   f"is billed; add {self._right_bdk()} with \"bdk\": true")
        unflagged = [act for act in self.session.acts
                     if act.letter in self.rule.letters and self.rule.kind_of(act.coefficient) is not None]
        if unflagged:
            message += f" (is {unflagged[0].letter} {unflagged[0].coefficient} the bilan without \"bdk\": true?)"
        if self._telecare_forbidden():
            message += "; that session cannot be telecare"
        yield self._violation("BDK001", message, self.session.pointer + "/acts")

    def telecare_initial(self) -> Iterator[Violation]:
        if self.bdks and self._telecare_forbidden():
            yield self._violation(
                "BDK006",
                f"{self.where}: the first session, with the initial BDK, is billed as telecare; it must be "
                f"done in person (place 'cabinet', 'domicile' or 'etablissement'), later sessions may be telecare",
                self.session.pointer + "/place")

    def duplicates(self) -> Iterator[Violation]:
        first = self.bdks[0] if self.bdks else None
        for act in self.bdks[1:]:
            yield self._violation(
                "BDK004",
                f"{self.where}: {act.letter} {act.coefficient} is a second act marked as the BDK (the first is "
                f"{first.letter} {first.coefficient}); a session holds one bilan: remove it or its \"bdk\" flag",
                act.pointer)

    def without_session_act(self) -> Iterator[Violation]:
        if self.bdks and all(act.bdk for act in self.session.acts):
            act = self.bdks[0]
            yield self._violation(
                "BDK005",
                f"{self.where}: {act.letter} {act.coefficient} (BDK) is the only act of the session; the BDK is "
                f"billed in addition to the act of the session it is done in: add that act",
                act.pointer)

    def wrong_coding(self, act) -> Violation:
        named = act_name(self._day(), act.letter, act.coefficient)
        return self._violation(
            "BDK002",
            f"{self.where}: {named} is marked as the BDK but is not a BDK on that date; "
            f"the BDK is {self._right_bdk(act.letter, self._when_changed(act))}",
            act.pointer)

    def short_series(self) -> bool:
        prescribed = self.invoice.sessions_prescribed
        return self.rule.min_series is not None and prescribed is not None and prescribed < self.rule.min_series

    def _short_series_message(self, act) -> str:
        return (f"{self.where}: {act.letter} {act.coefficient} is billed as the BDK but the prescription has "
                f"{self.invoice.sessions_prescribed} session(s); on that date the BDK is only due for series "
                f"of {self.rule.min_series} sessions or more")

    def off_schedule(self, act, kind: str) -> Iterator[Violation]:
        number = self.session.number
        if kind not in self.rule.first_renewal or kind not in self.rule.renewal_every:
            return  # the renewal points of that date are not known: nothing to judge
        if self.rule.is_bilan_point(number, kind):
            return
        first, every = self.rule.first_renewal[kind], self.rule.renewal_every[kind]
        before, after = self._previous_point(number, kind), self._next_point(number, kind)
        message = (f"{self.where}: {act.letter} {act.coefficient} is a BDK ({_kind_words(kind)}) at session "
                   f"{number}, which is not a bilan point; it is billed at session 1, then {first}, then every "
                   f"{every} sessions (nearest: session {before} and session {after})")
        doubt = self.rule.schedule_doubt or None
        if before == number - 1 and before >= first:
            doubt = (f"the text says 'at the {_ordinal(before)} session'; kinelint reads that as session {before} "
                     f"itself, but if it means after {before} sessions, session {number} is right")
        yield self._violation("BDK003", message, act.pointer, doubt)

    # -- wording --------------------------------------------------------------

    def _day(self):
        return self.nomenclature.on(self.session.date, self.invoice.territory)

    def _only_isolated_bilans(self) -> bool:
        """Every act of the session is an isolated bilan of chapter I section 1 (and there is one)."""
        day = self._day()
        kinds = [known.kind if (known := day.act(act.letter, act.coefficient)) else None for act in self.session.acts]
        return bool(kinds) and all(kind == "isolated_bilan" for kind in kinds)

    def _telecare_forbidden(self) -> bool:
        return (self.session.number == 1 and self.session.place == "telesoin"
                and not self.rule.telecare_first_session_allowed)

    def _right_bdk(self, letter: str | None = None, when: str = "") -> str:
        """E.g. "AMK 10.7 since 2018-07-01 (AMK 10.8 for neurological and muscular affections)"."""
        letters = (letter,) if letter in self.rule.letters else tuple(self.rule.letters)
        named = letters[0] if len(letters) == 1 else ", ".join(letters[:-1]) + " or " + letters[-1]
        kinds = sorted(self.rule.coefficients, key=lambda kind: kind != "general")
        main = f"{named} {plain_number(self.rule.coefficients[kinds[0]])}{' ' + when if when else ''}"
        others = [f"{named} {plain_number(self.rule.coefficients[kind])} for {_kind_words(kind)}" for kind in kinds[1:]]
        return f"{main} ({'; '.join(others)})" if others else main

    def _when_changed(self, act) -> str:
        """The BDK change the act's coefficient missed: "since 2018-07-01", "until 2018-06-30", or ""."""
        if act.letter not in self.rule.letters:
            return ""
        until, since = self.rule.coefficients_until, self.rule.coefficients_since
        if until is not None and self._bdk_kind_on(until + ONE_DAY, act.coefficient):
            return f"until {until.isoformat()}"
        if since is not None and self._bdk_kind_on(since - ONE_DAY, act.coefficient):
            return f"since {since.isoformat()}"
        return ""

    def _bdk_kind_on(self, day, coefficient) -> str | None:
        rule = self.nomenclature.bdk_rule(day)
        return rule.kind_of(coefficient) if rule is not None else None

    def _previous_point(self, number: int, kind: str) -> int:
        return next(n for n in range(number - 1, 0, -1) if self.rule.is_bilan_point(n, kind))

    def _next_point(self, number: int, kind: str) -> int:
        limit = number + self.rule.first_renewal[kind] + self.rule.renewal_every[kind] + 1
        return next((n for n in range(number + 1, limit) if self.rule.is_bilan_point(n, kind)), limit)

    def _violation(self, code: str, message: str, pointer: str, doubt: str | None = None) -> Violation:
        """A finding resting on an uncertain fact (the rule's or the wording's) is a warning that says why."""
        return ruling(code, message, pointer, [self.rule.fact], [doubt] if doubt else [])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)
