"""Reading the output: severity on each text line, colour, --quiet, -o into a new folder, GitHub titles,
JUnit failures, SARIF helpUri, schema wording, ``kinelint rule NAME``; and the release files."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile

import pytest
from invoice_factory import clean, dumps, faulty_schema, unknown_field
from conftest import REPO, run_cli


from kinelint.report.reporters import wants_color

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def invoices(tmp_path):
    """a.json: F-1 clean, F-2 with SCH005 and SCH002 (two failing findings in one invoice); b.json: F-3 SCH002."""
    both = faulty_schema("F-2")
    both["sessions"][0]["note"] = "x"
    (tmp_path / "a.json").write_text(dumps([clean("F-1"), both], indent=2))
    (tmp_path / "b.json").write_text(dumps(unknown_field("F-3"), indent=2))
    return tmp_path


def test_text_lines_say_the_severity_in_force(invoices):
    (invoices / "kinelint.toml").write_text('severity = { "SCH002" = "warning" }\n')
    lines = run_cli("check", "a.json", "b.json", cwd=invoices).stdout.decode().splitlines()
    assert re.fullmatch(r'a\.json:\d+:\d+: error SCH005 session 1: place "home" is not allowed: .*', lines[0])
    assert re.fullmatch(r"a\.json:\d+:\d+: warning SCH002 unknown field 'note' in session 1: .*", lines[1])
    assert lines[-1] == "2 files, 3 invoices checked: 1 error, 2 warnings."


def test_colour_always_never_and_auto():
    result = run_cli("check", "--color", "always", "examples/faulty/sch-place-and-date.json")
    text = result.stdout.decode()
    assert "\x1b[1;31merror\x1b[0m" in text and "\x1b[1mSCH005\x1b[0m" in text
    assert ANSI.sub("", text) == run_cli("check", "--color", "never", "examples/faulty/sch-place-and-date.json").stdout.decode()
    assert "\x1b[" not in run_cli("check", "examples/faulty/sch-place-and-date.json").stdout.decode()  # a pipe: auto is off


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("choice", "stream", "environ", "expected"), [
    ("auto", Terminal(), {}, True),
    ("auto", Terminal(), {"NO_COLOR": "1"}, False),
    ("auto", Terminal(), {"NO_COLOR": ""}, True),  # no-color.org: set and not empty
    ("auto", Terminal(), {"TERM": "dumb"}, False),
    ("auto", io.StringIO(), {}, False),
    ("always", io.StringIO(), {"NO_COLOR": "1"}, True),
    ("never", Terminal(), {}, False),
])
def test_when_colour_is_on(choice, stream, environ, expected):
    assert wants_color(choice, stream, environ) is expected


def test_no_color_on_a_real_terminal():
    pty = pytest.importorskip("pty")
    for environ, coloured in (({}, True), ({"NO_COLOR": "1"}, False)):
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(REPO)
            os.environ.pop("NO_COLOR", None)
            os.environ.pop("CI", None)
            os.environ.update(environ, TERM="xterm")
            os.execv(sys.executable, [sys.executable, "-m", "kinelint", "check", "examples/faulty/sch-place-and-date.json"])
        output = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.waitpid(pid, 0)
        assert (b"\x1b[1;31merror" in output) is coloured, output


def test_quiet_prints_the_findings_only(invoices):
    result = run_cli("check", "--quiet", "a.json", "b.json", cwd=invoices)
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 1 and len(lines) == 3 and all(": error SCH00" in line for line in lines)
    result = run_cli("check", "-q", "-o", "report.json", "--format", "json", "a.json", cwd=invoices)
    assert result.returncode == 1 and result.stdout == b"" and result.stderr == b""
    clean_run = run_cli("check", "-q", "examples/clean/")
    assert clean_run.returncode == 0 and clean_run.stdout == b""


def test_output_file_creates_its_folder(invoices):
    result = run_cli("check", "--format", "sarif", "-o", "reports/ci/kinelint.sarif", "a.json", cwd=invoices)
    assert result.returncode == 1, result.stderr
    assert json.loads((invoices / "reports" / "ci" / "kinelint.sarif").read_text())["version"] == "2.1.0"


def test_github_annotations_are_titled_with_code_and_rule_name(invoices):
    lines = run_cli("check", "--format", "github", "b.json", cwd=invoices).stdout.decode().splitlines()
    assert ",title=kinelint SCH002 unknown-field::" in lines[0]


def test_junit_failures_count_failing_invoices_with_one_failure_each(invoices):
    root = ET.fromstring(run_cli("check", "--format", "junit", "a.json", "b.json", cwd=invoices).stdout)
    cases = list(root.iter("testcase"))
    assert all(len(case.findall("failure")) <= 1 for case in cases)
    failing = [case.get("name") for case in cases if case.find("failure") is not None]
    assert failing == ["F-2", "F-3"] and root.get("failures") == "2"
    for suite in root.iter("testsuite"):
        assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in suite.iter("testcase"))
    (double,) = [case.find("failure") for case in cases if case.get("name") == "F-2"]
    assert len(double.text.splitlines()) == 2 and "SCH005" in double.text and "SCH002" in double.text


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub makes of the headings: lower case, spaces to hyphens, other punctuation dropped."""
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", markdown, flags=re.M)}


