"""Pinned rule sets through the real command: a pin keeps the rules of later sets off, --preview runs them,
an unknown name is a usage error, and third-party rules are not governed by rule sets."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import REPO, install_fake_plugin, run_cli
from test_rules_consistency import write_jsonl
from test_rules_day import patient_invoice

from kinelint import __version__
from kinelint.nomenclature.rulesets import load_rulesets

# Examples that trigger the rules of 2026.2 (issue 18), and one older rule beside them.
NEW_RULE_EXAMPLES = ("examples/faulty/pre-travel-fee-without-home-care.json",
                     "examples/faulty/day-overlapping-sessions.jsonl",
                     "examples/faulty/dir-ninth-session-without-diagnosis.json",
                     "examples/faulty/tar-one-cent-off.json")
NEW_FAMILIES = ("PRE", "DAY", "DIR")


def codes(*args, cwd=REPO, env_path=None):
    result = run_cli("check", "--format", "json", *args, cwd=cwd, env_path=env_path)
    assert result.returncode in (0, 1), result.stderr.decode()
    report = json.loads(result.stdout)
    return {finding["code"] for finding in report["findings"]}, report


@pytest.fixture
def project(tmp_path):
    """The examples that trigger PRE001, DAY002 and DIR001 (and TAR001), and a batch of 41 sessions of one
    practitioner on one day (DAY001)."""
    for example in NEW_RULE_EXAMPLES:
        shutil.copy(REPO / example, tmp_path)
    write_jsonl(tmp_path / "busy-day.jsonl", *[patient_invoice(n) for n in range(41)])
    return tmp_path


def test_the_examples_trigger_the_new_rules_unpinned(project):
    found, report = codes(".", cwd=project)
    assert {"PRE001", "DAY001", "DAY002", "DIR001", "TAR001"} <= found
    assert report["tool"] == {"name": "kinelint", "version": __version__, "ruleset": "2026.2", "preview": False}


def test_pinning_the_previous_rule_set_keeps_the_new_rules_off_and_preview_runs_them(project):
    pinned, report = codes("--ruleset", "2026.1", ".", cwd=project)
    assert "TAR001" in pinned  # the rules of 2026.1 still run
    assert not {code for code in pinned if code[:3] in NEW_FAMILIES}, pinned
    assert report["summary"]["warnings"] == 0 and report["tool"]["ruleset"] == "2026.1"
    previewed, report = codes("--ruleset", "2026.1", "--preview", ".", cwd=project)
    assert {"PRE001", "DAY001", "DAY002", "DIR001", "TAR001"} <= previewed
    assert report["tool"] == {"name": "kinelint", "version": __version__, "ruleset": "2026.1", "preview": True}


def test_a_pinned_rule_set_counts_no_money_of_the_rules_it_keeps_off(project):
    _, report = codes("--ruleset", "2026.1", ".", cwd=project)
    assert "PRE" not in report["summary"].get("money", {})
    _, report = codes(".", cwd=project)
    assert "PRE" in report["summary"]["money"]


@pytest.mark.parametrize("config_name, text", [
    ("kinelint.toml", 'ruleset = "2026.1"\n'),
    ("pyproject.toml", '[tool.kinelint]\nruleset = "2026.1"\n'),
])
def test_the_configuration_pins_the_rule_set(project, config_name, text):
    (project / config_name).write_text(text, encoding="utf-8")
    pinned, report = codes(".", cwd=project)
    assert not {code for code in pinned if code[:3] in NEW_FAMILIES} and "TAR001" in pinned
    assert report["tool"]["ruleset"] == "2026.1"
    previewed, _ = codes("--preview", ".", cwd=project)
    assert {"PRE001", "DAY001", "DIR001"} <= previewed
    newest, _ = codes("--ruleset", "2026.2", ".", cwd=project)  # the command line wins over the file
    assert {"PRE001", "DAY001", "DIR001"} <= newest


def test_preview_in_the_configuration_and_no_preview_on_the_command_line(project):
    (project / "kinelint.toml").write_text('ruleset = "2026.1"\npreview = true\n', encoding="utf-8")
    assert "PRE001" in codes(".", cwd=project)[0]
    assert "PRE001" not in codes("--no-preview", ".", cwd=project)[0]


def test_selecting_a_later_rule_does_not_turn_it_on_under_a_pin(project):
    """A pin is a promise about the kinds of finding: select narrows it, only --preview widens it."""
    assert codes("--ruleset", "2026.1", "--select", "PRE,TAR", ".", cwd=project)[0] == {"TAR001"}
    assert codes("--ruleset", "2026.1", "--select", "PRE", "--preview", ".", cwd=project)[0] == {"PRE001"}


def test_pinning_the_newest_set_is_the_same_run_as_no_pin(project):
    pinned = run_cli("check", "--ruleset", load_rulesets().newest.name, ".", cwd=project)
    unpinned = run_cli("check", ".", cwd=project)
    assert (pinned.returncode, pinned.stdout) == (unpinned.returncode, unpinned.stdout)


@pytest.mark.parametrize("args, config", [
    (("--ruleset", "2025.9"), None),
    (("--ruleset", "latest"), None),
    ((), 'ruleset = "2031.4"\n'),
    ((), "ruleset = 2026.1\n"),  # a number, not a name
])
def test_an_unknown_rule_set_is_a_usage_error_naming_the_known_ones(project, args, config):
    if config is not None:
        (project / "kinelint.toml").write_text(config, encoding="utf-8")
    result = run_cli("check", *args, ".", cwd=project)
    message = result.stderr.decode()
    assert result.returncode == 2 and not result.stdout and "Traceback" not in message
    assert "unknown rule set" in message and "the rule sets of kinelint" in message
    assert "2026.1, 2026.2" in message
    assert ("kinelint.toml" in message) == (config is not None)


def test_an_unknown_rule_set_in_french(project):
    result = run_cli("check", "--lang", "fr", "--ruleset", "2025.1", ".", cwd=project)
    assert result.returncode == 2
    assert "jeu de règles '2025.1' inconnu dans --ruleset (vouliez-vous dire '2026.1' ?)" in result.stderr.decode()


def test_preview_must_be_a_boolean(project):
    (project / "kinelint.toml").write_text('preview = "yes"\n', encoding="utf-8")
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 2 and "'preview'" in result.stderr.decode() and "true or false" in result.stderr.decode()


def test_kinelint_config_shows_the_rule_set_and_the_rules_it_keeps_off(project):
    shown = run_cli("config", "--ruleset", "2026.1", cwd=project).stdout.decode()
    assert 'ruleset = "2026.1"' in shown and "# command line" in shown.split('ruleset = "2026.1"')[1].split("\n")[0]
    off = next(line for line in shown.splitlines() if line.startswith("# off under rule set 2026.1"))
    assert "PRE001" in off and "DAY001" in off and "DIR002" in off and "TAR001" not in off
    shown = run_cli("config", cwd=project).stdout.decode()
    assert 'ruleset = "2026.2"' in shown and "# off under" not in shown


THIRD_PARTY = '''
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_rules():
    return [Rule("ZZR001", "outside-rule", "error", "A third-party rule.", "For tests.", "tests"),
            Rule("PRE900", "outside-prefix", "error", "A third-party rule in a built-in family.", "For tests.", "tests")]

@hookimpl
def kinelint_check_invoice(invoice):
    return [Violation("ZZR001", "always"), Violation("PRE900", "always")]
'''


def test_third_party_rules_are_not_governed_by_rule_sets(project, tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    install_fake_plugin(site, "zz_outside", THIRD_PARTY)
    pinned, _ = codes("--ruleset", "2026.1", ".", cwd=project, env_path=site)
    assert {"ZZR001", "PRE900"} <= pinned and "PRE001" not in pinned
    assert "ZZR001" not in codes("--ruleset", "2026.1", "--ignore", "ZZR", ".", cwd=project, env_path=site)[0]
    listing = run_cli("rules", env_path=site).stdout.decode()
    assert "[zz_outside]" in listing and "[prescription, 2026.2]" in listing and "[tariffs, 2026.1]" in listing


def test_rule_pages_name_the_rule_set():
    assert "· rule set: 2026.2" in run_cli("rule", "DAY001").stdout.decode()
    assert "· rule set: 2026.1" in run_cli("rule", "TAR001").stdout.decode()
    assert "· jeu de règles : 2026.1" in run_cli("rule", "TAR001", "--lang", "fr").stdout.decode()
