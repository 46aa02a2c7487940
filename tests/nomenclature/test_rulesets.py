"""Rule sets as data: every built-in rule belongs to exactly one set, names and dates are in order, and the
CHANGELOG lists each set's corrections of wrong facts (nomenclature/data/rulesets.toml)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import REPO

from kinelint.check.host import PluginHost
from kinelint.findings import Rule
from kinelint.nomenclature.rulesets import NAME_PATTERN, load_rulesets
from kinelint.report.docs import builtin_rules

SETS = load_rulesets()
ISSUE_18_FAMILIES = ("PRE", "DAY", "DIR", "LAT")  # the rules issue 18 added: the current set
ADAPTER_CODES = ("PRS010", "PRS011")  # issue 19's input adapters: the current set too (never off under a pin)


@pytest.fixture(scope="module")
def builtin():
    return {rule.code: rule for rule in builtin_rules(PluginHost.from_entry_points())}


def test_every_rule_kinelint_ships_belongs_to_a_rule_set(builtin):
    strays = sorted(code for code, rule in builtin.items() if not rule.ruleset)
    assert not strays, (f"{strays} belong to no rule set: list them (or their family, in the newest set) in "
                        "kinelint/nomenclature/data/rulesets.toml")
    assert all(rule.ruleset == SETS.of(code).name for code, rule in builtin.items())  # the host stamps the set


def test_no_rule_is_claimed_by_two_sets():
    for code in {code for ruleset in SETS.sets for code in ruleset.codes}:
        claims = [r.name for r in SETS.sets if code in r.codes or code[:3] in r.families]
        assert len(claims) == 1, f"{code} is in rule sets {claims}"


def test_every_code_a_set_lists_is_a_rule_kinelint_ships(builtin):
    listed = {code for ruleset in SETS.sets for code in ruleset.codes}
    assert listed <= set(builtin), f"listed but no such rule: {sorted(listed - set(builtin))}"
    families = {family for ruleset in SETS.sets for family in ruleset.families}
    assert families <= {code[:3] for code in builtin}


def test_only_the_newest_set_names_whole_families():
    """An older set's family would take in a rule added later: its codes are written out when a set is cut."""
    for ruleset in SETS.sets[:-1]:
        assert not ruleset.families, f"{ruleset.name} names families {sorted(ruleset.families)}: list its codes"


def test_the_previous_set_is_the_rules_before_issue_18_and_the_current_one_issue_18s(builtin):
    previous, current = SETS.named("2026.1"), SETS.named("2026.2")
    assert SETS.sets[-2:] == (previous, current) and SETS.newest is current
    for code, rule in builtin.items():
        assert rule.ruleset == ("2026.2" if code[:3] in ISSUE_18_FAMILIES or code in ADAPTER_CODES else "2026.1"), code
    assert {"PRE001", "DAY001", "DAY002", "DIR001", "DIR002"} <= {c for c, r in builtin.items() if r.ruleset == "2026.2"}
    assert SETS.of("PRE004").name == "2026.2"  # a rule of the family still being written joins the current set
    assert SETS.of("CUM099") is None  # a new rule of an older family belongs to no set until it is listed


def test_names_are_year_dot_n_and_the_sets_in_date_order():
    assert all(NAME_PATTERN.match(name) for name in SETS.names)
    assert [r.date for r in SETS.sets] == sorted(r.date for r in SETS.sets)
    assert len(set(SETS.names)) == len(SETS.names)
    assert SETS.after("2026.1", "2026.2") and not SETS.after("2026.2", "2026.1") and not SETS.after("2026.1", "2026.1")


@pytest.mark.parametrize("text, problem", [
    ('[[ruleset]]\nname = "2026"\ndate = 2026-01-01\n', "YEAR.N"),
    ('[[ruleset]]\nname = "2026.1"\ndate = "2026-01-01"\n', "TOML date"),
    ('[[ruleset]]\nname = "2026.1"\ndate = 2026-01-01\n[[ruleset]]\nname = "2026.1"\ndate = 2026-02-01\n', "twice"),
    ('[[ruleset]]\nname = "2026.2"\ndate = 2026-02-01\n[[ruleset]]\nname = "2026.1"\ndate = 2026-01-01\n', "oldest first"),
    ("", "no rule set"),
])
def test_a_malformed_rule_set_file_says_what_is_wrong(tmp_path, text, problem):
    path = tmp_path / "rulesets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_rulesets(path)


def test_a_rule_set_file_read_as_written(tmp_path):
    path = tmp_path / "rulesets.toml"
    path.write_text('[[ruleset]]\nname = "2027.1"\ndate = 2027-01-04\ncodes = ["TAR001"]\nfamilies = ["ZZZ"]\n'
                    'corrections = ["a fact"]\n', encoding="utf-8")
    (only,) = load_rulesets(path).sets
    assert (only.name, only.date, only.codes, only.families, only.corrections) == (
        "2027.1", date(2027, 1, 4), {"TAR001"}, {"ZZZ"}, ("a fact",))


def test_a_third_party_rule_is_in_no_rule_set_even_in_a_family_a_set_names():
    class Plugin:
        from kinelint.hookspecs import hookimpl

        @staticmethod
        @hookimpl
        def kinelint_rules():
            return [Rule("PRE900", "outsider", "error", "s", "r", "src", ruleset="2026.2"),
                    Rule("ZZQ001", "other", "error", "s", "r", "src")]

    host = PluginHost.from_entry_points(extra=[("outsider", Plugin)])
    assert host.rules["PRE900"].ruleset == "" and host.rules["ZZQ001"].ruleset == ""
    assert host.rules["PRE001"].ruleset == "2026.2" and host.rules["PRS001"].ruleset == "2026.1"


def changelog_section(name: str) -> str:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    found = re.search(rf"^### Rule set {re.escape(name)} \(([0-9-]+)\)\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    assert found, f"CHANGELOG.md has no '### Rule set {name} (date)' section"
    return found.group(1), " ".join(found.group(2).split())


@pytest.mark.parametrize("ruleset", SETS.sets, ids=SETS.names)
def test_the_changelog_lists_each_rule_set_with_its_corrections_of_wrong_facts(ruleset):
    day, section = changelog_section(ruleset.name)
    assert day == ruleset.date.isoformat()
    for correction in ruleset.corrections:
        assert " ".join(correction.split()) in section, f"{ruleset.name}: the CHANGELOG misses: {correction}"
    if not ruleset.corrections:
        assert "no correction of facts" in section.lower()
    for family in ruleset.families:
        assert family in section