def test_sarif_rules_link_to_their_section_of_the_rules_reference(invoices):
    log = json.loads(run_cli("check", "--format", "sarif", "a.json", cwd=invoices).stdout)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    anchors = github_anchors((REPO / "docs" / "rules.md").read_text(encoding="utf-8"))
    builtin = [rule for rule in rules if rule["properties"]["tags"][1] != "kinelint_example"]
    assert builtin and all(rule["helpUri"].startswith("https://") for rule in rules)
    for rule in builtin:
        page, _, anchor = rule["helpUri"].partition("#")
        assert page.endswith("/blob/v0.1.0/docs/rules.md") and anchor in anchors, rule["helpUri"]
    assert {rule["id"]: rule["helpUri"].partition("#")[2] for rule in rules}["SCH005"] == "sch005-not-allowed"


def test_kinelint_rule_takes_a_name_as_well_as_a_code():
    by_code = run_cli("rule", "OBS003")
    assert by_code.returncode == 0 and "## OBS003 retired-fee" in by_code.stdout.decode()
    for spelling in ("retired-fee", "RETIRED_FEE", "obs003"):
        assert run_cli("rule", spelling).stdout == by_code.stdout, spelling
    unknown = run_cli("rule", "retired-feee")
    assert unknown.returncode == 2 and b"no rule 'retired-feee'" in unknown.stderr


# -- schema wording: counted from 1, no developer's notes, the expected form ---------------------------------


def schema_messages(tmp_path, invoice):
    (tmp_path / "x.json").write_text(dumps(invoice, indent=2))
    report = json.loads(run_cli("check", "--format", "json", "x.json", cwd=tmp_path).stdout)
    return {finding["pointer"]: (finding["code"], finding["message"]) for finding in report["findings"]}


def test_schema_findings_count_sessions_acts_and_fees_from_one(tmp_path):
    invoice = clean()
    invoice["sessions"].append(dict(invoice["sessions"][0], number=2))
    invoice["sessions"][1]["acts"] = [dict(invoice["sessions"][1]["acts"][0], amount="17.95")]
    invoice["sessions"][1]["date"] = "2026-2-3"
    messages = schema_messages(tmp_path, invoice)
    assert messages["/sessions/1/acts/0/amount"] == ("SCH003", "session 2, act 1: amount must be a number, not a string")
    assert messages["/sessions/1/date"] == ("SCH004", "session 2: date does not have the expected form: "
                                                      "a calendar date written YYYY-MM-DD")
    assert not any("[" in message for _, message in messages.values())


def test_sch003_never_prints_the_schema_s_notes(tmp_path):
    invoice = clean()
    invoice["total"] = "46.38"
    (code, message), = schema_messages(tmp_path, invoice).values()
    assert (code, message) == ("SCH003", "total must be a number, not a string")


@pytest.mark.parametrize(("field", "value", "form"), [
    ("issued_on", "2026-2-3", "a calendar date written YYYY-MM-DD"),
    ("invoice_id", "F 1", "1 to 64 characters of A-Z a-z 0-9 . _ / -"),
])
def test_sch004_says_the_expected_form(tmp_path, field, value, form):
    invoice = clean()
    invoice[field] = value
    (code, message), = schema_messages(tmp_path, invoice).values()
    assert (code, message) == ("SCH004", f"{field} does not have the expected form: {form}")


def test_sch004_for_a_letter_and_an_rpps(tmp_path):
    invoice = clean()
    invoice["sessions"][0]["acts"][0]["letter"] = "ric"
    invoice["practitioner"]["rpps"] = "123"
    messages = schema_messages(tmp_path, invoice)
    assert messages["/sessions/0/acts/0/letter"][1].endswith("expected form: 2 to 4 capital letters (RIC, IFD)")
    assert messages["/practitioner/rpps"][1] == "practitioner.rpps does not have the expected form: 11 digits"


# -- release files ------------------------------------------------------------------------------------------


PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_file_is_the_mit_license_pyproject_names():
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_readme_snippets_name_a_version_the_changelog_releases():
    version = PYPROJECT["project"]["version"]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{version}]" in changelog
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:rev: |kinelint@)(v[0-9][0-9.]*)", readme))  # pre-commit rev and pip URLs
    assert named == {f"v{version}"}, named


@pytest.mark.network
@pytest.mark.skipif(os.environ.get("KINELINT_OFFLINE") == "1", reason="KINELINT_OFFLINE=1: no package index")
def test_the_wheel_ships_the_package_and_its_plugins_only(tmp_path):
    # Built from a copy of the files git tracks, without a developer's leftovers: setuptools reuses a stale
    # build/ folder as it is, and bench/out/ may hold anything (a pipe from the hostile corpus blocks a copy).
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_symlink():  # kinelint/schemas -> ../schemas
            (source / name).symlink_to(os.readlink(REPO / name))
        elif (REPO / name).is_file():
            shutil.copy2(REPO / name, source / name)
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("kinelint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert "kinelint-example" not in tops and "kinelint_example" not in tops
    assert all(top == "kinelint" or top.startswith("kinelint_") or top.endswith(".dist-info") for top in tops), tops
    assert {"kinelint/schemas/invoice-1.schema.json", "kinelint_consistency/batch.py",
            "kinelint/nomenclature/data/rulesets.toml", "kinelint/conformance/manifest.json",
            "kinelint/conformance/steps.jsonl"} <= set(names)
    assert sum(name.startswith("kinelint/conformance/cases/") for name in names) > 100  # the kit's invoices
