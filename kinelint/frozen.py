"""A read-only view of a parsed JSON document, for the plugins (``Invoice.data``).

Plugins share one parsed invoice: a plugin writing into it changed what the
next plugin saw and what the core masked afterwards (a patient's NIR replaced
in the data was no longer hidden in another plugin's message). The view wraps
the document lazily, one container at a time as it is read, so it costs
nothing to a plugin that never looks at the raw data; reading it works as on
the dicts and lists (``[]``, ``get``, ``in``, iteration, ``len``, ``==``),
writing raises ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def frozen(value: object) -> object:
    """``value`` itself, or a read-only view of it if it is a dict or a list."""
    if type(value) is dict:
        return FrozenDict(value)
    if type(value) is list:
        return FrozenList(value)
    return value


class FrozenDict(Mapping):
    """A JSON object that can be read and not written."""

    __slots__ = ("_data",)

    def __init__(self, data: dict) -> None:
        object.__setattr__(self, "_data", data)

    def __getitem__(self, key):
        return frozen(self._data[key])

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data

    def __eq__(self, other) -> bool:
        return self._data == (other._data if isinstance(other, FrozenDict) else other)

    __hash__ = None

    def __setattr__(self, name, value):
        raise TypeError("the invoice is read-only")

    def __reduce__(self):  # to a worker and back (an invoice handed to a batch checker's observe)
        return FrozenDict, (self._data,)

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"


class LaterFrozenDict(FrozenDict):
    """A ``FrozenDict`` whose document is read only when a plugin first looks at it: ``read(text)``.

    The fast path types a valid invoice without building its dicts; most
    plugins never read ``Invoice.data``, and those that do get the same
    document the exact path would have given them.
    """

    __slots__ = ("_read", "_text", "_document")

    def __init__(self, read, text) -> None:
        object.__setattr__(self, "_read", read)
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_document", None)

    @property
    def _data(self) -> dict:
        if self._document is None:
            object.__setattr__(self, "_document", self._read(self._text))
        return self._document

    def __reduce__(self):
        return FrozenDict, (self._data,)


class FrozenList(Sequence):
    """A JSON array that can be read and not written."""

    __slots__ = ("_data",)

    def __init__(self, data: list) -> None:
        object.__setattr__(self, "_data", data)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return FrozenList(self._data[index])
        return frozen(self._data[index])

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other) -> bool:
        return self._data == (other._data if isinstance(other, FrozenList) else other)

    __hash__ = None

    def __setattr__(self, name, value):
        raise TypeError("the invoice is read-only")

    def __reduce__(self):
        return FrozenList, (self._data,)

    def __repr__(self) -> str:
        return f"FrozenList({self._data!r})"
