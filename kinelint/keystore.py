"""A compact store of string keys for batch rules: about 24 bytes a key.

A batch rule keeps a key or two per invoice; as Python ints in a set or a
dict, that is ~80 bytes a key, 160 MB on a million-invoice export. Here a key
is a 128-bit fingerprint (two independent 64-bit string hashes, stable within
one run) with a 64-bit value, kept in flat arrays: new keys go to a small dict;
when it is full it is sorted into a *level* of three ``array('Q')``; levels of
similar size merge (a log-structured merge tree), so a lookup is one dict
probe and one bisection in each of the few levels (log2 of the batch size
over the chunk size). Values combine by bitwise or, which serves both a set
(value 1) and a mask of session numbers. Two different keys share a
fingerprint with a probability near 10^-26 on such a batch.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left

_WORD = (1 << 64) - 1
CHUNK = 65_536


def fingerprint(key: str) -> int:
    return (hash(key) & _WORD) | ((hash(key + "\0") & _WORD) << 64)


class _Level:
    """Sorted fingerprints (high and low halves) and their values, in flat arrays."""

    __slots__ = ("high", "low", "value")

    def __init__(self, rows) -> None:
        self.high, self.low, self.value = array("Q"), array("Q"), array("Q")
        for high, low, value in rows:
            self.high.append(high)
            self.low.append(low)
            self.value.append(value)

    def __len__(self) -> int:
        return len(self.high)

    def get(self, high: int, low: int) -> int:
        index = bisect_left(self.high, high)
        while index < len(self.high) and self.high[index] == high:
            if self.low[index] == low:
                return self.value[index]
            index += 1
        return 0

    def rows(self):
        return zip(self.high, self.low, self.value)


class KeyStore:
    """String keys with or-combined 64-bit values (0 for a key never added)."""

    def __init__(self, chunk: int = CHUNK) -> None:
        self._chunk = chunk
        self._recent: dict[int, int] = {}
        self._levels: list[_Level] = []

    def __len__(self) -> int:
        return len(self._recent) + sum(len(level) for level in self._levels)

    def get(self, key: str) -> int:
        mark = fingerprint(key)
        value = self._recent.get(mark, 0)
        if self._levels:
            high, low = mark >> 64, mark & _WORD
            for level in self._levels:
                value |= level.get(high, low)
        return value

    def add(self, key: str, value: int = 1) -> None:
        """Or ``value`` (at most 64 bits) into the key's value."""
        mark = fingerprint(key)
        self._recent[mark] = self._recent.get(mark, 0) | value
        if len(self._recent) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        rows = ((p >> 64, p & _WORD, v) for p, v in sorted(self._recent.items()))
        self._levels.append(_Level(rows))
        self._recent = {}
        while len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1]):
            newer = self._levels.pop()
            older = self._levels.pop()
            self._levels.append(_Level(_merged(older.rows(), newer.rows())))


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
