"""The CI reports (sarif, junit, github, gitlab), --output-file, --statistics, --exit-zero, and the CI docs.

Everything goes through the real command. The README's CI snippets live in
tests/data/ci/ and are run here, so the documentation cannot drift.
"""

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from invoice_factory import clean, dumps, faulty_schema
from conftest import sarif_validator, REPO, run_cli

from kinelint import __version__


DATA = Path(__file__).parents[1] / "data"
CI = DATA / "ci"


@pytest.fixture
def invoices(tmp_path):
    """invoices/a.json: one clean and one faulty invoice; invoices/b.jsonl: a clean line and a two-fault line."""
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "a.json").write_text(dumps([clean("F-1"), faulty_schema("F-2")], indent=2))
    two_faults = faulty_schema("F-4")
    two_faults["sessions"][0]["note"] = "x"
    (folder / "b.jsonl").write_text(dumps(clean("F-3")) + "\n" + dumps(two_faults) + "\n")
    return tmp_path


def check(*args, cwd):
    return run_cli("check", *args, cwd=cwd)


# -- SARIF ------------------------------------------------------------------


def test_sarif_is_valid_sarif_2_1_0_with_rules_and_relative_locations(invoices):
    result = check("--format", "sarif", "invoices", cwd=invoices)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == invoices.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("SCH005", "invoices/a.json"), ("SCH005", "invoices/b.jsonl"), ("SCH002", "invoices/b.jsonl")]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "SCH005" and first["level"] == "error"
    region = first["locations"][0]["physicalLocation"]["region"]
    line = (invoices / "invoices" / "a.json").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith('"home"')
    assert first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/1/sessions/0/place"
    rule = rules[first["ruleIndex"]]
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert "Source:" in rule["help"]["text"] and "Why it matters" in rule["help"]["markdown"]
    assert len({r["partialFingerprints"]["kinelintIdentity/v1"] for r in results}) == 3


def test_sarif_columns_count_code_points_not_bytes(tmp_path):
    invoice = clean()
    invoice["sessions"][0]["acts"][0]["label"] = "séance à domicile, 2ᵉ étage 🏠"
    invoice["total"] = Decimal("-1")  # SCH006, after the label on the same line
    (tmp_path / "a.json").write_text(dumps(invoice, ensure_ascii=False), encoding="utf-8")
    log = json.loads(check("--format", "sarif", "a.json", cwd=tmp_path).stdout)
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert result["ruleId"] == "SCH006" and text[region["startColumn"] - 1:] == "-1}"


def test_sarif_of_a_clean_run_and_of_files_outside_the_directory(tmp_path, invoices):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = json.loads(check("--format", "sarif", str(invoices / "invoices" / "a.json"), cwd=elsewhere).stdout)
    sarif_validator().validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (invoices / "invoices" / "a.json").as_uri()}
    (elsewhere / "ok.json").write_text(dumps(clean()))
    result = check("--format", "sarif", "ok.json", cwd=elsewhere)
    assert result.returncode == 0
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"]


def test_sarif_levels_follow_the_configured_severity(invoices):
    (invoices / "kinelint.toml").write_text('severity = { "SCH002" = "warning", "SCH005" = "info" }\n')
    log = json.loads(check("--format", "sarif", "invoices", cwd=invoices).stdout)
    sarif_validator().validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["note", "note", "warning"]


# -- JUnit ------------------------------------------------------------------


def test_junit_has_a_suite_per_file_a_case_per_invoice_and_a_failure_per_error(invoices):
    result = check("--format", "junit", "invoices", cwd=invoices)
    assert result.returncode == 1
    root = ET.fromstring(result.stdout)
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == ["invoices/a.json", "invoices/b.jsonl"]
    clean_case, case = suites["invoices/b.jsonl"].iter("testcase")
    assert (clean_case.get("name"), clean_case.find("failure")) == ("F-3", None)
    assert case.get("name") == "F-4"
    (failure,) = case.iter("failure")  # one <failure> a case, every failing finding in its text
    assert failure.get("type") == "SCH005 SCH002" and failure.get("message").endswith("(and 1 more)")
    assert [line.split()[1] for line in failure.text.splitlines()] == ["SCH005", "SCH002"]
    assert [c.get("name") for c in suites["invoices/a.json"].iter("testcase")] == ["F-1", "F-2"]
    assert suites["invoices/b.jsonl"].get("failures") == "1" and root.get("failures") == "2"
    assert root.get("tests") == "4"


