"""The BDK checks, one session at a time, against the BDK rule in force on its date of care.

Only acts flagged ``"bdk": true`` are judged (and, at session 1, the absence
of one). An act whose letter is not in force on that date is OBS's finding:
its coefficient and place in the schedule are not judged here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from operator import attrgetter

from kinelint.findings import Violation
from kinelint.i18n import N_, Joined, Message, Term, any_of, msg
from kinelint.rulekit import act_name, billed, ruling, session_label

ONE_DAY = timedelta(days=1)

KIND_WORDS = {"general": N_("general"), "neurological": N_("neurological and muscular affections")}


# Whether a session judged here has nothing to say, by everything its checks read (_session_key).
CLEAN_SESSIONS = "BDK sessions"
_NUMBER, _BDK = attrgetter("number"), attrgetter("bdk")


def check_invoice(invoice, nomenclature) -> list[Violation]:
    sessions = invoice.sessions
    lines = billed(invoice, nomenclature)
    if 1 not in map(_NUMBER, sessions) and not any(map(_BDK, lines.acts)):
        return []  # no bilan billed, none due: most invoices, nothing to judge
    found, clean_sessions = [], lines.verdicts[CLEAN_SESSIONS]
    for index, session in enumerate(sessions):
        if session.number != 1 and not any(map(_BDK, session.acts)):
            continue  # no bilan billed, none due: most sessions
        key = _session_key(invoice, session, lines, index)
        if clean_sessions.get(key):
            continue
        findings = list(_session_findings(invoice, session, nomenclature))
        clean_sessions.remember(key, not findings)
        found += findings
    return found


def _session_key(invoice, session, lines, index) -> tuple:
    """What ``_SessionCheck`` reads of a session: its Day (epoch, territory, nomenclature: the BDK rule,
    letters in force, act kinds), its number, whether it is telecare (the only use of its place), the
    prescription's number of sessions where the rule of the day has a minimum series (its only use), and
    its acts' Line bases (letter, coefficient, bdk: no amount is read here)."""
    day = lines.days[index]
    rule = day.bdk_rule
    prescribed = invoice.sessions_prescribed if rule is not None and rule.min_series is not None else None
    return (day, session.number, session.place == "telesoin", prescribed,
            *lines.act_bases[lines.starts[index]:lines.starts[index + 1]])


