"""The pre-commit hook for real: ``pre-commit try-repo`` on this checkout, in a scratch vendor repository.

try-repo on a checkout with uncommitted changes only carries the tracked files
(``git add -u``), so a file not yet committed would be missing from the hook's
environment. The test therefore commits a snapshot of the working tree as it
is on disk (tracked and untracked files, minus the ignored ones) into a scratch
repository and points pre-commit at that: the hook tested is exactly the code
under test, committed or not. pre-commit installs the hook with pip, so this
needs the package index: it is marked ``network`` and skipped with
KINELINT_OFFLINE=1.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from invoice_factory import clean, dumps, faulty_schema


ROOT = Path(__file__).resolve().parents[2]
CI = Path(__file__).parents[1] / "data" / "ci"

pytestmark = [
    pytest.mark.network,
    pytest.mark.skipif(os.environ.get("KINELINT_OFFLINE") == "1", reason="KINELINT_OFFLINE=1: no package index"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "kinelint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "kinelint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args, cwd):
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env={**os.environ, **GIT_ENV}, check=True)
    return result.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """(path, commit) of a scratch repository holding this checkout's working tree."""
    snapshot = tmp_path_factory.mktemp("kinelint-snapshot")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split(b"\0")
    for name in filter(None, (os.fsdecode(item) for item in listed)):
        source, target = ROOT / name, snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():  # kept as a link, as git stores it
            target.symlink_to(os.readlink(source))
        elif source.is_file():  # (a file deleted but not yet committed is listed and absent)
            shutil.copy2(source, target)
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot of the kinelint working tree", cwd=snapshot)
    return snapshot, git("rev-parse", "HEAD", cwd=snapshot).decode().strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    """One hook environment for the module's runs (same repository and commit), away from the user's cache."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def vendor_repo(tmp_path):
    """A vendor's repository: clean invoice fixtures, and other files the hook must not pass to kinelint."""
    repo = tmp_path / "vendor"
    (repo / "invoices").mkdir(parents=True)
    (repo / "invoices" / "single.json").write_text(dumps(clean("F-1"), indent=2))
    (repo / "invoices" / "batch.jsonl").write_text(dumps(clean("F-2")) + "\n" + dumps(clean("F-3")) + "\n")
    (repo / "invoices" / "export.ndjson").write_text(dumps(clean("F-4")) + "\n")
    (repo / "NOTES.md").write_text("not JSON {\n")
    (repo / "data.csv").write_text("a,b\n")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def pre_commit(*args, cwd, home):
    environment = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    for name in ("PYTHONPATH", "CI", "PRE_COMMIT"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, env=environment,
                          timeout=600)


def add_faulty(repo):
    (repo / "invoices" / "faulty.json").write_text(dumps(faulty_schema("F-9"), indent=2))
    git("add", "-A", cwd=repo)


