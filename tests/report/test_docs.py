"""The rules reference is generated from the rules' metadata and kept up to date."""

from conftest import REPO, run_cli

from kinelint.report.docs import builtin_rules, rules_reference
from kinelint.check.host import PluginHost

FAMILIES = ("PRS", "SCH", "CUM", "BDK", "OBS", "COE", "TAR", "CON", "DAP", "PRE", "DAY", "DIR", "LAT")


def test_docs_rules_md_is_up_to_date():
    expected = rules_reference(builtin_rules(PluginHost.from_entry_points()))
    actual = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `python -m kinelint.report.docs > docs/rules.md`"


def test_every_builtin_rule_is_fully_documented():
    rules = builtin_rules(PluginHost.from_entry_points())
    assert {rule.family for rule in rules} == set(FAMILIES)
    for rule in rules:
        if rule.code == "SCH099":  # the catch-all for schema keywords without a code of their own
            continue
        for field in ("name", "summary", "rationale", "source", "bad_example", "good_example"):
            assert getattr(rule, field).strip(), f"{rule.code} has no {field}"


def test_kinelint_rules_lists_every_family():
    listing = run_cli("rules").stdout.decode()
    for family in FAMILIES:
        assert f"\n{family}0" in "\n" + listing, family


def test_kinelint_rule_shows_a_plugin_rule_page():
    page = run_cli("rule", "OBS002").stdout.decode()
    assert "## OBS002" in page and "**Source.**" in page and "RPE" in page


def test_a_rule_that_needs_optional_fields_says_which():
    page = run_cli("rule", "DAY002").stdout.decode()
    assert "**Needs.** `sessions[].start_time`, `sessions[].duration_minutes`: optional fields" in page
    french = run_cli("rule", "DAY002", "--lang", "fr").stdout.decode()
    assert "**Champs requis.** `sessions[].start_time`" in french
    assert "**Needs.**" not in run_cli("rule", "TAR001").stdout.decode()  # reads only required fields
