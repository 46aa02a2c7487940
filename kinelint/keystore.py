"""A compact store of string keys for batch rules: about 24 bytes a key (16 in a set).

A batch rule keeps a key or two per invoice; as Python ints in a set or a
dict, that is ~80 bytes a key, 160 MB on a million-invoice export. Here a key
is a 128-bit fingerprint (two independent 64-bit string hashes, stable within
one run) with a 64-bit value, kept in flat arrays: new keys go to a small dict;
when it is full it is sorted into a *level* of three ``array('Q')``; levels of
similar size merge (a log-structured merge tree), so a lookup is one dict
probe and one bisection in each of the few levels. Merges stop at
``LEVEL_CAP`` rows: a merge holds its inputs and its output at once, and an
unbounded last merge would double the store's memory at its peak (a million
keys then cost ~4 capped levels to look in, and a 6 MB merge at most). Values combine by bitwise or, which serves both a set
(value 1) and a mask of session numbers. Two different keys share a
fingerprint with a probability near 10^-26 on such a batch.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from itertools import repeat

_WORD = (1 << 64) - 1
CHUNK = 65_536
LEVEL_CAP = 262_144  # rows (24 bytes each): the largest merge is ~6 MB


def fingerprint(key: str) -> int:
    return (hash(key) & _WORD) | ((hash(key + "\0") & _WORD) << 64)


class _Level:
    """Sorted fingerprints (high and low halves) and their values, in flat arrays.

    A set (``values=False``) keeps no value array: every value is 1.
    """

    __slots__ = ("high", "low", "value")

    def __init__(self, rows, values: bool = True) -> None:
        self.high, self.low = array("Q"), array("Q")
        self.value = array("Q") if values else None
        for high, low, value in rows:
            self.high.append(high)
            self.low.append(low)
            if values:
                self.value.append(value)

    def __len__(self) -> int:
        return len(self.high)

    def get(self, high: int, low: int) -> int:
        index = bisect_left(self.high, high)
        while index < len(self.high) and self.high[index] == high:
            if self.low[index] == low:
                return self.value[index] if self.value is not None else 1
            index += 1
        return 0

    def rows(self):
        return zip(self.high, self.low, self.value if self.value is not None else repeat(1))


class KeyStore:
    """String keys with or-combined 64-bit values (0 for a key never added).

    ``values=False`` makes it a set (16 bytes a key): ``add(key)``, and ``get``
    answers 1 or 0.
    """

    def __init__(self, chunk: int = CHUNK, level_cap: int = LEVEL_CAP, *, values: bool = True) -> None:
        self._chunk = chunk
        self._level_cap = level_cap
        self._values = values
        self._recent: dict[int, int] = {}
        self._levels: list[_Level] = []

    def __len__(self) -> int:
        return len(self._recent) + sum(len(level) for level in self._levels)

    def get(self, key: str) -> int:
        return self._get(fingerprint(key))

    def add(self, key: str, value: int = 1) -> None:
        """Or ``value`` (at most 64 bits) into the key's value."""
        self._add(fingerprint(key), value)

    def merge(self, key: str, value: int = 1) -> int:
        """Or ``value`` into the key's value and return the value it had before: get and add, hashing once."""
        mark = fingerprint(key)
        before = self._get(mark)
        self._add(mark, value)
        return before

    def _get(self, mark: int) -> int:
        value = self._recent.get(mark, 0)
        if self._levels:
            high, low = mark >> 64, mark & _WORD
            for level in self._levels:
                value |= level.get(high, low)
        return value

    def _add(self, mark: int, value: int) -> None:
        if not self._values and value != 1:
            raise ValueError("a KeyStore made with values=False holds keys only (value 1)")
        self._recent[mark] = self._recent.get(mark, 0) | value
        if len(self._recent) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        rows = ((p >> 64, p & _WORD, v) for p, v in sorted(self._recent.items()))
        self._levels.append(_Level(rows, self._values))
        self._recent = {}
        while (len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1])
               and len(self._levels[-2]) + len(self._levels[-1]) <= self._level_cap):
            newer = self._levels.pop()
            older = self._levels.pop()
            self._levels.append(_Level(_merged(older.rows(), newer.rows()), self._values))


def _merged(first, second):
    """Two sorted row streams as one, rows of one fingerprint combined (values or-ed)."""
    previous = None
    for high, low, value in heapq.merge(first, second):
        if previous is not None and previous[0] == high and previous[1] == low:
            previous = (high, low, previous[2] | value)
            continue
        if previous is not None:
            yield previous
        previous = (high, low, value)
    if previous is not None:
        yield previous
