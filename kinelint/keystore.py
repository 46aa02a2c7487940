"""A compact store of string keys for batch rules: about 24 bytes a key (16 in a set).

A batch rule keeps a key or two per invoice; as Python ints in a set or a
dict, that is ~80 bytes a key, 160 MB on a million-invoice export. Here a key
is a 128-bit fingerprint (two independent 64-bit string hashes, stable within
one run) with a 64-bit value, kept in flat arrays: new keys go to a small
dict; when it is full it is sorted into a *level* of ``array('Q')`` columns,
and levels of similar size merge (a log-structured merge tree) up to
``LEVEL_CAP`` rows, so that no merge is large (a million keys make ~5
levels). A lookup is one dict probe and one bisection per level, once a
bitmap of the fingerprints in levels (a Bloom filter with one hash, 2 MiB,
made at the first flush) has turned away most new keys. Values combine by bitwise or, which serves both a
set (value 1) and a mask of session numbers. Two different keys share a
fingerprint with a probability near 10^-26 on such a batch.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

_WORD = (1 << 64) - 1
CHUNK = 65_536
FILTER_BITS = 24  # a 2 MiB bitmap of seen fingerprints: most lookups of new keys end there
LEVEL_CAP = 262_144  # rows (24 bytes each): the largest merge is ~6 MB


def fingerprint(key: str) -> int:
    """Two independent 64-bit hashes of the key (stable within one run), as one 128-bit number."""
    return (hash(key) & _WORD) | ((hash(key + "\0") & _WORD) << 64)


class _Level:
    """Fingerprints sorted by their high halves, with their low halves and values, in flat arrays.

    A set (``values=False``) keeps no value array: every value is 1. A key
    added in two chunks sits in a merged level twice, side by side; a lookup
    ors the two (merges stay in C instead of combining rows in Python).
    """

    __slots__ = ("high", "low", "value")

    def __init__(self, high: array, low: array, value: array | None) -> None:
        """Sorted copies of the columns; each column given is emptied once copied (the level owns them)."""
        order = sorted(range(len(high)), key=high.__getitem__)  # C-level: no Python frame per row
        self.high = _permuted(high, order)
        self.low = _permuted(low, order)
        self.value = _permuted(value, order) if value is not None else None

    @classmethod
    def of(cls, recent: dict[int, int], values: bool) -> _Level:
        return cls(array("Q", [mark >> 64 for mark in recent]), array("Q", [mark & _WORD for mark in recent]),
                   array("Q", recent.values()) if values else None)

    @classmethod
    def merged(cls, older: _Level, newer: _Level) -> _Level:
        """One level of both, which are emptied: a merge holds about one copy of its rows, not two."""
        columns = []
        for first, second in ((older.high, newer.high), (older.low, newer.low), (older.value, newer.value)):
            if first is not None:
                first.extend(second)
                del second[:]
            columns.append(first)
        return cls(*columns)

    def __len__(self) -> int:
        return len(self.high)

    def get(self, high: int, low: int) -> int:
        found = 0
        index = bisect_left(self.high, high)
        while index < len(self.high) and self.high[index] == high:
            if self.low[index] == low:
                found |= self.value[index] if self.value is not None else 1
            index += 1
        return found


def _permuted(column: array, order: list[int]) -> array:
    permuted = array("Q", map(column.__getitem__, order))
    del column[:]
    return permuted


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
        # A Bloom filter with one hash over the keys in levels: the top bits of their
        # fingerprints. A key whose bit is clear is in no level (no bisection); at a million
        # keys one new key in ~17 finds its bit set by another and is looked up for nothing.
        # Made at the first flush: a small batch (or one API call) never pays for it.
        self._seen: bytearray | None = None

    def __len__(self) -> int:
        return len(self._recent) + sum(len(level) for level in self._levels)

    def get(self, key: str) -> int:
        return self._get(fingerprint(key))

    def get_mark(self, mark: int) -> int:
        """``get`` by the key's ``fingerprint``."""
        return self._get(mark)

    def add(self, key: str, value: int = 1) -> None:
        """Or ``value`` (at most 64 bits) into the key's value."""
        self._add(fingerprint(key), value)

    def merge(self, key: str, value: int = 1) -> int:
        """Or ``value`` into the key's value and return the value it had before: get and add, hashing once."""
        return self.merge_mark((hash(key) & _WORD) | ((hash(key + "\0") & _WORD) << 64), value)

    def merge_mark(self, mark: int, value: int = 1) -> int:
        """``merge`` by the key's ``fingerprint``: a caller with one key in two stores hashes it once.

        The hot path of every batch rule (several calls an invoice): one Python frame, no helper calls
        unless the key may be in a level.
        """
        recent = self._recent
        held = recent.get(mark, 0)
        before = held
        if self._levels:
            slot = mark >> (128 - FILTER_BITS)
            if self._seen[slot >> 3] >> (slot & 7) & 1:
                high, low = mark >> 64, mark & _WORD
                for level in self._levels:
                    before |= level.get(high, low)
        if value != 1 and not self._values:
            raise ValueError("a KeyStore made with values=False holds keys only (value 1)")
        recent[mark] = held | value
        if len(recent) >= self._chunk:
            self._flush()
        return before

    def _get(self, mark: int) -> int:
        value = self._recent.get(mark, 0)
        if self._levels:
            slot = mark >> (128 - FILTER_BITS)
            if self._seen[slot >> 3] >> (slot & 7) & 1:
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
        if self._seen is None:
            self._seen = bytearray(1 << (FILTER_BITS - 3))
        seen, shift = self._seen, 128 - FILTER_BITS
        for mark in self._recent:
            slot = mark >> shift
            seen[slot >> 3] |= 1 << (slot & 7)
        self._levels.append(_Level.of(self._recent, self._values))
        self._recent = {}
        while (len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1])
               and len(self._levels[-2]) + len(self._levels[-1]) <= self._level_cap):
            newer = self._levels.pop()
            self._levels.append(_Level.merged(self._levels.pop(), newer))
