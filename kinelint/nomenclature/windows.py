"""Dated windows of a rule's figures, read from a data file: one ``[[window]]`` per state of the text.

Shared by the data files that hold one figure per period (direct access, the
physiotherapist's renewal, transmission delays): each window has ``from`` (absent:
in force on every date kinelint checks, its first date not recorded), an optional
``until``, its figures, and ``source``, ``confidence``, ``note``, ``uncertain``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .records import Fact


def load_windows(path: Path, build: Callable[[dict, date, date | None, Fact], object]) -> tuple:
    """The windows of ``path`` in date order, each made by ``build(raw, first, last, fact)``; overlapping
    windows are a data error, raised at load."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    raws = sorted(document["window"], key=lambda raw: raw.get("from", date.min))
    windows = tuple(build(raw, raw.get("from", date.min), raw.get("until"), fact_of(raw)) for raw in raws)
    for before, after in zip(raws, raws[1:]):
        if before.get("until") is None or before["until"] >= after.get("from", date.min):
            raise ValueError(f"{path}: windows overlap ({before.get('from')} and {after.get('from')})")
    return windows


def fact_of(raw: dict) -> Fact:
    return Fact(raw["source"], raw["confidence"], raw.get("note", ""), raw.get("uncertain", False))


def window_on(windows: tuple, on: date):
    """The window in force on ``on`` (each has ``first`` and ``last``); None outside them all."""
    for window in windows:
        if window.first <= on and (window.last is None or on <= window.last):
            return window
    return None
