"""Direct access (accès direct) as dated data: sessions allowed without a prior diagnosis, and where.

The figures live in ``data/direct_access.toml`` with their source; the DIR rules ask
``direct_access_on(date)`` for the window in force on a session's date of care.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .records import Fact

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
    with DATA_FILE.open("rb") as handle:
        document = tomllib.load(handle)
    windows = tuple(sorted((DirectAccess(raw["from"], raw.get("until"), raw["sessions_without_diagnosis"],
                                         frozenset(raw["structures"]),
                                         Fact(raw["source"], raw["confidence"], raw.get("note", ""),
                                              raw.get("uncertain", False)))
                            for raw in document["window"]), key=lambda w: w.first))
    for before, after in zip(windows, windows[1:]):
        if before.last is None or before.last >= after.first:
            raise ValueError(f"{DATA_FILE}: direct-access windows overlap ({before.first} and {after.first})")
    return windows


def direct_access_on(on: date) -> DirectAccess | None:
    """The direct-access rule in force on ``on``; None before the law allowed it."""
    for window in direct_access_windows():
        if window.first <= on and (window.last is None or on <= window.last):
            return window
    return None
