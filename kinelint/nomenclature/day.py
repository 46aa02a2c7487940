"""The nomenclature as it stands on one day in one territory: what a session is judged against.

Why: a plugin asks the same few questions of every act and fee of a session,
all on the session's date. Asked of the whole nomenclature, each question
hashes its (code, date, territory) key again; asked of the day, it is a
lookup by code in a dict that the day already holds. Days whose answers
cannot differ (one epoch, see ``DateEpochs``) share one ``Day``, built once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable

from .records import Act, BdkRule, CodeStatus, CoefficientStatus, Price
from .tables import by_pair

# Coefficients remembered per day: every one a batch bills, not every one a hostile file invents.
COEFFICIENTS_KEPT = 4096
# Billed combinations (``Line``) kept per day, on the same reasoning.
LINES_KEPT = 4096


class Line:
    """One combination billed on one Day: an act's (letter, coefficient, amount, bdk) or a fee's (code,
    quantity, amount); its ``base`` is the same without the numbers only some rules read: the act's
    (letter, coefficient, bdk), the fee's (code,) (a base's base is itself).

    Why: rule families remember their verdict on a combination (``Verdicts``); keyed by this
    object, a lookup hashes an identity, not the codes and decimals again, and the Day (epoch, territory,
    nomenclature) is part of the key by construction. A family whose verdict reads no amount keys it by
    the base: one verdict for every amount billed. The same combination on the same Day is the same
    ``Line`` while the Day keeps it (see ``Day.line``).
    """

    __slots__ = ("day", "key", "base")

    def __init__(self, day: "Day", key: tuple, base: "Line | None" = None) -> None:
        self.day = day
        self.key = key
        self.base = self if base is None else base

    def __repr__(self) -> str:
        return f"Line({self.key!r})"


def _keep(kept: dict, key: tuple, line: Line) -> Line:
    """``line``, kept as ``kept[key]`` while there is room."""
    if len(kept) < LINES_KEPT:
        kept[key] = line
    return line


# Verdicts one family remembers: every combination a batch bills (a few hundred per epoch), not every one a
# hostile batch of unique amounts invents (the Day caps its coefficient answers alike).
VERDICTS_KEPT = 8192


class Verdicts(dict):
    """A rule family's answers to "has this act (or fee, or session) anything to say?", by what decides it.

    Why: most acts of a batch repeat a few hundred combinations, so judging one becomes a dict lookup
    (``verdicts.get(key)``, in C). The key must hold every input of the answer: the Day (the date's
    epoch, territory and nomenclature: a ``Line`` holds its Day), then the codes and numbers the rule
    reads. Store the verdict, never the finding (findings name the session). Bounded: when full it starts
    again, so a batch of ever-new keys costs a judgement each, never unbounded memory.
    """

    __slots__ = ("limit",)

    def __init__(self, limit: int = VERDICTS_KEPT) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key, verdict):
        """Keep ``verdict`` for ``key`` and return it."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = verdict
        return verdict


class Remembered(dict):
    """The rule families' ``Verdicts`` on one nomenclature, by name ("TAR acts"), made on first ask.

    Why the nomenclature keeps them: they rest on its answers (their keys hold its Days), so they go
    with it; a caller that builds nomenclature after nomenclature does not keep the old ones alive.
    """

    __slots__ = ()

    def __missing__(self, name: str) -> Verdicts:
        verdicts = self[name] = Verdicts()
        return verdicts


class _Answers(dict):
    """Answers by key, computed on first ask; kept only while ``keep`` says so (bounded memory)."""

    __slots__ = ("_compute", "_keep")

    def __init__(self, compute: Callable, keep: Callable[[dict, object], bool]) -> None:
        super().__init__()
        self._compute = compute
        self._keep = keep

    def __missing__(self, key):
        answer = self._compute(key)
        if self._keep(self, key):
            self[key] = answer
        return answer


def _known(codes: tuple[str, ...]) -> Callable[[dict, object], bool]:
    known = frozenset(codes)
    return lambda answers, code: code in known


