"""The public answers of the dated NGAP nomenclature, and the questions plugins ask.

Why: plugins hold no tables of their own (architecture principle 1). They ask
"is RIC 7.52 valid on 2026-01-05?" and get an answer that carries the Fact it
rests on, so a finding can be an error, or a warning that says why when the
data behind it is weak. The facts live in ``data/*.toml``; ``loader`` builds
the indexes this class queries.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from inspect import signature
from typing import TYPE_CHECKING

from .day import Day

if TYPE_CHECKING:  # the tables import this module; no cycle at run time
    from .tables import BdkWindow, CodeTable, LetterCoefficients

TERRITORIES = ("metropole", "dom")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where an answer comes from and how far to trust it."""

    source: str
    confidence: str  # "H" | "M" | "L"
    note: str = ""
    flagged: bool = False  # the data says `uncertain = true` (announced, disputed, incomplete)

    @property
    def uncertain(self) -> bool:
        return self.confidence == "L" or self.flagged

    def why_uncertain(self) -> str:
        """A short reason for a warning message; "" when the fact is certain."""
        if not self.uncertain:
            return ""
        if self.flagged:
            reason = self.note or "kinelint's data marks this as announced or disputed"
            return f"{reason} (confidence {self.confidence})"
        reason = "kinelint's source for this is a single unofficial source (confidence L)"
        return f"{reason}: {self.note}" if self.note else reason


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """Is this letter or fee code in force on that date?"""

    state: str  # "in_force" | "retired" | "not_yet" | "unknown"
    code: str
    since: date | None  # retired: first day out of force; not_yet: first day in force
    replaced_by: str | None
    fact: Fact | None


@dataclass(frozen=True, slots=True)
class Price:
    """Euros per coefficient point (letters), per unit (fees) or per km (IK)."""

    amount: Decimal
    fact: Fact


@dataclass(frozen=True, slots=True)
class CoefficientStatus:
    """Is coefficient C of letter L valid on that date, and if not, what instead?"""

    state: str  # "valid" | "superseded" | "early" | "act_deleted" | "never" | "unknown_letter"
    letter: str
    coefficient: Decimal
    valid_from: date | None
    valid_until: date | None
    replacement: Decimal | None
    valid_now: tuple[Decimal, ...]
    fact: Fact | None


@dataclass(frozen=True, slots=True)
class BdkRule:
    """The bilan diagnostic kinésithérapique as it stands on one date."""

    letters: tuple[str, ...]
    coefficients: dict[str, Decimal]
    first_renewal: dict[str, int]
    renewal_every: dict[str, int]
    min_series: int | None
    required_at_first_session: bool
    telecare_first_session_allowed: bool
    fact: Fact
    # The run of days these coefficients are in force (over windows that differ
    # only in letters), so a finding can say "10.7 since 2018-07-01".
    coefficients_since: date | None = None
    coefficients_until: date | None = None

    def kind_of(self, coefficient: Decimal) -> str | None:
        """The kind ("general", "neurological") of a BDK coefficient; None if it is not one."""
        for kind, value in self.coefficients.items():
            if value == coefficient:
                return kind
        return None

    def is_bilan_point(self, session_number: int, kind: str) -> bool:
        """True at the first session and at each renewal point of that kind.

        Where the renewal points of a window are not in the data (before
        2018-07-01), only the first session is a bilan point.
        """
        if kind not in self.coefficients:
            raise ValueError(f"unknown BDK kind {kind!r}; expected one of {sorted(self.coefficients)}")
        if session_number == 1:
            return True
        first = self.first_renewal.get(kind)
        every = self.renewal_every.get(kind)
        if first is None or every is None or session_number < first:
            return False
        return (session_number - first) % every == 0


def _check_territory(territory: str) -> None:
    if territory not in TERRITORIES:
        raise ValueError(f"unknown territory {territory!r}; expected one of {TERRITORIES}")


ONE_DAY = timedelta(days=1)
MEMO_LIMIT = 32_768  # answers remembered per query: most of a batch's questions, a bounded memory
_REMEMBERED = ("letter_status", "fee_status", "letter_value", "fee_price", "coefficient_status", "bdk_rule")


