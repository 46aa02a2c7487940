"""Globs for ``per-file-ignores``, matched in time linear in the path (no backtracking).

A glob is read as git and ruff read one: ``*`` and ``?`` stay within one
directory, ``**`` crosses them, ``**/`` is zero or more directories, ``[...]``
is a set of characters (``!`` or ``^`` first negates it; ``a-z`` a range).
A regular expression made from a glob can backtrack for ever on a pattern such
as ``*a*a*a*a*a*a*a*a*a*a*a*a*b``; here the pattern is run as a set of states
(a Thompson simulation): each character of the path moves every live state
once, so a match costs at most (path length x pattern length) steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinelint.i18n import msg

_ANY_DEPTH = "**"  # any run of characters, "/" included
_ANY = "*"  # any run of characters but "/"
_ONE = "?"  # one character but "/"
_DIRS = "**/"  # zero or more whole directories: marks a star-then-"/" that may be skipped whole


class GlobError(ValueError):
    """A glob that cannot be read (an unclosed ``[`` or a reversed range); ``args[0]`` is the message."""


@dataclass(frozen=True)
class _Set:
    negated: bool
    singles: frozenset[str]
    ranges: tuple[tuple[str, str], ...]

    def holds(self, char: str) -> bool:
        inside = char in self.singles or any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated and char != "/"


class Glob:
    """One compiled glob; ``matches(path)`` on a POSIX path."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._tokens = _tokens(pattern)

    def matches(self, path: str) -> bool:
        tokens, end = self._tokens, len(self._tokens)
        states = self._closure({0})
        for char in path:
            following = set()
            for state in states:
                if state == end:
                    continue
                token = tokens[state]
                if token == _ANY_DEPTH or (token == _ANY and char != "/"):
                    following.add(state)  # the star takes this character and stays
                elif (token == _ONE and char != "/") or (isinstance(token, _Set) and token.holds(char)) \
                        or token == char:
                    following.add(state + 1)
            if not following:
                return False
            states = self._closure(following)
        return end in states

    def _closure(self, states: set[int]) -> set[int]:
        """The states reachable without reading a character: a star that matches nothing, and
        ``**/`` (a star then "/") skipped whole for zero directories."""
        stack, seen = list(states), set(states)
        while stack:
            state = stack.pop()
            token = self._tokens[state] if state < len(self._tokens) else None
            if token in (_ANY, _ANY_DEPTH, _DIRS):
                for after in (state + 1, state + 3) if token == _DIRS else (state + 1,):
                    if after not in seen:
                        seen.add(after)
                        stack.append(after)
        return seen


def _tokens(pattern: str) -> list:
    pattern = pattern.removeprefix("./")
    if pattern.endswith("/"):
        pattern += "**"
    tokens: list = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            tokens += [_DIRS, _ANY_DEPTH, "/"]  # a star across directories then "/", or neither
            index += 3
        elif pattern.startswith("**", index):
            tokens.append(_ANY_DEPTH)
            index += 2
        elif pattern[index] in "*?":
            tokens.append(pattern[index])
            index += 1
        elif pattern[index] == "[":
            token, index = _set(pattern, index)
            tokens.append(token)
        else:
            if pattern[index] == "\\" and index + 1 < len(pattern):
                index += 1  # an escaped character stands for itself
            tokens.append(pattern[index])
            index += 1
    return tokens


def _set(pattern: str, start: int) -> tuple[_Set, int]:
    index = start + 1
    negated = index < len(pattern) and pattern[index] in "!^"
    index += negated
    singles: set[str] = set()
    ranges: list[tuple[str, str]] = []
    first = True
    while index < len(pattern) and (pattern[index] != "]" or first):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            index += 1
            char = pattern[index]
        if index + 2 < len(pattern) and pattern[index + 1] == "-" and pattern[index + 2] != "]":
            high = pattern[index + 2]
            if high < char:
                raise GlobError(msg("the range {low}-{high} in {pattern} runs backwards", low=char, high=high,
                                    pattern=repr(pattern)))
            ranges.append((char, high))
            index += 3
        else:
            singles.add(char)
            index += 1
        first = False
    if index >= len(pattern):
        raise GlobError(msg("the [ at character {number} of {pattern} is never closed", number=start + 1,
                            pattern=repr(pattern)))
    return _Set(negated, frozenset(singles), tuple(ranges)), index + 1