def _not_full(answers: dict, key: object) -> bool:
    return len(answers) < COEFFICIENTS_KEPT


class Day:
    """Every answer of the nomenclature on one date, in one territory.

    ``letter_status(letter)``, ``letter_value(letter)``, ``fee_status(code)``,
    ``fee_price(code)`` and ``coefficient_status(letter, coefficient)`` answer
    as the ``Nomenclature`` methods of the same names do on that date;
    ``bdk_rule`` is the BDK rule in force (or None); ``act(letter,
    coefficient)`` is the act of the table billed with that pair that day (or
    None). The code questions take the code positionally: each is a dict lookup.

    ``nomenclature`` is the ``Nomenclature`` that builds the day, used by its
    public queries only (this module does not import ``model``: one direction).
    """

    __slots__ = ("territory", "bdk_rule", "letter_status", "letter_value", "fee_status", "fee_price",
                 "_coefficients", "_acts", "_all_acts", "_letters", "lines", "_bases")

    def __init__(self, nomenclature, on: date, territory: str) -> None:
        letters, fees = nomenclature.known_letters(), nomenclature.known_fees()
        self.territory = territory
        self.bdk_rule: BdkRule | None = nomenclature.bdk_rule(on)
        # Bound ``__getitem__`` of a dict: the lookup runs in C, no Python frame per question.
        self.letter_status: Callable[[str], CodeStatus] = _Answers(
            lambda letter: nomenclature.letter_status(letter, on), _known(letters)).__getitem__
        self.letter_value: Callable[[str], Price | None] = _Answers(
            lambda letter: nomenclature.letter_value(letter, on, territory), _known(letters)).__getitem__
        self.fee_status: Callable[[str], CodeStatus] = _Answers(
            lambda code: nomenclature.fee_status(code, on), _known(fees)).__getitem__
        self.fee_price: Callable[[str], Price | None] = _Answers(
            lambda code: nomenclature.fee_price(code, on, territory), _known(fees)).__getitem__
        self._coefficients = _Answers(
            lambda key: nomenclature.coefficient_status(key[0], key[1], on), _not_full).__getitem__
        self._all_acts = nomenclature.acts_on(on)
        self._acts: Callable[[tuple[str, Decimal]], Act | None] = by_pair(self._all_acts).get
        self._letters: dict[Callable[[Act], bool], frozenset[str]] = {}
        # (letter, coefficient, amount, bdk) or (code, quantity, amount) -> its Line (``lines.get(key) or
        # day.line(key)``); the two kinds of key differ in length, so never meet. The bases apart.
        self.lines: dict[tuple, Line] = {}
        self._bases: dict[tuple, Line] = {}

    def line(self, key: tuple) -> Line:
        """The ``Line`` of a combination billed that day: kept, so the same one next time, while there is
        room (``LINES_KEPT`` lines, as many bases); past that a new one each time (verdicts on it are then
        not reused)."""
        line = self.lines.get(key)
        if line is None:
            base_key = (key[0], key[1], key[3]) if len(key) == 4 else (key[0],)
            base = self._bases.get(base_key) or _keep(self._bases, base_key, Line(self, base_key))
            line = _keep(self.lines, key, Line(self, key, base))
        return line

    def act(self, letter: str, coefficient: Decimal) -> Act | None:
        """The act in force that day for (letter, coefficient), indemnities resolved for that day; None if none."""
        return self._acts((letter, coefficient))

    def letters_where(self, test: Callable[[Act], bool]) -> frozenset[str]:
        """The letters with at least one act that day for which ``test`` is true, kept per day and test.

        Why: a plugin that cares about a few acts (two a day, supplements) tests a
        session's letters against this set and looks up only the acts it may care
        about. ``test`` should be a module-level function (the key of the answer).
        """
        letters = self._letters.get(test)
        if letters is None:
            letters = self._letters[test] = frozenset(act.letter for act in self._all_acts if test(act))
        return letters

    def coefficient_status(self, letter: str, coefficient: Decimal) -> CoefficientStatus:
        return self._coefficients((letter, coefficient))
