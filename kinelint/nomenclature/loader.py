"""Read the nomenclature's TOML files into the indexed tables, strictly.

Why strict: the data files are the only place facts live, so a mistyped key,
a float where an exact amount belongs, or two windows that overlap must stop
the load with the file and entry named, not become a wrong finding later.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

from .model import TERRITORIES, BdkRule, Fact, Nomenclature, Price
from .tables import (
    BdkWindow,
    Change,
    CodeEntry,
    CodeTable,
    CoefficientSet,
    Coverage,
    LetterCoefficients,
)

DATA_DIR = Path(__file__).parent / "data"
CONFIDENCES = ("H", "M", "L")
COVERAGE_MODES = ("complete", "partial", "unknown")
_CODE = re.compile(r"[A-Z]{2,4}")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


class _Entry:
    """One [[table]] of a data file, read key by key so every error names its place."""

    def __init__(self, path: Path, table: str, index: int, raw: object) -> None:
        self.where = f"{path}: [[{table}]] entry {index + 1}"
        if not isinstance(raw, dict):
            self.fail("is not a table")
        names = raw.get("codes", raw.get("letters"))
        if isinstance(names, list):
            self.where += f" ({', '.join(map(str, names))})"
        self._raw = raw
        self._used: set[str] = set()

    def fail(self, problem: str) -> NoReturn:
        raise ValueError(f"{self.where}: {problem}")

    def get(self, key: str, required: bool):
        self._used.add(key)
        if key not in self._raw:
            if required:
                self.fail(f"missing key {key!r}")
            return None
        return self._raw[key]

    def date(self, key: str, required: bool = True) -> date | None:
        value = self.get(key, required)
        if value is not None and type(value) is not date:
            self.fail(f"{key!r} must be a TOML date such as 2024-02-22, not {value!r}")
        return value

    def number(self, value: object, what: str) -> Decimal:
        if not isinstance(value, str) or not _NUMBER.fullmatch(value):
            self.fail(f'{what} must be a decimal written as a string such as "2.21", not {value!r}')
        return Decimal(value)

    def decimal(self, key: str, required: bool = True) -> Decimal | None:
        value = self.get(key, required)
        return None if value is None else self.number(value, repr(key))

    def text(self, key: str, required: bool = True, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key!r} must be a non-empty string, not {value!r}")
        if choices and value not in choices:
            self.fail(f"{key!r} must be one of {choices}, not {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key, False)
        if value is not None and type(value) is not bool:
            self.fail(f"{key!r} must be true or false, not {value!r}")
        return bool(value)

    def integer(self, value: object, what: str) -> int:
        if type(value) is not int or value < 1:
            self.fail(f"{what} must be a positive integer, not {value!r}")
        return value

    def table(self, key: str, required: bool = True) -> dict:
        value = self.get(key, required)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(f"{key!r} must be a table, not {value!r}")
        return value

    def codes(self, key: str) -> tuple[str, ...]:
        value = self.get(key, True)
        if not isinstance(value, list) or not value:
            self.fail(f"{key!r} must be a non-empty list of codes")
        for code in value:
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                self.fail(f"{key!r}: {code!r} is not a code of 2 to 4 capital letters")
        if len(set(value)) != len(value):
            self.fail(f"{key!r} lists a code twice")
        return tuple(value)

    def window(self) -> tuple[date, date | None]:
        start, end = self.date("from"), self.date("until", required=False)
        if end is not None and end < start:
            self.fail(f"'until' {end} is before 'from' {start}")
        return start, end

    def fact(self) -> Fact:
        return Fact(
            source=self.text("source"),
            confidence=self.text("confidence", choices=CONFIDENCES),
            note=self.text("note", required=False) or "",
            flagged=self.flag("uncertain"),
        )

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._used)
        if unknown:
            self.fail(f"unknown key(s) {', '.join(unknown)}")


def _read(path: Path, allowed: set[str]) -> dict:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ValueError(f"{path}: nomenclature data file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise ValueError(f"{path}: unknown top-level key(s) {', '.join(unknown)}; expected {sorted(allowed)}")
    return document


def _entries(path: Path, document: dict, table: str) -> list[_Entry]:
    raw = document.get(table, [])
    if not isinstance(raw, list):
        raise ValueError(f"{path}: {table!r} must be an array of tables ([[{table}]])")
    return [_Entry(path, table, i, item) for i, item in enumerate(raw)]


def _no_overlap(items: list[tuple[date, date | None, _Entry]], what: str) -> None:
    """Windows of one code (sorted by start) may not overlap: an answer must be unique."""
    items.sort(key=lambda item: item[0])
    for (_, end, _), (start, _, entry) in zip(items, items[1:]):
        if end is None or end >= start:
            entry.fail(f"{what}: this window overlaps an earlier one")


# ---- letters.toml, fees.toml -------------------------------------------------


def _code_table(path: Path, document: dict, table: str) -> CodeTable:
    by_code: dict[str, list[tuple[date, date | None, _Entry, CodeEntry]]] = {}
    for entry in _entries(path, document, table):
        codes = entry.codes("codes")
        start, end = entry.window()
        in_force = (entry.text("state", required=False, choices=("in_force", "retired")) or "in_force") == "in_force"
        fact = entry.fact()
        prices = {}
        for territory in TERRITORIES:
            amount = entry.decimal(territory, required=False)
            if amount is not None:
                prices[territory] = Price(amount, fact)
        if prices and not in_force:
            entry.fail("a retired window has no price")
        replaced_by = entry.text("replaced_by", required=False)
        entry.done()
        record = CodeEntry(start, end, in_force, prices, replaced_by, fact)
        for code in codes:
            by_code.setdefault(code, []).append((start, end, entry, record))
    for code, items in by_code.items():
        _no_overlap([(s, e, entry) for s, e, entry, _ in items], code)
        items.sort(key=lambda item: item[0])
        if not items[0][3].in_force:
            items[0][2].fail(f"{code}: the first window of a code must be in force")
    return CodeTable({code: [record for *_, record in items] for code, items in by_code.items()})


def _fee_groups(path: Path, document: dict, codes: tuple[str, ...]) -> tuple[dict[str, str], frozenset[str]]:
    groups = document.get("groups", {})
    if not isinstance(groups, dict):
        raise ValueError(f"{path}: [groups] must be a table of group = [codes]")
    by_code: dict[str, str] = {}
    for group, members in groups.items():
        if not isinstance(members, list):
            raise ValueError(f"{path}: [groups] {group}: must be a list of codes")
        for code in members:
            if code in by_code:
                raise ValueError(f"{path}: [groups] {code} is in both {by_code[code]!r} and {group!r}")
            by_code[code] = group
    if missing := sorted(set(codes) - set(by_code)):
        raise ValueError(f"{path}: [groups] has no group for {', '.join(missing)}")
    if extra := sorted(set(by_code) - set(codes)):
        raise ValueError(f"{path}: [groups] names {', '.join(extra)} but no [[fee]] entry does")
    per_km = document.get("per_km", [])
    if not isinstance(per_km, list) or not set(per_km) <= set(codes):
        raise ValueError(f"{path}: per_km must be a list of fee codes that have [[fee]] entries, not {per_km!r}")
    return by_code, frozenset(per_km)


# ---- bdk.toml ------------------------------------------------------------------


def _bdk(path: Path, document: dict, letters: set[str]) -> tuple[BdkWindow, ...]:
    windows = []
    for entry in _entries(path, document, "bdk"):
        rule_letters = entry.codes("letters")
        if unknown := [x for x in rule_letters if x not in letters]:
            entry.fail(f"unknown letter(s) {', '.join(unknown)}: not in letters.toml")
        start, end = entry.window()
        coefficients = {k: entry.number(v, f"coefficients.{k}") for k, v in entry.table("coefficients").items()}
        if not coefficients:
            entry.fail("'coefficients' is empty")
        first = {k: entry.integer(v, f"first_renewal.{k}") for k, v in entry.table("first_renewal").items()}
        every = {k: entry.integer(v, f"renewal_every.{k}") for k, v in entry.table("renewal_every").items()}
        if set(first) != set(every) or not set(first) <= set(coefficients):
            entry.fail("first_renewal and renewal_every must name the same kinds, all in 'coefficients'")
        min_series = entry.get("min_series", False)
        rule = BdkRule(
            letters=rule_letters,
            coefficients=coefficients,
            first_renewal=first,
            renewal_every=every,
            min_series=None if min_series is None else entry.integer(min_series, "'min_series'"),
            required_at_first_session=entry.flag("required_at_first_session"),
            telecare_first_session_allowed=entry.flag("telecare_first_session_allowed"),
            fact=entry.fact(),
        )
        entry.done()
        windows.append((start, end, entry, BdkWindow(start, end, rule)))
    _no_overlap([(s, e, entry) for s, e, entry, _ in windows], "BDK")
    return _with_coefficient_runs(tuple(window for *_, window in sorted(windows, key=lambda w: w[0])))


def _with_coefficient_runs(windows: tuple[BdkWindow, ...]) -> tuple[BdkWindow, ...]:
    """Give each rule the first and last day of the run of adjacent windows sharing its coefficients."""
    def same_run(a: BdkWindow, b: BdkWindow) -> bool:
        return (a.end is not None and a.end + timedelta(days=1) == b.start
                and a.rule.coefficients == b.rule.coefficients)

    result = list(windows)
    for index, window in enumerate(windows):
        first = last = index
        while first > 0 and same_run(windows[first - 1], windows[first]):
            first -= 1
        while last + 1 < len(windows) and same_run(windows[last], windows[last + 1]):
            last += 1
        rule = replace(window.rule, coefficients_since=windows[first].start, coefficients_until=windows[last].end)
        result[index] = BdkWindow(window.start, window.end, rule)
    return tuple(result)


def _bdk_as_coefficients(bdk: tuple[BdkWindow, ...], sets: dict, changes: dict) -> None:
    """The BDK coefficients are coefficients of their letters; a kind whose value
    differs between two adjacent windows (8.1 -> 10.7) has the new one as successor."""
    for window in bdk:
        for letter in window.rule.letters:
            values = frozenset(window.rule.coefficients.values())
            sets[letter].append(CoefficientSet(window.start, window.end, values, window.rule.fact))
    for before, after in zip(bdk, bdk[1:]):
        if before.end is None or before.end + timedelta(days=1) != after.start:
            continue
        old, new = before.rule.coefficients, after.rule.coefficients
        mapping = {old[k]: new[k] for k in old if k in new and old[k] != new[k]}
        if mapping:
            for letter in set(before.rule.letters) & set(after.rule.letters):
                changes[letter].append(Change(after.start, after.rule.fact, mapping))


# ---- coefficients.toml -----------------------------------------------------------


def _letters_of(entry: _Entry, letters: set[str]) -> tuple[str, ...]:
    names = entry.codes("letters")
    if unknown := [x for x in names if x not in letters]:
        entry.fail(f"unknown letter(s) {', '.join(unknown)}: not in letters.toml")
    return names


def _change(entry: _Entry) -> Change:
    on = entry.date("on")
    mapping_raw = entry.table("map", required=False)
    shift = entry.decimal("shift", required=False)
    low, high = entry.decimal("min", required=False), entry.decimal("max", required=False)
    if bool(mapping_raw) == (shift is not None):
        entry.fail("give either 'map' or 'shift' (with 'min' and 'max')")
    if shift is not None and (low is None or high is None or high < low):
        entry.fail("'shift' needs 'min' <= 'max': the coefficients it applies to")
    if mapping_raw and (low is not None or high is not None):
        entry.fail("'min'/'max' only go with 'shift'")
    mapping = {entry.number(k, f"map key {k!r}"): entry.number(v, f"map.{k}") for k, v in mapping_raw.items()}
    return Change(on, entry.fact(), mapping, shift, low, high, entry.flag("deleted"))


def _coefficients(path: Path, document: dict, letters: set[str], bdk: tuple[BdkWindow, ...]):
    sets: dict[str, list[CoefficientSet]] = {x: [] for x in letters}
    coverage: dict[str, list[tuple[date, date | None, _Entry, Coverage]]] = {x: [] for x in letters}
    changes: dict[str, list[Change]] = {x: [] for x in letters}

    for entry in _entries(path, document, "listed"):
        names = _letters_of(entry, letters)
        start, end = entry.window()
        raw = entry.get("coefficients", True)
        if not isinstance(raw, list) or not raw:
            entry.fail("'coefficients' must be a non-empty list of strings")
        values = frozenset(entry.number(v, "each coefficient") for v in raw)
        record = CoefficientSet(start, end, values, entry.fact())
        entry.done()
        for letter in names:
            sets[letter].append(record)

    for entry in _entries(path, document, "change"):
        names = _letters_of(entry, letters)
        record = _change(entry)
        entry.done()
        for letter in names:
            changes[letter].append(record)

    for entry in _entries(path, document, "coverage"):
        names = _letters_of(entry, letters)
        start, end = entry.window()
        mode = entry.text("list", choices=COVERAGE_MODES)
        fact = entry.fact()
        if mode != "complete":  # an incomplete list can only ground an uncertain "never"
            fact = Fact(fact.source, fact.confidence, fact.note, flagged=True)
        entry.done()
        for letter in names:
            coverage[letter].append((start, end, entry, Coverage(start, end, mode, fact)))

    _bdk_as_coefficients(bdk, sets, changes)
    books = {}
    for letter in letters:
        _no_overlap([(s, e, entry) for s, e, entry, _ in coverage[letter]], f"coverage of {letter}")
        books[letter] = LetterCoefficients(letter, sets[letter], [c for *_, c in coverage[letter]], changes[letter])
    return books


# ---- the whole ---------------------------------------------------------------------


def _build(directory: Path) -> Nomenclature:
    letters_path = directory / "letters.toml"
    letters = _code_table(letters_path, _read(letters_path, {"letter"}), "letter")
    fees_path = directory / "fees.toml"
    fees_doc = _read(fees_path, {"fee", "groups", "per_km"})
    fees = _code_table(fees_path, fees_doc, "fee")
    groups, per_km = _fee_groups(fees_path, fees_doc, fees.codes)
    known = set(letters.codes)
    bdk_path = directory / "bdk.toml"
    bdk = _bdk(bdk_path, _read(bdk_path, {"bdk"}), known)
    coefficients_path = directory / "coefficients.toml"
    books = _coefficients(
        coefficients_path, _read(coefficients_path, {"listed", "change", "coverage"}), known, bdk
    )
    return Nomenclature(letters=letters, fees=fees, fee_groups=groups, per_km=per_km, coefficients=books, bdk=bdk)


@lru_cache(maxsize=1)
def _default() -> Nomenclature:
    return _build(DATA_DIR)


def load_nomenclature(directory: Path | None = None) -> Nomenclature:
    """The nomenclature from `directory`, or kinelint's own data (loaded once).

    A malformed file raises ValueError naming the file and the entry.
    """
    if directory is None:
        return _default()
    return _build(Path(directory))