def test_junit_warnings_are_output_unless_they_fail_the_check(invoices):
    (invoices / "kinelint.toml").write_text('severity = { "SCH002" = "warning" }\n')
    root = ET.fromstring(check("--format", "junit", "invoices", cwd=invoices).stdout)
    case = root.find(".//testcase[@name='F-4']")
    assert [f.get("type") for f in case.iter("failure")] == ["SCH005"]
    assert "warning SCH002" in case.find("system-out").text
    root = ET.fromstring(check("--format", "junit", "--fail-on", "warning", "invoices", cwd=invoices).stdout)
    (failure,) = root.find(".//testcase[@name='F-4']").iter("failure")  # one a case, listing both
    assert failure.get("type") == "SCH005 SCH002" and "warning SCH002" in failure.text


def test_junit_clean_run_has_a_passing_case_per_invoice(tmp_path):
    (tmp_path / "ok.json").write_text(dumps([clean("F-1"), clean("F-2")]))
    result = check("--format", "junit", "ok.json", cwd=tmp_path)
    root = ET.fromstring(result.stdout)
    assert result.returncode == 0
    assert [c.get("name") for c in root.iter("testcase")] == ["F-1", "F-2"] and root.get("failures") == "0"


def test_junit_with_nothing_read_is_one_passing_case(tmp_path):
    result = check("--format", "junit", str(tmp_path), cwd=tmp_path)
    root = ET.fromstring(result.stdout)
    assert [c.get("name") for c in root.iter("testcase")] == ["no findings"] and root.get("failures") == "0"


# -- GitHub and GitLab ------------------------------------------------------


def test_github_workflow_commands(invoices):
    (invoices / "kinelint.toml").write_text('severity = { "SCH002" = "warning" }\n')
    result = check("--format", "github", "invoices", cwd=invoices)
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("::error file=invoices/a.json,line=")
    assert ",title=kinelint SCH005 not-allowed::" in lines[0] and "(invoice F-2, at /1/sessions/0/place)" in lines[0]
    assert lines[2].startswith("::warning file=invoices/b.jsonl,line=2,col=")
    assert lines[-1] == "2 files, 4 invoices checked: 2 errors, 1 warning."


def test_github_escapes_properties_and_data(tmp_path):
    (tmp_path / "odd, name: 100%.json").write_text("{")
    line = check("--format", "github", "odd, name: 100%.json", cwd=tmp_path).stdout.decode().splitlines()[0]
    assert line.startswith("::error file=odd%2C name%3A 100%25.json,line=1,col=")
    assert line.count("::") == 2


def test_gitlab_code_quality_with_fingerprints_stable_across_reformatting(invoices):
    first = json.loads(check("--format", "gitlab", "invoices", cwd=invoices).stdout)
    assert [(i["check_name"], i["location"]["path"], i["severity"]) for i in first] == [
        ("SCH005", "invoices/a.json", "major"), ("SCH005", "invoices/b.jsonl", "major"),
        ("SCH002", "invoices/b.jsonl", "major")]
    assert first[0]["description"].startswith("SCH005 ") and first[0]["location"]["lines"]["begin"] > 1
    assert len({issue["fingerprint"] for issue in first}) == 3
    compact = invoices / "invoices" / "a.json"
    compact.write_text(dumps(json.loads(compact.read_text(), parse_float=Decimal), indent=None))
    second = json.loads(check("--format", "gitlab", "invoices", cwd=invoices).stdout)
    assert second[0]["location"]["lines"]["begin"] == 1
    assert [i["fingerprint"] for i in second] == [i["fingerprint"] for i in first]


# -- --output-file, --statistics, --exit-zero -------------------------------


@pytest.mark.parametrize("output_format", ["json", "sarif", "text"])
def test_output_file_gets_the_report_and_the_terminal_the_summary(invoices, output_format):
    result = check("--format", output_format, "--output-file", "report.out", "invoices", cwd=invoices)
    assert result.returncode == 1
    assert result.stdout.decode() == "2 files, 4 invoices checked: 3 errors, 0 warnings.\n"
    report = (invoices / "report.out").read_text()
    if output_format == "text":
        assert report.count(": error SCH00") == 3
    else:
        json.loads(report)


