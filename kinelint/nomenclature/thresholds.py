"""Thresholds: limits no text sets (sessions a day), with a documented default the configuration may change.

They live beside the dated facts (``data/thresholds.toml``) so that a rule asks the
nomenclature for them as for any fact; ``Nomenclature.with_thresholds`` gives the
nomenclature of a run whose configuration sets some.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .records import Fact

DATA_FILE = Path(__file__).parent / "data" / "thresholds.toml"


@dataclass(frozen=True, slots=True)
class Threshold:
    name: str
    value: int
    minimum: int
    maximum: int
    unit: str
    fact: Fact
    configured: bool = False  # set by the configuration rather than kinelint's default

    def set_to(self, value: int) -> Threshold:
        """This threshold at ``value``; a value out of its range raises ValueError saying the range."""
        if type(value) is not int or not self.minimum <= value <= self.maximum:
            raise ValueError(f"threshold {self.name!r} must be a whole number from {self.minimum} to {self.maximum} "
                             f"({self.unit}), not {value!r}")
        return Threshold(self.name, value, self.minimum, self.maximum, self.unit, self.fact, configured=True)


@lru_cache(maxsize=1)
def default_thresholds() -> dict[str, Threshold]:
    """kinelint's defaults, by name (read once)."""
    with DATA_FILE.open("rb") as handle:
        document = tomllib.load(handle)
    found = {}
    for name, raw in document.items():
        found[name] = Threshold(name, raw["value"], raw["minimum"], raw["maximum"], raw["unit"],
                                Fact(raw["source"], raw["confidence"]))
        found[name].set_to(raw["value"])  # a default out of its own range is a data error, at start-up
    return found


def configured(values: dict[str, int]) -> dict[str, Threshold]:
    """The thresholds with the configuration's values; an unknown name or a value out of range raises ValueError."""
    known = dict(default_thresholds())
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"unknown threshold {name!r}; the thresholds are: {', '.join(sorted(known))}")
        known[name] = known[name].set_to(value)
    return known