def _session_findings(invoice, session, nomenclature) -> Iterator[Violation]:
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
        unflagged = [act for act in self.session.acts
                     if act.letter in self.rule.letters and self.rule.kind_of(act.coefficient) is not None]
        hint = (msg(" (is {letter} {coefficient} the bilan without \"bdk\": true?)", letter=unflagged[0].letter,
                    coefficient=unflagged[0].coefficient) if unflagged else "")
        telecare = msg("; that session cannot be telecare") if self._telecare_forbidden() else ""
        message = msg("{where}: the first session of a prescription carries the initial bilan (BDK) and none "
                      "is billed; add {bdk} with \"bdk\": true{hint}{telecare}", where=self.where,
                      bdk=self._right_bdk(), hint=hint, telecare=telecare)
        yield self._violation("BDK001", message, self.session.pointer + "/acts")

    def telecare_initial(self) -> Iterator[Violation]:
        if self.bdks and self._telecare_forbidden():
            yield self._violation(
                "BDK006",
                msg("{where}: the first session, with the initial BDK, is billed as telecare; it must be "
                    "done in person (place 'cabinet', 'domicile' or 'etablissement'), later sessions may be telecare",
                    where=self.where),
                self.session.pointer + "/place")

    def duplicates(self) -> Iterator[Violation]:
        first = self.bdks[0] if self.bdks else None
        for act in self.bdks[1:]:
            yield self._violation(
                "BDK004",
                msg("{where}: {letter} {coefficient} is a second act marked as the BDK (the first is "
                    "{first_letter} {first_coefficient}); a session holds one bilan: remove it or its \"bdk\" flag",
                    where=self.where, letter=act.letter, coefficient=act.coefficient, first_letter=first.letter,
                    first_coefficient=first.coefficient),
                act.pointer)

    def without_session_act(self) -> Iterator[Violation]:
        if self.bdks and all(act.bdk for act in self.session.acts):
            act = self.bdks[0]
            yield self._violation(
                "BDK005",
                msg("{where}: {letter} {coefficient} (BDK) is the only act of the session; the BDK is "
                    "billed in addition to the act of the session it is done in: add that act",
                    where=self.where, letter=act.letter, coefficient=act.coefficient),
                act.pointer)

    def wrong_coding(self, act) -> Violation:
        named = act_name(self._day(), act.letter, act.coefficient)
        return self._violation(
            "BDK002",
            msg("{where}: {act} is marked as the BDK but is not a BDK on that date; the BDK is {bdk}",
                where=self.where, act=named, bdk=self._right_bdk(act.letter, self._when_changed(act))),
            act.pointer)

    def short_series(self) -> bool:
        prescribed = self.invoice.sessions_prescribed
        return self.rule.min_series is not None and prescribed is not None and prescribed < self.rule.min_series

    def _short_series_message(self, act) -> str:
        return msg("{where}: {letter} {coefficient} is billed as the BDK but the prescription has "
                   "{prescribed} session(s); on that date the BDK is only due for series "
                   "of {minimum} sessions or more", where=self.where, letter=act.letter, coefficient=act.coefficient,
                   prescribed=self.invoice.sessions_prescribed, minimum=self.rule.min_series)

    def off_schedule(self, act, kind: str) -> Iterator[Violation]:
        number = self.session.number
        if kind not in self.rule.first_renewal or kind not in self.rule.renewal_every:
            return  # the renewal points of that date are not known: nothing to judge
        if self.rule.is_bilan_point(number, kind):
            return
        first, every = self.rule.first_renewal[kind], self.rule.renewal_every[kind]
        before, after = self._previous_point(number, kind), self._next_point(number, kind)
        message = msg("{where}: {letter} {coefficient} is a BDK ({kind}) at session {number}, which is not a bilan "
                      "point; it is billed at session 1, then {first}, then every {every} sessions (nearest: session "
                      "{before} and session {after})", where=self.where, letter=act.letter, coefficient=act.coefficient,
                      kind=_kind_words(kind), number=number, first=first, every=every, before=before, after=after)
        doubt = Term(self.rule.schedule_doubt) if self.rule.schedule_doubt else None
        if before == number - 1 and before >= first:
            doubt = msg("the text says 'at the {ordinal} session'; kinelint reads that as session {before} "
                        "itself, but if it means after {before} sessions, session {number} is right",
                        ordinal=_ordinal(before), before=before, number=number)
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
        named = any_of(letters)
        kinds = sorted(self.rule.coefficients, key=lambda kind: kind != "general")
        main = msg("{letters} {coefficient}{when}", letters=named, coefficient=self.rule.coefficients[kinds[0]],
                   when=msg(" {when}", when=when) if when else "")
        others = [msg("{letters} {coefficient} for {kind}", letters=named, coefficient=self.rule.coefficients[kind],
                      kind=_kind_words(kind)) for kind in kinds[1:]]
        return msg("{main} ({others})", main=main, others=Joined(others, "; ")) if others else main

    def _when_changed(self, act) -> str:
        """The BDK change the act's coefficient missed: "since 2018-07-01", "until 2018-06-30", or ""."""
        if act.letter not in self.rule.letters:
            return ""
        until, since = self.rule.coefficients_until, self.rule.coefficients_since
        if until is not None and self._bdk_kind_on(until + ONE_DAY, act.coefficient):
            return msg("until {date}", date=until)
        if since is not None and self._bdk_kind_on(since - ONE_DAY, act.coefficient):
            return msg("since {date}", date=since)
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


def _ordinal(n: int) -> Message:
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        return msg("{n}th", n=n)
    return {1: lambda: msg("{n}st", n=n), 2: lambda: msg("{n}nd", n=n), 3: lambda: msg("{n}rd", n=n)}[n % 10]()


def _kind_words(kind: str) -> str:
    return Message(KIND_WORDS[kind]) if kind in KIND_WORDS else kind
