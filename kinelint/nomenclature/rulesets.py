"""Rule sets: named, dated releases of the built-in rules, so that a batch can pin what it is checked against.

A pinned batch gets no new kind of finding on an upgrade: the rules of later sets stay off unless
``--preview`` asks for them (as ruff's preview mode). The sets are data (``data/rulesets.toml``), read
once; the host stamps each built-in rule with the set it came in (``Rule.ruleset``), and the
configuration turns off the rules of the sets after the pinned one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "rulesets.toml"
NAME_PATTERN = re.compile(r"^[0-9]{4}\.[1-9][0-9]*$")  # YEAR.N


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    date: date
    summary: str
    codes: frozenset[str]
    families: frozenset[str]
    corrections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleSets:
    """Every rule set, oldest first."""

    sets: tuple[RuleSet, ...]

    @property
    def newest(self) -> RuleSet:
        return self.sets[-1]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(ruleset.name for ruleset in self.sets)

    def named(self, name: str) -> RuleSet | None:
        return next((ruleset for ruleset in self.sets if ruleset.name == name), None)

    def of(self, code: str) -> RuleSet | None:
        """The set a built-in rule came in: the one that lists the code, else the one that names its family."""
        listed = next((ruleset for ruleset in self.sets if code in ruleset.codes), None)
        if listed is not None:
            return listed
        return next((ruleset for ruleset in self.sets if code[:3] in ruleset.families), None)

    def after(self, pinned: str, ruleset: str) -> bool:
        """``ruleset`` came after ``pinned`` (both names of this file)."""
        return self.names.index(ruleset) > self.names.index(pinned)


@lru_cache(maxsize=1)
def load_rulesets(path: Path = DATA_FILE) -> RuleSets:
    """The rule sets of ``data/rulesets.toml``; a malformed file is a ValueError naming the set (a data error)."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    found = []
    for raw in document.get("ruleset", []):
        name = raw.get("name", "?")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise ValueError(f"rule set {name!r}: a name is YEAR.N (2026.1)")
        if not isinstance(raw.get("date"), date):
            raise ValueError(f"rule set {name}: date must be a TOML date")
        found.append(RuleSet(name, raw["date"], raw.get("summary", ""), frozenset(raw.get("codes", [])),
                             frozenset(raw.get("families", [])), tuple(raw.get("corrections", []))))
    if not found:
        raise ValueError(f"{path}: no rule set")
    if len({ruleset.name for ruleset in found}) != len(found):
        raise ValueError(f"{path}: a rule set name is used twice")
    if [ruleset.date for ruleset in found] != sorted(ruleset.date for ruleset in found):
        raise ValueError(f"{path}: rule sets must be listed oldest first")
    return RuleSets(tuple(found))