def test_try_repo_passes_on_clean_invoices_and_fails_showing_the_finding(hook_repo, pre_commit_home, vendor_repo):
    snapshot, _ = hook_repo
    result = pre_commit("try-repo", str(snapshot), "kinelint", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    output = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == 0, output
    assert "kinelint (NGAP invoices)" in output and "Passed" in output

    add_faulty(vendor_repo)
    result = pre_commit("try-repo", str(snapshot), "kinelint", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    output = result.stdout.decode()
    assert result.returncode == 1, output + result.stderr.decode()
    assert "Failed" in output and "- exit code: 1" in output
    assert "invoices/faulty.json:" in output and "SCH005" in output
    assert "4 files, 5 invoices checked: 1 error, 0 warnings." in output  # one process saw every invoice file


def test_the_documented_pre_commit_config(hook_repo, pre_commit_home, vendor_repo):
    """tests/data/ci/pre-commit-config.yaml is the README's three-line setup: run it, pointed at the snapshot."""
    snapshot, commit = hook_repo
    config = (CI / "pre-commit-config.yaml").read_text()
    assert "https://github.com/OWNER/kinelint" in config and "rev: v0.1.0" in config
    config = config.replace("https://github.com/OWNER/kinelint", str(snapshot)).replace("v0.1.0", commit)
    (vendor_repo / ".pre-commit-config.yaml").write_text(config)
    add_faulty(vendor_repo)
    result = pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    output = result.stdout.decode()
    assert result.returncode == 1, output + result.stderr.decode()
    assert "invoices/faulty.json:" in output and "SCH005" in output
    (vendor_repo / "invoices" / "faulty.json").unlink()
    git("add", "-A", cwd=vendor_repo)
    result = pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_a_committed_file_named_like_an_option_is_checked_as_a_file(hook_repo, pre_commit_home, vendor_repo):
    """pre-commit runs entry + args + file names: ``-ovictim.json`` must be a path, never ``-o victim.json``."""
    snapshot, _ = hook_repo
    (vendor_repo / "-ovictim.json").write_text(dumps(faulty_schema("F-DASH"), indent=2))  # at the root: "-o..."
    git("add", "-A", cwd=vendor_repo)
    victim = vendor_repo / "victim.json"  # not in the commit: never written
    victim.write_text("untouched")
    result = pre_commit("try-repo", str(snapshot), "kinelint", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    output = result.stdout.decode()
    assert result.returncode == 1, output + result.stderr.decode()
    assert "-ovictim.json:" in output and "SCH005" in output
    assert victim.read_text() == "untouched"

def test_the_documented_invoices_only_recipe_keeps_the_suffix_filter(hook_repo, pre_commit_home, vendor_repo):
    """tests/data/ci/pre-commit-invoices-only.yaml: a README, a PDF and other JSON files around the invoices are not
    handed to kinelint; an upper-case FACTURE.JSON is. The recipe the README warns against (`files: ^invoices/`)
    replaces the hook's filter and fails on the README: the contrast shows the test can fail."""
    snapshot, commit = hook_repo
    (vendor_repo / "invoices" / "README.md").write_text("# how we export\n")
    (vendor_repo / "invoices" / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (vendor_repo / "settings.json").write_text('{"theme": "dark"}\n')
    (vendor_repo / "invoices" / "FACTURE.JSON").write_text(dumps(faulty_schema("F-UP"), indent=2))
    git("add", "-A", cwd=vendor_repo)
    recipe = (CI / "pre-commit-invoices-only.yaml").read_text()
    config = recipe.replace("https://github.com/OWNER/kinelint", str(snapshot)).replace("v0.1.0", commit)
    (vendor_repo / ".pre-commit-config.yaml").write_text(config)
    result = pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    output = result.stdout.decode()
    assert result.returncode == 1, output + result.stderr.decode()
    assert "invoices/FACTURE.JSON:" in output and "SCH005" in output
    assert "README.md" not in output and "scan.pdf" not in output and "settings.json" not in output
    assert "4 files, 5 invoices checked: 1 error, 0 warnings." in output

    (vendor_repo / "invoices" / "FACTURE.JSON").unlink()
    git("add", "-A", cwd=vendor_repo)
    assert pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home).returncode == 0

    (vendor_repo / ".pre-commit-config.yaml").write_text(config.replace(recipe.splitlines()[-1].strip(),
                                                                        "files: ^invoices/"))
    result = pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    assert result.returncode == 1 and "invoices/README.md:1:1: error PRS002" in result.stdout.decode()


def test_the_hook_honours_the_configuration_s_exclude(hook_repo, pre_commit_home, vendor_repo):
    """The hook runs with --force-exclude: a file of the commit that the configuration excludes is not checked."""
    snapshot, commit = hook_repo
    (vendor_repo / "fixtures" / "broken").mkdir(parents=True)
    (vendor_repo / "fixtures" / "broken" / "bad.json").write_text(dumps(faulty_schema("F-B"), indent=2))
    (vendor_repo / "kinelint.toml").write_text('extend-exclude = ["fixtures/broken/"]\n')
    config = (CI / "pre-commit-config.yaml").read_text()
    config = config.replace("https://github.com/OWNER/kinelint", str(snapshot)).replace("v0.1.0", commit)
    (vendor_repo / ".pre-commit-config.yaml").write_text(config)
    git("add", "-A", cwd=vendor_repo)
    result = pre_commit("run", "--all-files", cwd=vendor_repo, home=pre_commit_home)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    result = pre_commit("run", "--files", "fixtures/broken/bad.json", cwd=vendor_repo, home=pre_commit_home)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()  # every file named is excluded