def test_output_file_never_overwrites_or_joins_the_checked_files(invoices):
    target = invoices / "invoices" / "a.json"
    before = target.read_bytes()
    for output in ("invoices/a.json", "invoices/report.json"):
        result = check("--format", "json", "-o", output, "invoices", cwd=invoices)
        assert result.returncode == 2 and b"among the files checked" in result.stderr
    assert target.read_bytes() == before and not (invoices / "invoices" / "report.json").exists()
    assert check("-o", "invoices/report.txt", "invoices", cwd=invoices).returncode == 1  # not an invoice suffix


def test_output_file_that_cannot_be_written_is_a_clear_error(invoices):
    (invoices / "taken").write_text("a file where the report's folder should be\n")
    result = check("-o", "taken/dir/report.json", "invoices", cwd=invoices)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("kinelint: cannot write the report to taken/dir/report.json")


def test_statistics_count_per_code(invoices):
    result = check("--statistics", "invoices", cwd=invoices)
    assert result.stdout.decode().splitlines() == [
        "3  SCH  (schema)",
        "2  SCH005  not-allowed",
        "1  SCH002  unknown-field",
        "not judged: 2 invoices by DAY002 overlapping-sessions, for lack of sessions[].start_time, "
        "sessions[].duration_minutes",  # the two valid invoices give no session times
        "kinelint 0.1.0, rule set 2026.2.".replace("0.1.0", __version__),
        "2 files, 4 invoices checked: 3 errors, 0 warnings.",
    ]
    assert result.returncode == 1
    result = check("--statistics", "--format", "sarif", "-o", "r.sarif", "invoices", cwd=invoices)
    assert result.stdout.decode().splitlines()[1] == "2  SCH005  not-allowed"
    assert json.loads((invoices / "r.sarif").read_text())["runs"][0]["results"]


def test_exit_zero(invoices):
    result = check("--exit-zero", "invoices", cwd=invoices)
    assert result.returncode == 0 and b"3 errors" in result.stdout


# -- The CI documentation: every snippet is in the README and is run here ----


def snippet(name):
    return (CI / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(p.name for p in CI.iterdir()))
def test_readme_contains_every_snippet_verbatim(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert snippet(name).rstrip("\n") in readme, f"README.md lacks tests/data/ci/{name}, or it drifted"


def kinelint_commands(commands):
    """The snippet's kinelint commands; installing kinelint is the test environment's job."""
    return [command for command in commands if command.startswith("kinelint ")]


def run_shell(command, cwd):
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    environment.pop("PYTHONPATH", None)
    assert shutil.which("kinelint", path=environment["PATH"]), "the kinelint script is not installed"
    return subprocess.run(command, shell=True, cwd=cwd, capture_output=True, env=environment, timeout=120)


def test_github_actions_workflow_runs(invoices):
    yaml = pytest.importorskip("yaml")
    steps = yaml.safe_load(snippet("github-workflow.yml"))["jobs"]["kinelint"]["steps"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    sarif_step, annotations_step = kinelint_commands([step["run"] for step in steps if "run" in step])
    assert run_shell(sarif_step, invoices).returncode == 0  # --exit-zero: the upload step still runs
    sarif_validator().validate(json.loads((invoices / "kinelint.sarif").read_text()))
    upload = next(step for step in steps if "upload-sarif" in step.get("uses", ""))
    assert upload["with"]["sarif_file"] == "kinelint.sarif"
    result = run_shell(annotations_step, invoices)
    assert result.returncode == 1 and result.stdout.startswith(b"::error file=invoices/a.json,")


def test_gitlab_ci_job_runs(invoices):
    yaml = pytest.importorskip("yaml")
    job = yaml.safe_load(snippet("gitlab-ci.yml"))["kinelint"]
    quality, junit = kinelint_commands(job["script"])
    assert run_shell(quality, invoices).returncode == 0
    assert run_shell(junit, invoices).returncode == 1  # the job fails; artifacts: when: always keeps the reports
    reports = job["artifacts"]["reports"]
    issues = json.loads((invoices / reports["codequality"]).read_text())
    assert {issue["check_name"] for issue in issues} == {"SCH002", "SCH005"}
    assert ET.parse(invoices / reports["junit"]).getroot().get("failures") == "2"
    assert job["artifacts"]["when"] == "always"
