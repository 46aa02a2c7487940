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

from .model import Nomenclature
from .records import TERRITORIES, BdkRule, Fact, Price
from .tables import (
    ActCatalogue,
    ActEntry,
    BdkWindow,
    Change,
    CodeEntry,
    CodeTable,
    CoefficientSet,
    Coverage,
    HomePeriod,
    LetterCoefficients,
)

DATA_DIR = Path(__file__).parent / "data"
CONFIDENCES = ("H", "M", "L")
COVERAGE_MODES = ("complete", "partial", "unknown")
ACT_KINDS = ("rehabilitation", "isolated_bilan", "balneotherapy", "bandage")  # "bdk" acts come from bdk.toml
SUPPLEMENT_KINDS = ("balneotherapy", "bandage")
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

    def part(self, label: str, raw: object) -> _Entry:
        """An inline table inside this entry (an act's window), read with the same strictness."""
        sub = _Entry.__new__(_Entry)
        sub.where, sub._raw, sub._used = f"{self.where}, {label}", raw, set()
        if not isinstance(raw, dict):
            sub.fail("is not a table")
        return sub

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
        label = entry.text("label", required=False) or ""
        entry.done()
        record = CodeEntry(start, end, in_force, prices, replaced_by, fact, label)
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
            schedule_doubt=entry.text("schedule_doubt", required=False) or "",
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


# ---- acts.toml -------------------------------------------------------------------


def _letters_of(entry: _Entry, letters: set[str]) -> tuple[str, ...]:
    names = entry.codes("letters")
    if unknown := [x for x in names if x not in letters]:
        entry.fail(f"unknown letter(s) {', '.join(unknown)}: not in letters.toml")
    return names


def _home(path: Path, document: dict, specific: set[str]) -> dict[str, tuple[HomePeriod, ...]]:
    by_group: dict[str, list[tuple[date, date | None, _Entry, HomePeriod]]] = {}
    for entry in _entries(path, document, "home"):
        group = entry.text("group")
        start, end = entry.window()
        codes = entry.get("indemnities", True)
        if not isinstance(codes, list) or any(not isinstance(code, str) for code in codes):
            entry.fail("'indemnities' must be a list of fee codes (empty for IFD only)")
        if wrong := [code for code in codes if code not in specific]:
            entry.fail(f"{', '.join(wrong)}: not a fee of the group 'specific' in fees.toml")
        period = HomePeriod(start, end, frozenset(codes), entry.fact())
        entry.done()
        by_group.setdefault(group, []).append((start, end, entry, period))
    for group, items in by_group.items():
        _no_overlap([(s, e, entry) for s, e, entry, _ in items], f"home group {group}")
    return {group: tuple(p for *_, p in sorted(items, key=lambda i: i[0])) for group, items in by_group.items()}


def _act_windows(entry: _Entry) -> tuple[tuple[date, date | None, Decimal, Fact], ...]:
    raw = entry.get("windows", True)
    if not isinstance(raw, list) or not raw:
        entry.fail("'windows' must be a non-empty list of { from, until, coefficient, ... } tables")
    windows = []
    for index, item in enumerate(raw):
        window = entry.part(f"window {index + 1}", item)
        start, end = window.window()
        coefficient = window.decimal("coefficient")
        windows.append((start, end, coefficient, window.fact()))
        window.done()
    for (s0, e0, *_), (s1, *_rest) in zip(windows, windows[1:]):
        if e0 is None or e0 >= s1:
            entry.fail("windows must be in order and must not overlap")
    return tuple(windows)


def _included_supplements(entry: _Entry) -> frozenset[str]:
    """``includes``: the supplement kinds the act's coting already pays (RAV 15.5: the bandage)."""
    value = entry.get("includes", False)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or any(kind not in SUPPLEMENT_KINDS for kind in value):
        entry.fail(f"'includes' must be a list of supplement kinds {SUPPLEMENT_KINDS}, not {value!r}")
    return frozenset(value)


def _acts(path: Path, document: dict, letters: set[str], groups: set[str]) -> tuple[list[ActEntry], list[tuple]]:
    """The [[act]] entries, and the deletions they declare: (letter, on, old, billed_as, fact)."""
    acts, deletions = [], []
    for entry in _entries(path, document, "act"):
        letter = entry.text("letter")
        if letter not in letters:
            entry.fail(f"unknown letter {letter!r}: not in letters.toml")
        entry.where += f" ({letter})"
        home = entry.text("home")
        if home not in groups:
            entry.fail(f"home group {home!r} has no [[home]] entry")
        approval = entry.get("prior_approval", False)
        if approval is not None and (type(approval) is not int or approval < 0):
            entry.fail(f"'prior_approval' must be a whole number of sessions (0 = before the first), not {approval!r}")
        act = ActEntry(
            letter=letter,
            article=entry.text("article"),
            label=entry.text("label"),
            kind=entry.text("kind", choices=ACT_KINDS),
            home=home,
            prior_approval=approval,
            two_a_day=entry.flag("two_a_day"),
            note=entry.text("note", required=False) or "",
            windows=_act_windows(entry),
            includes=_included_supplements(entry),
        )
        deleted = entry.table("deleted", required=False)
        if deleted:
            sub = entry.part("deleted", deleted)
            on, billed_as = sub.date("on"), sub.decimal("billed_as")
            last_end = act.windows[-1][1]
            if last_end is None or on <= last_end:
                sub.fail("'on' must follow the act's last window")
            deletions.append((letter, on, act.windows[-1][2], billed_as, sub.fact()))
            sub.done()
        entry.done()
        acts.append(act)
    return acts, deletions


