"""Every report names the kinelint version and the rule set it checked against (text, statistics, JSON,
SARIF, JUnit, HTML), so that a report read months later says what it promised."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import jsonschema
import pytest
from conftest import REPO, run_cli, sarif_validator

from kinelint import __version__

TAR = "examples/faulty/tar-one-cent-off.json"
CLEAN = "examples/clean/home-visit-2026.json"
FINDINGS_SCHEMA = json.loads((REPO / "schemas" / "findings-1.schema.json").read_text(encoding="utf-8"))


def report(tmp_path, output_format, *args, path=TAR):
    target = tmp_path / f"report.{output_format}"
    result = run_cli("check", "--format", output_format, "-o", str(target), *args, path)
    assert result.returncode in (0, 1), result.stderr.decode()
    return target.read_text(encoding="utf-8"), result


@pytest.mark.parametrize("args, line", [
    ((), f"kinelint {__version__}, rule set 2026.2."),
    (("--ruleset", "2026.1"), f"kinelint {__version__}, rule set 2026.1 (pinned: the rules of later rule sets are "
                              "off; --preview runs them)."),
    (("--ruleset", "2026.1", "--preview"), f"kinelint {__version__}, rule set 2026.1 and the rules of later rule "
                                           "sets (preview)."),
    (("--preview",), f"kinelint {__version__}, rule set 2026.2."),  # no later set: nothing more runs
])
def test_the_text_report_names_version_and_rule_set_above_the_summary(args, line):
    lines = run_cli("check", *args, TAR).stdout.decode().splitlines()
    assert lines[-2] == line and lines[-1].startswith("1 file, 1 invoice checked: 1 error")


def test_the_text_report_names_them_in_french_and_quiet_leaves_them_out():
    lines = run_cli("check", "--lang", "fr", "--ruleset", "2026.1", TAR).stdout.decode().splitlines()
    assert lines[-2] == (f"kinelint {__version__}, jeu de règles 2026.1 (épinglé : les règles des jeux suivants "
                         "sont désactivées ; --preview les exécute).")
    assert "rule set" not in run_cli("check", "--quiet", TAR).stdout.decode()


def test_a_clean_run_names_them_too():
    lines = run_cli("check", "--ruleset", "2026.1", CLEAN).stdout.decode().splitlines()
    assert lines == [f"kinelint {__version__}, rule set 2026.1 (pinned: the rules of later rule sets are off; "
                     "--preview runs them).", "1 file, 1 invoice checked: no findings."]


def test_text_statistics_name_them():
    lines = run_cli("check", "--statistics", "--ruleset", "2026.1", TAR).stdout.decode().splitlines()
    assert lines[-2].startswith(f"kinelint {__version__}, rule set 2026.1 (pinned")


@pytest.mark.parametrize("args, expected", [
    ((), {"name": "kinelint", "version": __version__, "ruleset": "2026.2", "preview": False}),
    (("--ruleset", "2026.1", "--preview"), {"name": "kinelint", "version": __version__, "ruleset": "2026.1",
                                            "preview": True}),
])
def test_the_json_report_and_statistics_carry_a_tool_object_the_schema_allows(tmp_path, args, expected):
    text, _ = report(tmp_path, "json", *args)
    document = json.loads(text, parse_float=Decimal)
    assert document["tool"] == expected
    jsonschema.Draft202012Validator(FINDINGS_SCHEMA).validate(json.loads(text))
    statistics = json.loads(run_cli("check", "--statistics", "--format", "json", *args, TAR).stdout)
    assert statistics["tool"] == expected
    validator = jsonschema.Draft202012Validator({"$defs": FINDINGS_SCHEMA["$defs"], "$ref": "#/$defs/statistics"})
    validator.validate(statistics)


def test_the_schema_keeps_tool_optional_and_closed():
    validator = jsonschema.Draft202012Validator(FINDINGS_SCHEMA)
    summary = {"files": 0, "invoices": 0, "findings": 0, "errors": 0, "warnings": 0}
    assert validator.is_valid({"findings": [], "summary": summary})  # a report of kinelint before 0.2
    assert not validator.is_valid({"findings": [], "summary": summary,
                                   "tool": {"name": "kinelint", "version": "1", "ruleset": "latest"}})
    assert not validator.is_valid({"findings": [], "summary": summary,
                                   "tool": {"name": "kinelint", "version": "1", "ruleset": "2026.1", "x": 1}})


def test_sarif_names_them_in_the_driver_and_each_rule(tmp_path):
    text, _ = report(tmp_path, "sarif", "--ruleset", "2026.1")
    log = json.loads(text)
    sarif_validator().validate(log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"] == __version__ and driver["properties"] == {"ruleset": "2026.1", "preview": False}
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["TAR001"]["properties"]["ruleset"] == "2026.1" and rules["PRE001"]["properties"]["ruleset"] == "2026.2"


@pytest.mark.parametrize("path", [TAR, CLEAN])
def test_junit_names_them_in_each_test_suite(tmp_path, path):
    text, _ = report(tmp_path, "junit", "--ruleset", "2026.1", "--preview", path=path)
    suites = ET.fromstring(text).findall("testsuite")
    assert suites
    for suite in suites:
        properties = {p.get("name"): p.get("value") for p in suite.find("properties").findall("property")}
        assert properties == {"kinelint.version": __version__, "kinelint.ruleset": "2026.1", "kinelint.preview": "true"}
        assert list(suite)[0].tag == "properties"  # before the test cases, as the JUnit schema orders them


def test_html_names_them(tmp_path):
    text, result = report(tmp_path, "html", "--ruleset", "2026.1")
    assert (f'<p class="muted" id="provenance">kinelint {__version__}, rule set 2026.1 (pinned: the rules of later '
            "rule sets are off; --preview runs them).</p>") in text
    assert "rule set" not in result.stdout.decode()  # the terminal keeps the summary alone
