"""Direct access (accès direct) as dated data: sessions allowed without a prior diagnosis, and where.

The figures live in ``data/direct_access.toml`` with their source; the DIR rules ask
``direct_access_on(date)`` for the window in force on a session's date of care.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .records import Fact
from .windows import load_windows, window_on

DATA_FILE = Path(__file__).parent / "data" / "direct_access.toml"


@dataclass(frozen=True, slots=True)
class DirectAccess:
    first: date
    last: date | None
    sessions_without_diagnosis: int
    structures: frozenset[str]
    fact: Fact


@lru_cache(maxsize=1)
def direct_access_windows() -> tuple[DirectAccess, ...]:
    return load_windows(DATA_FILE, lambda raw, first, last, fact: DirectAccess(
        first, last, raw["sessions_without_diagnosis"], frozenset(raw["structures"]), fact))


def direct_access_on(on: date) -> DirectAccess | None:
    """The direct-access rule in force on ``on``; None before the law allowed it."""
    return window_on(direct_access_windows(), on)