def _coefficients(path: Path, document: dict, letters: set[str], bdk: tuple[BdkWindow, ...],
                  acts: list[ActEntry], deletions: list[tuple]):
    """Each letter's coefficients by date, from the acts: one set per window, one change from a
    window to the next window of the same act, one per deletion, and how far the lists go."""
    sets: dict[str, list[CoefficientSet]] = {x: [] for x in letters}
    coverage: dict[str, list[tuple[date, date | None, _Entry, Coverage]]] = {x: [] for x in letters}
    changes: dict[str, list[Change]] = {x: [] for x in letters}

    for act in acts:
        for start, end, coefficient, fact in act.windows:
            sets[act.letter].append(CoefficientSet(start, end, frozenset((coefficient,)), fact))
        for (_, end, old, _), (start, _, new, fact) in zip(act.windows, act.windows[1:]):
            if old != new and end is not None and end + timedelta(days=1) == start:
                changes[act.letter].append(Change(start, fact, {old: new}))
    for letter, on, old, billed_as, fact in deletions:
        changes[letter].append(Change(on, fact, {old: billed_as}, deleted=True))

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


def _bdk_acts(bdk: tuple[BdkWindow, ...], labels: dict[str, str]) -> list[ActEntry]:
    """The BDK as acts of chapter I section 2, one per window, letter and kind."""
    return [ActEntry(letter, "I-2", labels.get(kind, f"BDK, {kind}"), "bdk", "none", None, False, "",
                     ((window.start, window.end, coefficient, window.rule.fact),))
            for window in bdk for letter in window.rule.letters
            for kind, coefficient in window.rule.coefficients.items()]


def _meanings(path: Path, document: dict, letters: set[str]) -> dict[str, str]:
    meanings = document.get("meanings", {})
    if not isinstance(meanings, dict):
        raise ValueError(f"{path}: [meanings] must be a table of LETTER = \"meaning\"")
    for letter, meaning in meanings.items():
        if letter not in letters:
            raise ValueError(f"{path}: [meanings] names {letter}, which has no [[letter]] entry")
        if not isinstance(meaning, str) or not meaning.strip():
            raise ValueError(f"{path}: [meanings] {letter} must be a non-empty string")
    return dict(meanings)


def _bdk_labels(path: Path, document: dict) -> dict[str, str]:
    labels = document.get("labels", {})
    if not isinstance(labels, dict) or any(not isinstance(v, str) or not v.strip() for v in labels.values()):
        raise ValueError(f"{path}: [labels] must be a table of kind = \"label\"")
    return labels


# ---- the whole ---------------------------------------------------------------------


def _build(directory: Path) -> Nomenclature:
    letters_path = directory / "letters.toml"
    letters_doc = _read(letters_path, {"letter", "meanings"})
    letters = _code_table(letters_path, letters_doc, "letter")
    fees_path = directory / "fees.toml"
    fees_doc = _read(fees_path, {"fee", "groups", "per_km"})
    fees = _code_table(fees_path, fees_doc, "fee")
    groups, per_km = _fee_groups(fees_path, fees_doc, fees.codes)
    known = set(letters.codes)
    meanings = _meanings(letters_path, letters_doc, known)
    bdk_path = directory / "bdk.toml"
    bdk_doc = _read(bdk_path, {"bdk", "labels"})
    bdk = _bdk(bdk_path, bdk_doc, known)
    acts_path = directory / "acts.toml"
    acts_doc = _read(acts_path, {"act", "home", "coverage"})
    specific = {code for code, group in groups.items() if group == "specific"}
    home = _home(acts_path, acts_doc, specific)
    acts, deletions = _acts(acts_path, acts_doc, known, set(home))
    books = _coefficients(acts_path, acts_doc, known, bdk, acts, deletions)
    catalogue = ActCatalogue(acts + _bdk_acts(bdk, _bdk_labels(bdk_path, bdk_doc)), home)
    return Nomenclature(letters=letters, fees=fees, fee_groups=groups, per_km=per_km, coefficients=books, bdk=bdk,
                        acts=catalogue, meanings=meanings)


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
