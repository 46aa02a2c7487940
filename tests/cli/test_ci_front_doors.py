"""The CI front doors: the GitHub Action (action.yml) and the GitLab CI template, their shell steps run as the
CI would run them (bash -eo pipefail, inputs through the environment) on the examples."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import REPO, sarif_validator

from kinelint import __version__

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((REPO / "ci" / "gitlab" / "kinelint.gitlab-ci.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
INPUT = re.compile(r"^\$\{\{ inputs\.([a-z-]+) \}\}$")
RELEASE = f"kinelint @ git+https://github.com/OWNER/kinelint@v{__version__}"
HERE = Path(sys.executable).parent  # the test environment's python and kinelint


def step(name: str) -> dict:
    return next(s for s in STEPS if s.get("name") == name)


def inputs(**given) -> dict:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    for name, value in given.items():
        values[name.replace("_", "-")] = value
    return values


def shell(script: str, cwd: Path, env: dict, path: Path = HERE) -> subprocess.CompletedProcess:
    """One step as the runners run ``shell: bash``: ``bash --noprofile --norc -eo pipefail``."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(env, PATH=f"{path}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=environment,
                          capture_output=True, timeout=600)


def run_action_step(name: str, given: dict, cwd: Path, path: Path = HERE) -> tuple[subprocess.CompletedProcess, dict]:
    """Run one of the action's shell steps with its inputs; its outputs ($GITHUB_OUTPUT) come back as a dict."""
    chosen = step(name)
    env = {key: given[INPUT.match(value).group(1)] for key, value in chosen.get("env", {}).items()}
    output = cwd / "github-output"
    output.write_text("")
    result = shell(chosen["run"], cwd, {**env, "GITHUB_OUTPUT": str(output)}, path)
    return result, dict(line.split("=", 1) for line in output.read_text().splitlines())