class DateEpochs:
    """Dates on which no answer can differ share one representative.

    Every query compares the date of care with dates of the data (a window's
    first or last day, a change's day), and answers with data only, never
    with the date asked. So two dates that lie on the same side of every
    ``d`` and every ``d + 1 day`` get the same answers: the representative of
    a date is the latest such boundary on or before it. A batch spread over
    two years of care asks a few dozen dates' questions instead of ~700.
    """

    def __init__(self, data_dates) -> None:
        self._boundaries = sorted({bound for day in data_dates for bound in (day, day + ONE_DAY)})

    def representative(self, on: date) -> date:
        index = bisect_right(self._boundaries, on)
        return self._boundaries[index - 1] if index else date.min


class Nomenclature:
    """Queries on the dated nomenclature; built once by ``load_nomenclature``.

    Every query is a dict lookup plus a scan of the few dated windows of one
    code: no file access, no parsing; answers are remembered.
    """

    def __init__(
        self,
        *,
        letters: CodeTable,
        fees: CodeTable,
        fee_groups: dict[str, str],
        per_km: frozenset[str],
        coefficients: dict[str, LetterCoefficients],
        bdk: tuple[BdkWindow, ...],
    ) -> None:
        self._letters = letters
        self._fees = fees
        self._fee_groups = fee_groups
        self._per_km = per_km
        self._coefficients = coefficients
        self._bdk = bdk
        # Answers never change, and a batch of a million invoices asks the same few
        # thousand questions (code, date, territory) over and over: remember them
        # (bounded, so a hostile batch of ever-new dates cannot grow it). Two levels:
        # the date asked (a C-level hit), then its epoch's representative, so a
        # new date costs a lookup, not a computation.
        epochs = DateEpochs(self._data_dates())
        representative = lru_cache(maxsize=MEMO_LIMIT)(epochs.representative)
        for name in _REMEMBERED:
            setattr(self, name, _remembered(getattr(self, name), representative))
        self._representative = representative
        self._days: dict[tuple[date, str], Day] = {}  # one per epoch and territory: a few dozen
        self.on = lru_cache(maxsize=MEMO_LIMIT)(self.on)

    def on(self, on: date, territory: str) -> Day:
        """The nomenclature on one date in one territory: a session's questions answered by code."""
        _check_territory(territory)
        key = (self._representative(on), territory)
        day = self._days.get(key)
        if day is None:
            day = self._days[key] = Day(self, *key)
        return day

    def letter_status(self, letter: str, on: date) -> CodeStatus:
        return self._letters.status(letter, on)

    def fee_status(self, code: str, on: date) -> CodeStatus:
        return self._fees.status(code, on)

    def letter_value(self, letter: str, on: date, territory: str) -> Price | None:
        """None when the letter is not in force then, or its value there is unknown."""
        _check_territory(territory)
        return self._letters.price(letter, on, territory)

    def fee_price(self, code: str, on: date, territory: str) -> Price | None:
        _check_territory(territory)
        return self._fees.price(code, on, territory)

    def fee_group(self, code: str) -> str | None:
        return self._fee_groups.get(code)

    def is_per_km(self, code: str) -> bool:
        return code in self._per_km

    def coefficient_status(self, letter: str, coefficient: Decimal, on: date) -> CoefficientStatus:
        if not isinstance(coefficient, Decimal):
            coefficient = Decimal(str(coefficient))
        book = self._coefficients.get(letter)
        if book is None:
            return CoefficientStatus("unknown_letter", letter, coefficient, None, None, None, (), None)
        return book.status(coefficient, on)

    def bdk_rule(self, on: date) -> BdkRule | None:
        for window in self._bdk:
            if window.covers(on):
                return window.rule
        return None

    def _data_dates(self):
        """Every date the data holds: the only dates an answer can turn on."""
        for table in (self._letters, self._fees):
            yield from table.dates()
        for book in self._coefficients.values():
            yield from book.dates()
        for window in self._bdk:
            yield from (d for d in (window.start, window.end) if d is not None)

    def known_letters(self) -> tuple[str, ...]:
        return self._letters.codes

    def known_fees(self) -> tuple[str, ...]:
        return self._fees.codes


def _remembered(query, representative):
    """``query`` remembered by the date asked, then by that date's epoch."""
    by_epoch = lru_cache(maxsize=MEMO_LIMIT)(query)
    parameters = signature(query)
    at = list(parameters.parameters).index("on")

    def on_new_date(*arguments, **named):
        if named:  # letter_value("RIC", on=..., territory=...): as positional arguments
            arguments = parameters.bind(*arguments, **named).args
        arguments = list(arguments)
        arguments[at] = representative(arguments[at])
        return by_epoch(*arguments)

    return lru_cache(maxsize=MEMO_LIMIT)(on_new_date)
