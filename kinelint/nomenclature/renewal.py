"""The physiotherapist's renewal of a medical prescription as dated data (``data/renewal.toml``).

The PRE renewal rules ask ``renewal_rule_on(date)`` for the rule in force on the
day of the renewal: how young the initial prescription must be, with its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .records import Fact
from .windows import load_windows, window_on

DATA_FILE = Path(__file__).parent / "data" / "renewal.toml"


@dataclass(frozen=True, slots=True)
class RenewalRule:
    first: date
    last: date | None
    max_age_months: int
    fact: Fact


@lru_cache(maxsize=1)
def renewal_windows() -> tuple[RenewalRule, ...]:
    return load_windows(DATA_FILE, lambda raw, first, last, fact: RenewalRule(first, last, raw["max_age_months"],
                                                                               fact))


def renewal_rule_on(on: date) -> RenewalRule | None:
    """The renewal rule in force on ``on``; None outside every window."""
    return window_on(renewal_windows(), on)
