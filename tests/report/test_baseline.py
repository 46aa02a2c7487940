"""The baseline through the real command: record, hide, report new findings, note stale ones, survive reformatting."""

import json
import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from invoice_factory import clean, dumps, faulty_schema, unknown_field
from conftest import run_cli


CI = Path(__file__).parents[1] / "data" / "ci"


@pytest.fixture
def history(tmp_path):
    """Years of exports: invoices/2024.json (two faulty invoices, one clean), invoices/2025.jsonl (one faulty line)."""
    folder = tmp_path / "invoices"
    folder.mkdir()
    (folder / "2024.json").write_text(dumps([faulty_schema("F-1"), clean("F-2"), unknown_field("F-3")]))
    (folder / "2025.jsonl").write_text(dumps(clean("F-4")) + "\n" + dumps(faulty_schema("F-5")) + "\n")
    return tmp_path


def codes_of(result):
    return [(f["invoice_id"], f["code"]) for f in json.loads(result.stdout)["findings"]]


def test_write_then_hide_then_report_only_new_findings(history):
    written = run_cli("check", "--write-baseline", "kinelint-baseline.toml", "invoices", cwd=history)
    assert written.returncode == 0, written.stderr.decode()
    assert "recorded 3 finding(s) in the baseline kinelint-baseline.toml" in written.stderr.decode()
    assert b"3 errors" in written.stdout  # the report is still shown
    data = tomllib.loads((history / "kinelint-baseline.toml").read_text())
    assert data["version"] == 1
    assert data["findings"][0] == {"file": "invoices/2024.json", "invoice_id": "F-1", "code": "SCH005",
                                   "pointer": "/0/sessions/0/place"}
    assert all("line" not in entry for entry in data["findings"])

    quiet = run_cli("check", "--format", "json", "--baseline", "kinelint-baseline.toml", "invoices", cwd=history)
    assert quiet.returncode == 0 and codes_of(quiet) == []
    assert json.loads(quiet.stdout)["summary"] == {"files": 2, "invoices": 5, "findings": 0, "errors": 0, "warnings": 0, "money": {}}
    assert quiet.stderr.decode() == "kinelint: the baseline kinelint-baseline.toml hid 3 finding(s)\n"

    (history / "invoices" / "2026.json").write_text(dumps(unknown_field("F-6")))
    new = run_cli("check", "--format", "json", "--baseline", "kinelint-baseline.toml", "invoices", cwd=history)
    assert new.returncode == 1 and codes_of(new) == [("F-6", "SCH002")]


def test_a_second_identical_finding_is_new(history):
    run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history)
    (history / "invoices" / "2025.jsonl").write_text(dumps(faulty_schema("F-5")) + "\n" + dumps(faulty_schema("F-5")) + "\n")
    result = run_cli("check", "--format", "json", "--baseline", "b.toml", "invoices", cwd=history)
    assert codes_of(result) == [("F-5", "SCH005")] and result.returncode == 1


def test_reformatting_keeps_the_baseline_valid(history):
    run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history)
    target = history / "invoices" / "2024.json"
    before = run_cli("check", "--format", "json", "invoices/2024.json", cwd=history)
    target.write_text(dumps(json.loads(target.read_text(), parse_float=Decimal), indent=4))  # one line -> many
    after = run_cli("check", "--format", "json", "invoices/2024.json", cwd=history)
    lines = lambda result: [f["line"] for f in json.loads(result.stdout)["findings"]]  # noqa: E731
    assert lines(before) == [1, 1] and lines(after)[0] > 1  # the findings did move
    result = run_cli("check", "--baseline", "b.toml", "invoices", cwd=history)
    assert result.returncode == 0 and b"hid 3 finding(s)" in result.stderr and b"stale" not in result.stderr


def test_paths_are_relative_to_the_baseline_so_any_working_directory_works(history):
    run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history)
    inside = run_cli("check", "--baseline", "../b.toml", ".", cwd=history / "invoices")
    assert inside.returncode == 0, inside.stdout.decode()
    absolute = run_cli("check", "--baseline", str(history / "b.toml"), str(history / "invoices"), cwd=Path("/"))
    assert absolute.returncode == 0, absolute.stdout.decode()