@pytest.fixture
def examples(tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path


# -- the GitHub Action -------------------------------------------------------------------------------


def test_the_action_is_composite_with_its_inputs_and_installs_this_release_by_default():
    assert ACTION["runs"]["using"] == "composite"
    assert {"version", "paths", "args", "sarif-file"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["version"]["default"] == __version__  # the current release, pinned
    assert STEPS[0]["uses"] == "actions/setup-python@v5"
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


def test_shell_steps_take_the_inputs_through_the_environment_only():
    """An input pasted into a script is a script injection (GitHub's hardening guide): env only."""
    for chosen in STEPS:
        if "run" in chosen:
            assert "${{" not in chosen["run"], chosen["name"]
            assert chosen["shell"] == "bash"
            assert all(INPUT.match(value) for value in chosen.get("env", {}).values()), chosen["name"]


def test_the_install_step_installs_the_pinned_release_or_the_source_given(tmp_path):
    recorder = tmp_path / "bin"
    recorder.mkdir()
    (recorder / "python").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORDED"\n')  # records what pip is asked
    (recorder / "python").chmod(0o755)
    (recorder / "kinelint").symlink_to(HERE / "kinelint")
    for given, wanted in (({}, RELEASE), ({"version": "0.3.1"}, "kinelint @ git+https://github.com/OWNER/kinelint@v0.3.1"),
                          ({"source": "./dist/kinelint-0.1.0-py3-none-any.whl"}, "./dist/kinelint-0.1.0-py3-none-any.whl")):
        chosen = step("Install kinelint")
        env = {key: inputs(**given)[INPUT.match(value).group(1)] for key, value in chosen["env"].items()}
        result = shell(chosen["run"], tmp_path, {**env, "RECORDED": str(tmp_path / "args")}, recorder)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "args").read_text().splitlines()[-1] == wanted
        assert result.stdout.decode().startswith(f"kinelint {__version__}")


def test_the_check_step_writes_sarif_with_findings_and_the_action_fails_after_the_upload(examples):
    result, outputs = run_action_step("Check the invoices", inputs(paths="examples/"), examples)
    assert result.returncode == 0, result.stderr  # findings: the step goes on, so that the upload runs
    assert outputs == {"exit-code": "1"}
    log = json.loads((examples / "kinelint.sarif").read_text(encoding="utf-8"))
    sarif_validator().validate(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"TAR001", "PRE001", "DIR001"}
    upload = next(s for s in STEPS if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "${{ inputs.upload == 'true' && steps.check.outputs.exit-code != '' }}"
    failing = step("Fail on findings")
    assert failing["if"] == "${{ steps.check.outputs.exit-code == '1' }}"
    assert run_action_step("Fail on findings", inputs(), examples)[0].returncode == 1


def test_the_check_step_passes_args_and_its_own_sarif_file(examples):
    given = inputs(paths="examples/clean examples/faulty/tar-one-cent-off.json", args="--ruleset 2026.1",
                   sarif_file="reports/out.sarif")
    result, outputs = run_action_step("Check the invoices", given, examples)
    assert result.returncode == 0 and outputs == {"exit-code": "1"}
    log = json.loads((examples / "reports" / "out.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["tool"]["driver"]["properties"]["ruleset"] == "2026.1"
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"TAR001"}
    result, outputs = run_action_step("Check the invoices", inputs(paths="examples/clean"), examples)
    assert result.returncode == 0 and outputs == {"exit-code": "0"}
    assert json.loads((examples / "kinelint.sarif").read_text())["runs"][0]["results"] == []


def test_a_usage_error_stops_the_action_at_the_check_step(examples):
    result, outputs = run_action_step("Check the invoices", inputs(paths="examples/", args="--ruleset 1999.1"), examples)
    assert result.returncode == 2 and outputs == {"exit-code": "2"}
    assert b"unknown rule set" in result.stderr


# -- the GitLab CI template --------------------------------------------------------------------------


def gitlab_script(lines) -> str:
    return "\n".join(lines)


def test_the_gitlab_template_installs_the_pinned_release_and_keeps_its_reports():
    job = GITLAB["kinelint"]
    assert job["variables"]["KINELINT_VERSION"] == __version__
    assert job["artifacts"] == {"when": "always", "reports": {"codequality": "gl-code-quality-report.json",
                                                              "junit": "kinelint-junit.xml"}}
    install = next(line for line in job["script"] if line.startswith("if "))
    assert 'requirement="kinelint @ git+https://github.com/OWNER/kinelint@v$KINELINT_VERSION"' in install


def test_the_gitlab_script_writes_code_quality_and_junit_on_the_examples(examples):
    job = GITLAB["kinelint"]
    checks = [line for line in job["script"] if line.startswith("kinelint ")]  # installing is the environment's job
    variables = {**job["variables"], "KINELINT_PATHS": "examples/"}
    result = shell(gitlab_script(checks), examples, variables)
    assert result.returncode == 1, result.stderr  # the job fails on findings; artifacts: when: always keeps both
    issues = json.loads((examples / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert {issue["check_name"] for issue in issues} >= {"TAR001", "PRE001"}
    assert int(ET.parse(examples / "kinelint-junit.xml").getroot().get("failures")) > 0


# -- the install steps, pointed at this checkout (pip builds it, as on a runner) ------------------------


@pytest.fixture(scope="module")
def checkout_copy(tmp_path_factory):
    """The files git tracks, copied: pip builds in the tree it is given, and a stale build/ would be reused."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git work tree")
    source = tmp_path_factory.mktemp("checkout")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_symlink():  # kinelint/schemas -> ../schemas
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).symlink_to(os.readlink(REPO / name))
        elif (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    return source


def fresh_environment(root: Path) -> Path:
    """A new virtual environment whose python finds the test environment's packages (pip and kinelint's
    dependencies) after its own: what the install step installs there is the only kinelint it imports."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    purelib = subprocess.run([str(root / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root / "bin"


@pytest.mark.network
@pytest.mark.skipif(os.environ.get("KINELINT_OFFLINE") == "1", reason="KINELINT_OFFLINE=1: no package index")
def test_the_action_installs_the_checkout_and_checks_the_examples(examples, checkout_copy):
    bin_dir = fresh_environment(examples / "venv")
    given = inputs(source=str(checkout_copy), paths="examples/")
    result, _ = run_action_step("Install kinelint", given, examples, bin_dir)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert (bin_dir / "kinelint").exists() and result.stdout.decode().startswith(f"kinelint {__version__}")
    result, outputs = run_action_step("Check the invoices", given, examples, bin_dir)
    assert result.returncode == 0 and outputs == {"exit-code": "1"}, result.stderr
    log = json.loads((examples / "kinelint.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"] and log["runs"][0]["tool"]["driver"]["version"] == __version__


@pytest.mark.network
@pytest.mark.skipif(os.environ.get("KINELINT_OFFLINE") == "1", reason="KINELINT_OFFLINE=1: no package index")
def test_the_gitlab_job_installs_the_checkout_and_checks_the_examples(examples, checkout_copy):
    bin_dir = fresh_environment(examples / "venv")
    job = GITLAB["kinelint"]
    variables = {**job["variables"], "KINELINT_SOURCE": str(checkout_copy), "KINELINT_PATHS": "examples/"}
    result = shell(gitlab_script(job["script"]), examples, variables, bin_dir)
    assert result.returncode == 1, result.stderr.decode()[-2000:]
    assert (bin_dir / "kinelint").exists()
    assert json.loads((examples / "gl-code-quality-report.json").read_text(encoding="utf-8"))


# -- the README's recipes and the schema's address ---------------------------------------------------


def test_the_readme_recipe_uses_the_action_with_its_own_inputs():
    recipe = yaml.safe_load((REPO / "tests" / "data" / "ci" / "github-action.yml").read_text(encoding="utf-8"))
    steps = recipe["jobs"]["kinelint"]["steps"]
    (action,) = [s for s in steps if s.get("uses", "").startswith("OWNER/kinelint@")]
    assert action["uses"] == f"OWNER/kinelint@v{__version__}"
    assert set(action["with"]) <= set(ACTION["inputs"])
    assert recipe["jobs"]["kinelint"]["permissions"]["security-events"] == "write"


def test_the_readme_recipe_includes_the_template_at_the_release_tag():
    recipe = yaml.safe_load((REPO / "tests" / "data" / "ci" / "gitlab-include.yml").read_text(encoding="utf-8"))
    (included,) = recipe["include"]
    assert included["remote"] == (f"https://raw.githubusercontent.com/OWNER/kinelint/v{__version__}/"
                                  "ci/gitlab/kinelint.gitlab-ci.yml")
    assert set(recipe["kinelint"]["variables"]) <= set(GITLAB["kinelint"]["variables"])


@pytest.mark.parametrize("name", ["invoice-1.schema.json", "findings-1.schema.json"])
def test_the_schemas_id_is_their_address_in_this_repository(name):
    for folder in (REPO / "schemas", REPO / "kinelint" / "schemas"):
        schema = json.loads((folder / name).read_text(encoding="utf-8"))
        assert schema["$id"] == f"https://raw.githubusercontent.com/OWNER/kinelint/main/schemas/{name}"
    repository = re.search(r'^Repository = "https://github.com/([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)
    assert f"/{repository.group(1)}/" in schema["$id"]  # the OWNER placeholder of [project.urls], as the README's


def test_the_readme_shows_an_invoice_naming_its_schema_and_such_an_invoice_is_clean(tmp_path):
    schema_id = json.loads((REPO / "schemas" / "invoice-1.schema.json").read_text())["$id"]
    assert f'  "$schema": "{schema_id}",\n  "version": 1,' in (REPO / "README.md").read_text(encoding="utf-8")
    invoice = json.loads((REPO / "examples" / "clean" / "home-visit-2026.json").read_text(encoding="utf-8"))
    named = tmp_path / "named.json"
    named.write_text(json.dumps({"$schema": schema_id, **invoice}, indent=2, ensure_ascii=False), encoding="utf-8")
    escaped = tmp_path / "escaped.json"  # an escape elsewhere: the exact path decides, alike
    invoice["sessions"][0]["acts"][0]["label"] = "séance"
    escaped.write_text(json.dumps({"$schema": schema_id, **invoice}, indent=2), encoding="utf-8")
    assert b"\\u00e9" in escaped.read_bytes()
    for path in (named, escaped):
        result = subprocess.run([str(HERE / "kinelint"), "check", "--format", "json", str(path)],
                                capture_output=True, timeout=120)
        assert result.returncode == 0, result.stdout
        assert json.loads(result.stdout)["findings"] == []
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"$schema": 42, **invoice}), encoding="utf-8")
    result = subprocess.run([str(HERE / "kinelint"), "check", "--format", "json", str(wrong)], capture_output=True,
                            timeout=120)
    assert result.returncode == 1 and [f["pointer"] for f in json.loads(result.stdout)["findings"]] == ["/$schema"]
