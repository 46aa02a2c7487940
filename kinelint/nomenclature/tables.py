"""Indexed, dated windows behind the Nomenclature queries.

Why a module of its own: the loader reads and checks the files once; what is
left here is the query logic on plain records, so each answer is a dict lookup
plus a scan of the handful of windows of one code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from .records import Act, BdkRule, CodeStatus, CoefficientStatus, Fact, Price

ONE_DAY = timedelta(days=1)

# Said of a letter that has no [[coverage]] entry on the date asked about.
NO_LIST = Fact(
    source="kinelint nomenclature data",
    confidence="L",
    note="kinelint has no coefficient list for this letter on that date",
    flagged=True,
)


def covers(start: date, end: date | None, on: date) -> bool:
    """`end` is inclusive; None means still open."""
    return start <= on and (end is None or on <= end)


def _days(start: date, end: date | None):
    yield start
    if end is not None:
        yield end


# ---- letters and fees ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One dated window of one code: in force (with its prices) or retired."""

    start: date
    end: date | None
    in_force: bool
    prices: dict[str, Price]  # territory -> price; a missing territory = unknown
    replaced_by: str | None
    fact: Fact
    label: str = ""  # what the code means in this window ("" = not given)


class CodeTable:
    """Windows of letters (or fees) by code, each code's windows sorted by start."""

    def __init__(self, entries: dict[str, list[CodeEntry]]) -> None:
        self._entries = {code: tuple(sorted(es, key=lambda e: e.start)) for code, es in entries.items()}
        self.codes = tuple(sorted(self._entries))

    def status(self, code: str, on: date) -> CodeStatus:
        entries = self._entries.get(code)
        if not entries:
            return CodeStatus("unknown", code, None, None, None)
        previous: CodeEntry | None = None  # the last in-force window that ended before `on`
        for entry in entries:
            if covers(entry.start, entry.end, on):
                if entry.in_force:
                    return CodeStatus("in_force", code, None, None, entry.fact)
                since = previous.end + ONE_DAY if previous and previous.end else entry.start
                replaced_by = entry.replaced_by or (previous.replaced_by if previous else None)
                return CodeStatus("retired", code, since, replaced_by, entry.fact)
            if entry.start > on:
                break
            if entry.in_force:
                previous = entry
        if previous is not None and previous.end is not None:
            return CodeStatus("retired", code, previous.end + ONE_DAY, previous.replaced_by, previous.fact)
        upcoming = next(e for e in entries if e.in_force and e.start > on)
        return CodeStatus("not_yet", code, upcoming.start, None, upcoming.fact)

    def dates(self):
        """The first and last days of every window (the dates an answer turns on)."""
        for entries in self._entries.values():
            for entry in entries:
                yield from _days(entry.start, entry.end)

    def label(self, code: str, on: date) -> str | None:
        for entry in self._entries.get(code, ()):
            if entry.in_force and covers(entry.start, entry.end, on):
                return entry.label or None
        return None

    def price(self, code: str, on: date, territory: str) -> Price | None:
        for entry in self._entries.get(code, ()):
            if entry.in_force and covers(entry.start, entry.end, on):
                return entry.prices.get(territory)
        return None


# ---- coefficients ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoefficientSet:
    """Coefficients billable with a letter in a window (a [[listed]] entry)."""

    start: date
    end: date | None
    values: frozenset[Decimal]
    fact: Fact


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the letter's list goes in a window: complete, partial or unknown."""

    start: date
    end: date | None
    mode: str
    fact: Fact


@dataclass(frozen=True, slots=True)
class Change:
    """What coefficients become on a date: from one window of an act to its next, or a deletion."""

    on: date
    fact: Fact
    mapping: dict[Decimal, Decimal] = field(default_factory=dict)
    deleted: bool = False  # the act itself was deleted; the mapping gives what that care is billed as

    def apply(self, coefficient: Decimal) -> Decimal | None:
        """The successor of `coefficient`, or None if this change does not touch it."""
        return self.mapping.get(coefficient)

    def produces(self, coefficient: Decimal) -> bool:
        return coefficient in self.mapping.values()


_RANK = {"H": 0, "M": 1, "L": 2}


def _weakest(facts: list[Fact]) -> Fact:
    """The answer is only as sure as the least sure entry it rests on."""
    return max(facts, key=lambda f: (f.uncertain, _RANK[f.confidence]))