def test_stale_entries_are_noted_only_for_the_files_checked(history):
    run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history)
    (history / "invoices" / "2024.json").write_text(dumps([clean("F-1"), clean("F-2"), unknown_field("F-3")]))
    result = run_cli("check", "--baseline", "b.toml", "invoices", cwd=history)
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [
        "kinelint: the baseline b.toml hid 2 finding(s)",
        "kinelint: 1 baseline entry no longer occurs (stale; refresh with --write-baseline):",
        "  invoices/2024.json invoice F-1 SCH005 at /0/sessions/0/place",
    ]
    only_2025 = run_cli("check", "--baseline", "b.toml", "invoices/2025.jsonl", cwd=history)
    assert b"stale" not in only_2025.stderr  # 2024.json was not looked at: its entries are not stale


@pytest.mark.parametrize("content, expected", [
    ("version = 1\nfindings = [\n", "the baseline b.toml is not valid TOML"),
    ('version = 2\nfindings = []\n', "b.toml is not a kinelint baseline"),
    ('version = 1\nfindings = [{ file = "a.json", code = "SCH005", line = 3 }]\n', "b.toml: entry 1 of findings is malformed"),
])
def test_a_bad_baseline_is_a_clear_error(history, content, expected):
    (history / "b.toml").write_text(content)
    result = run_cli("check", "--baseline", "b.toml", "invoices", cwd=history)
    assert result.returncode == 2 and result.stderr.decode().startswith(f"kinelint: {expected}")
    assert not result.stdout and b"Traceback" not in result.stderr


def test_baseline_usage_errors(history):
    missing = run_cli("check", "--baseline", "none.toml", "invoices", cwd=history)
    assert missing.returncode == 2 and missing.stderr.decode().startswith("kinelint: cannot read the baseline none.toml")
    both = run_cli("check", "--baseline", "b.toml", "--write-baseline", "b.toml", "invoices", cwd=history)
    assert both.returncode == 2 and b"cannot be combined" in both.stderr
    into_input = run_cli("check", "--write-baseline", "invoices/2024.json", "invoices", cwd=history)
    assert into_input.returncode == 2 and b"among the files checked" in into_input.stderr


def test_baseline_applies_after_the_configuration(history):
    (history / "kinelint.toml").write_text('ignore = ["SCH002"]\n')
    run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history)
    assert [e["code"] for e in tomllib.loads((history / "b.toml").read_text())["findings"]] == ["SCH005", "SCH005"]
    (history / "kinelint.toml").unlink()
    result = run_cli("check", "--format", "json", "--baseline", "b.toml", "invoices", cwd=history)
    assert codes_of(result) == [("F-3", "SCH002")]


def test_the_documented_baseline_workflow(history):
    """tests/data/ci/baseline-workflow.sh is the README's baseline section: run it, in a git repository."""
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                       GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    environment.pop("PYTHONPATH", None)
    subprocess.run(["git", "init", "-q"], cwd=history, check=True, env=environment)
    script = (CI / "baseline-workflow.sh").read_text()
    result = subprocess.run(["bash", "-e", "-c", script], cwd=history, capture_output=True, env=environment, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert b"hid 3 finding(s)" in result.stderr
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=history, capture_output=True, env=environment)
    assert staged.stdout.decode().split() == ["kinelint-baseline.toml"]
    (history / "invoices" / "2026.json").write_text(dumps(unknown_field("F-6")))
    gate = next(line for line in script.splitlines() if line.startswith("kinelint check --baseline"))
    result = subprocess.run(gate, shell=True, cwd=history, capture_output=True, env=environment, timeout=120)
    assert result.returncode == 1 and b"SCH002" in result.stdout


RAISES = '''
from kinelint.findings import Rule
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_rules():
    return [Rule("ZZA001", "raises", "error", "A test rule.", "For tests.", "tests")]

@hookimpl
def kinelint_check_invoice(invoice):
    raise ValueError("boom")
'''


def test_an_incomplete_check_writes_no_baseline(history):
    from conftest import install_fake_plugin

    install_fake_plugin(history / "site", "zz_raises", RAISES)
    result = run_cli("check", "--write-baseline", "b.toml", "invoices", cwd=history, env_path=history / "site")
    assert result.returncode == 2 and b"the check is incomplete" in result.stderr
    assert not (history / "b.toml").exists()
