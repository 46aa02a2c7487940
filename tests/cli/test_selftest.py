"""`kinelint selftest`: the conformance kit shipped in the package passes on this kinelint, names every case,
and reports a failure when a rule is broken."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import REPO, run_cli

from kinelint import __version__
from kinelint.check.conformance import KIT, run_kit
from kinelint.check.host import PluginHost
from kinelint.nomenclature import load_nomenclature
from kinelint.report.docs import builtin_rules

MANIFEST = json.loads((KIT / "manifest.json").read_text(encoding="utf-8"))


def test_selftest_passes_and_names_every_case():
    result = run_cli("selftest")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0, "\n".join(line for line in lines if not line.startswith("PASS"))
    assert lines[0].startswith(f"kinelint {__version__}, rule set ") and "conformance kit built on" in lines[0]
    cases = [line for line in lines if line.startswith(("PASS", "FAIL"))]
    assert cases and all(line.startswith("PASS") for line in cases)
    assert any(line.startswith("PASS  rule TAR001  invalid  cases/") and "expected TAR001; found TAR001" in line
               for line in cases)
    assert any(line.startswith("PASS  step RIC 8.12 from 2026-01-01") for line in cases)
    assert lines[-1] == f"{len(cases)} cases: {len(cases)} passed, 0 failed; 0 rules without a case."


def test_selftest_as_json_for_qa():
    result = run_cli("selftest", "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["summary"]["all_passed"] and report["summary"]["failed"] == 0
    assert report["tool"]["version"] == __version__ and report["missing"] == []
    kinds = {(case["of"], case["kind"]) for case in report["cases"]}
    assert kinds == {("rule", "valid"), ("rule", "invalid"), ("step", "valid"), ("step", "invalid")}
    step = next(case for case in report["cases"] if case["of"] == "step" and case["kind"] == "invalid")
    assert step["expected"][0].split()[0] in ("error", "warning") and step["found"]


def test_the_kit_has_an_invalid_and_a_valid_case_for_every_rule_kinelint_ships():
    codes = {rule.code for rule in builtin_rules(PluginHost.from_entry_points())}
    invalid = {case["rule"] for case in MANIFEST["rules"] if case["kind"] == "invalid"}
    assert codes - invalid - set(MANIFEST["not_in_a_file"]) == set(), "rebuild the kit: tools/build_conformance.py"
    assert all(case["rule"] in case["codes"] for case in MANIFEST["rules"] if case["kind"] == "invalid")
    valid = [case for case in MANIFEST["rules"] if case["kind"] == "valid"]
    assert any(case["rule"] == "*" and case["codes"] == [] for case in valid)  # clean of every rule
    assert all(case["rule"] not in case["codes"] for case in valid)
    steps = (KIT / MANIFEST["steps"]).read_text(encoding="utf-8").splitlines()[0::2]
    assert len(steps) > 300 and {json.loads(s)["kind"] for s in steps} == {"valid", "invalid"}


def test_the_kit_is_package_data():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"conformance/*.json", "conformance/*.jsonl"' in text and '"conformance/cases/*"' in text
    assert KIT == REPO / "kinelint" / "conformance" or KIT.is_dir()


@pytest.fixture
def tariffs_off(monkeypatch):
    """The amounts rules broken: the tariffs plugin judges nothing."""
    import kinelint_tariffs

    monkeypatch.setattr(kinelint_tariffs, "kinelint_check_invoice", _nothing)
    if hasattr(kinelint_tariffs, "kinelint_check_invoices"):
        monkeypatch.setattr(kinelint_tariffs, "kinelint_check_invoices", _nothing_each)


def _nothing(invoice, nomenclature):
    return []


def _nothing_each(invoices, nomenclature):
    return [[] for _ in invoices]


def test_a_rule_turned_off_is_a_failure_of_its_cases(tariffs_off):
    outcome = run_kit(PluginHost.from_entry_points(), load_nomenclature())
    assert not outcome.passed
    failed = {result.subject for result in outcome.results if not result.passed}
    assert {"TAR001", "TAR002", "TAR003", "TAR004"} <= failed
    assert all(result.passed for result in outcome.results if result.of == "rule" and result.kind == "invalid"
               and not result.subject.startswith("TAR") and not any(c.startswith("TAR") for c in result.expected))


def test_the_command_exits_1_and_names_the_failing_rule(tariffs_off):
    from kinelint.cli.commands import main

    result = CliRunner().invoke(main, ["selftest", "--failures-only"])
    assert result.exit_code == 1
    assert any(line.startswith("FAIL  rule TAR001  invalid") and "expected TAR001; found no finding" in line
               for line in result.output.splitlines())
    assert " 0 failed" not in result.output.splitlines()[-1]


def test_the_report_goes_to_a_file_and_the_terminal_keeps_the_summary(tmp_path, tariffs_off):
    from kinelint.cli.commands import main

    target = tmp_path / "qa" / "selftest.json"
    target.parent.mkdir()
    result = CliRunner().invoke(main, ["selftest", "--format", "json", "-o", str(target)])
    assert result.exit_code == 1
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["summary"]["failed"] > 0 and not report["summary"]["all_passed"]
    assert any(case["subject"] == "TAR001" and not case["passed"] for case in report["cases"])
    assert result.output.splitlines() == [f"{report['summary']['cases']} cases: {report['summary']['passed']} "
                                          f"passed, {report['summary']['failed']} failed; 0 rules without a case."]
    assert [path.name for path in target.parent.iterdir()] == ["selftest.json"]  # no temporary file left


def test_a_report_file_that_cannot_be_written_is_a_message_and_exit_2(tmp_path):
    result = run_cli("selftest", "-o", str(tmp_path / "missing" / "selftest.txt"))
    assert result.returncode == 2
    assert result.stderr.decode().startswith("kinelint: cannot write the report to ")
    assert b"Traceback" not in result.stderr
    assert not (tmp_path / "missing").exists()


def test_a_rule_without_a_case_fails_the_selftest(tmp_path):
    kit = tmp_path / "kit"
    (kit / "cases").mkdir(parents=True)
    manifest = dict(MANIFEST, rules=[case for case in MANIFEST["rules"] if case["rule"] != "DIR001"])
    for case in manifest["rules"]:
        (kit / case["file"]).write_bytes((KIT / case["file"]).read_bytes())
    (kit / MANIFEST["steps"]).write_bytes((KIT / MANIFEST["steps"]).read_bytes())
    (kit / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    outcome = run_kit(PluginHost.from_entry_points(), load_nomenclature(), kit)
    assert outcome.missing == ["DIR001"] and not outcome.passed


def test_selftest_in_french():
    result = run_cli("selftest", "--lang", "fr", "--failures-only")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0 and "jeu d'essai de conformité construit le" in lines[0]
    assert lines[-1].endswith(" réussis, 0 en échec ; 0 règles sans cas.")