class LetterCoefficients:
    """Everything the data says about one letter's coefficients."""

    __slots__ = ("letter", "sets", "coverage", "changes")

    def __init__(self, letter: str, sets: list[CoefficientSet], coverage: list[Coverage], changes: list[Change]):
        self.letter = letter
        self.sets = tuple(sorted(sets, key=lambda s: s.start))
        self.coverage = tuple(sorted(coverage, key=lambda c: c.start))
        self.changes = tuple(sorted(changes, key=lambda c: c.on))

    def dates(self):
        """The days of every window and change (the dates an answer turns on)."""
        for window in self.sets + self.coverage:
            yield from _days(window.start, window.end)
        for change in self.changes:
            yield change.on

    def status(self, c: Decimal, on: date) -> CoefficientStatus:
        """Valid, else superseded/deleted (listed before, changed since), else early, else never."""
        current = [s for s in self.sets if covers(s.start, s.end, on)]
        valid_now = tuple(sorted({v for s in current for v in s.values}))

        def answer(state, fact, valid_from=None, valid_until=None, replacement=None):
            return CoefficientStatus(state, self.letter, c, valid_from, valid_until, replacement, valid_now, fact)

        for s in current:
            if c in s.values:
                return answer("valid", s.fact)
        coverage = next((w for w in self.coverage if covers(w.start, w.end, on)), None)
        unknown_list = coverage is not None and coverage.mode == "unknown"

        ended = [s for s in self.sets if s.end is not None and s.end < on and c in s.values]
        if ended:
            last = max(ended, key=lambda s: s.end)
            followed = self._follow(c, last.end, on)
            if followed is not None:
                state, replacement, fact = followed
                replacement = next((v for v in valid_now if v == replacement), replacement)
                return answer(state, fact, valid_until=last.end, replacement=replacement)
            if not unknown_list:
                return answer("superseded", last.fact, valid_until=last.end)
        if unknown_list:
            return answer("valid", coverage.fact)

        later = [s for s in self.sets if s.start > on and c in s.values]
        if later:
            first = min(later, key=lambda s: s.start)
            # "Not before its date" rests on the change that brings the value, when there is one.
            fact = next((ch.fact for ch in self.changes if ch.on == first.start and ch.produces(c)), first.fact)
            return answer("early", fact, valid_from=first.start)
        return answer("never", coverage.fact if coverage else NO_LIST)

    def _follow(self, c: Decimal, ended: date, on: date):
        """Walk the changes after the last valid day: (state, replacement, fact) or None."""
        value, facts, moved_on = c, [], None
        for change in self.changes:
            # One step per date: two acts that move on one day (NMI 10 -> 11 and 11 -> 12) do not chain.
            if not ended < change.on <= on or change.on == moved_on:
                continue
            successor = change.apply(value)
            if successor is None:
                continue
            moved_on = change.on
            facts.append(change.fact)
            if change.deleted:
                return "act_deleted", successor, _weakest(facts)
            value = successor
        if not facts:
            return None
        return "superseded", value, _weakest(facts)


# ---- BDK -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BdkWindow:
    start: date
    end: date | None
    rule: BdkRule

    def covers(self, on: date) -> bool:
        return covers(self.start, self.end, on)


# ---- acts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HomePeriod:
    """Which specific indemnities a home visit for an act of one group may add, in one window."""

    start: date
    end: date | None
    indemnities: frozenset[str]
    fact: Fact


@dataclass(frozen=True, slots=True)
class ActEntry:
    """One act of the table (an [[act]] of acts.toml, or a BDK kind): the same act across its windows."""

    letter: str
    article: str
    label: str
    kind: str
    home: str
    prior_approval: int | None
    two_a_day: bool
    note: str
    windows: tuple[tuple[date, date | None, Decimal, Fact], ...]  # (start, end, coefficient, fact), by start
    includes: frozenset[str] = frozenset()  # supplement kinds its coting already pays (RAV 15.5: "bandage")


class ActCatalogue:
    """Every act of the table with its windows; answers "which acts are in force on that day"."""

    def __init__(self, entries: list[ActEntry], home: dict[str, tuple[HomePeriod, ...]]) -> None:
        self.entries = tuple(entries)
        self._home = home

    def dates(self):
        for entry in self.entries:
            for start, end, _, _ in entry.windows:
                yield from _days(start, end)
        for periods in self._home.values():
            for period in periods:
                yield from _days(period.start, period.end)

    def indemnities(self, group: str, on: date) -> frozenset[str]:
        for period in self._home.get(group, ()):
            if covers(period.start, period.end, on):
                return period.indemnities
        return frozenset()

    def _act(self, entry: ActEntry, window, on: date) -> Act:
        start, end, coefficient, fact = window
        return Act(entry.letter, coefficient, start, end, entry.article, entry.label, entry.kind,
                   self.indemnities(entry.home, on), entry.prior_approval, entry.two_a_day, fact, entry.note,
                   entry.includes)

    def on(self, on: date) -> tuple[Act, ...]:
        """The acts in force that day, ordered by letter, then coefficient, then label."""
        acts = [self._act(entry, window, on) for entry in self.entries for window in entry.windows
                if covers(window[0], window[1], on)]
        return tuple(sorted(acts, key=lambda act: (act.letter, act.coefficient, act.label)))

    def same_act(self, act: Act, on: date) -> Act | None:
        """The window of the same act (same letter, article and label) in force on another date."""
        for entry in self.entries:
            if (entry.letter, entry.article, entry.label) == (act.letter, act.article, act.label):
                for window in entry.windows:
                    if covers(window[0], window[1], on):
                        return self._act(entry, window, on)
        return None


def by_pair(acts: tuple[Act, ...]) -> dict[tuple[str, Decimal], Act]:
    """One act per (letter, coefficient): where two acts share a pair that day (AMK 10: an isolated
    bilan and, announced, the frailty bilan), the surer one, with every indemnity either may add
    (an invoice cannot tell them apart)."""
    found: dict[tuple[str, Decimal], Act] = {}
    for act in acts:
        key = (act.letter, act.coefficient)
        other = found.get(key)
        if other is None:
            found[key] = act
            continue
        surer, weaker = (other, act) if _sureness(other) <= _sureness(act) else (act, other)
        found[key] = replace(surer, specific_indemnities=surer.specific_indemnities | weaker.specific_indemnities)
    return found


def _sureness(act: Act) -> tuple[bool, int]:
    return act.fact.uncertain, _RANK[act.fact.confidence]
