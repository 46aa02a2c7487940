"""The public answers of the dated NGAP nomenclature, and the questions plugins ask.

Why: plugins hold no tables of their own (architecture principle 1). They ask
"is RIC 7.52 valid on 2026-01-05?" and get an answer that carries the Fact it
rests on, so a finding can be an error, or a warning that says why when the
data behind it is weak. The facts live in ``data/*.toml``; ``loader`` builds
the indexes this class queries.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from inspect import signature

from .day import Day, Remembered
from .records import (
    TERRITORIES,
    Act,
    BdkRule,
    CodeStatus,
    CoefficientStatus,
    Fact,
    Price,
)
from .tables import ActCatalogue, BdkWindow, CodeTable, LetterCoefficients

__all__ = [  # the records are re-exported: plugins import them from here or from the package
    "Act", "BdkRule", "CodeStatus", "CoefficientStatus", "DateEpochs", "Fact", "Nomenclature", "Price",
    "TERRITORIES",
]

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
        acts: ActCatalogue | None = None,
        meanings: dict[str, str] | None = None,
    ) -> None:
        self._letters = letters
        self._fees = fees
        self._fee_groups = fee_groups
        self._per_km = per_km
        self._coefficients = coefficients
        self._bdk = bdk
        self._acts = acts if acts is not None else ActCatalogue([], {})
        self._meanings = dict(meanings or {})
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
        # What the rule families remember of this nomenclature's answers (``rulekit.billed(...).verdicts``).
        self.remembered = Remembered()
        self.on = lru_cache(maxsize=MEMO_LIMIT)(self.on)
        self._acts_by_epoch = lru_cache(maxsize=MEMO_LIMIT)(self._acts.on)

    def threshold(self, name: str):
        """A limit no text sets (``thresholds.py``): kinelint's default, or the run's configuration's value."""
        from .thresholds import default_thresholds

        chosen = getattr(self, "_thresholds", None)
        return (chosen if chosen is not None else default_thresholds())[name]

    def configured_thresholds(self) -> dict[str, int]:
        """The values the run's configuration set (``with_thresholds``), by name: what a worker process needs."""
        chosen = getattr(self, "_thresholds", None) or {}
        return {name: threshold.value for name, threshold in chosen.items() if threshold.configured}

    def with_thresholds(self, values: dict[str, int]) -> Nomenclature:
        """This nomenclature with the configuration's thresholds (a shallow copy: the facts are shared)."""
        from copy import copy

        from .thresholds import configured

        if not values:
            return self
        changed = copy(self)
        changed._thresholds = configured(values)
        return changed

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

    def acts_on(self, on: date) -> tuple[Act, ...]:
        """Every act in force that day (ordered by letter and coefficient), indemnities resolved for that day."""
        return self._acts_by_epoch(self._representative(on))

    def same_act_on(self, act: Act, on: date) -> Act | None:
        """What that same act (same letter, article and label) is billed as on another date; None if not in force."""
        return self._acts.same_act(act, on)

    def letter_meaning(self, letter: str) -> str | None:
        """The official meaning of a key letter (annexe 2 of the NGAP), in our words; None when unknown."""
        return self._meanings.get(letter)

    def fee_label(self, code: str, on: date) -> str | None:
        """What a fee code means on that date (IFS meant two different indemnities); None when unknown."""
        return self._fees.label(code, on)

    def _data_dates(self):
        """Every date the data holds: the only dates an answer can turn on."""
        yield from self._acts.dates()
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
