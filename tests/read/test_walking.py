"""Which files a run reads: suffixes in any case, nothing found is an error, exclude / extend-exclude, .gitignore,
files named on the command line, and the one finding for a JSON file that is not an invoice."""

import json
import re
from pathlib import Path

import pytest
from invoice_factory import clean, dumps, faulty_schema
from conftest import REPO, run_cli


from kinelint.cli.config import Overrides, load_settings
from kinelint.read.exclusion import DEFAULT_EXCLUDE, Exclusions
from kinelint.check.host import PluginHost
from kinelint.read.sources import discover_quietly

RULES = PluginHost.from_entry_points().rules


def report(*args, cwd):
    result = run_cli("check", "--format", "json", *args, cwd=cwd)
    return result, (json.loads(result.stdout) if result.stdout else None)


def walked(root: Path, exclusions: Exclusions | None = None, paths=(".",)) -> list[str]:
    import os

    here = os.getcwd()
    os.chdir(root)
    try:
        return sorted(Path(source.display).as_posix() for source in discover_quietly(paths, exclusions))
    finally:
        os.chdir(here)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- suffixes and empty runs --------------------------------------------------------------------------------


def test_upper_case_suffixes_are_walked_and_read_by_their_kind(tmp_path):
    write(tmp_path / "exports" / "FACTURE.JSON", dumps(clean("F-1")))
    write(tmp_path / "exports" / "lot.JSONL", dumps(clean("F-2")) + "\n" + dumps(faulty_schema("F-3")) + "\n")
    write(tmp_path / "exports" / "Autre.NdJson", dumps(clean("F-4")) + "\n")
    result, found = report("exports", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert found["summary"]["files"] == 3 and found["summary"]["invoices"] == 4
    (finding,) = found["findings"]
    assert (finding["file"], finding["line"], finding["code"]) == ("exports/lot.JSONL", 2, "SCH005")


@pytest.mark.parametrize("content", [{}, {"notes.txt": "invoices", "facture.json.bak": "{}", "README.md": "# x"}])
def test_a_folder_without_invoice_files_is_an_error_not_a_green_run(tmp_path, content):
    folder = tmp_path / "invoices"
    folder.mkdir()
    for name, text in content.items():
        write(folder / name, text)
    for extra in ((), ("--exit-zero",)):
        result = run_cli("check", *extra, "invoices", cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert b"no invoice file in invoices" in result.stderr and b"nothing was checked" in result.stderr


def test_one_invoice_among_the_paths_is_enough(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "a.json", dumps(clean()))
    result = run_cli("check", "empty", "a.json", cwd=tmp_path)
    assert result.returncode == 0 and not result.stderr


def test_a_missing_file_is_still_a_finding_not_nothing(tmp_path):
    result = run_cli("check", "gone.json", cwd=tmp_path)
    assert result.returncode == 1 and b"PRS007" in result.stdout


# -- exclude, extend-exclude, .gitignore ---------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path):
    """A vendor repository: invoices, dependency folders, an archive, drafts and git-ignored scratch files."""
    (tmp_path / ".git").mkdir()
    for name in ("invoices/a.json", "invoices/2019/old.json", "invoices/x.draft.json", "node_modules/pkg/p.json",
                 "venv/lib/site.json", "scratch/tmp.json", "invoices/keep/scratch.json", "invoices/local.json"):
        write(tmp_path / name, dumps(clean(Path(name).stem.replace(".", "-"))))
    write(tmp_path / ".gitignore", "scratch/\n*.local.json\nlocal.json\n")
    write(tmp_path / "invoices" / ".gitignore", "!local.json\n")
    return tmp_path


def test_default_exclusions_and_gitignore(tree):
    assert walked(tree) == ["invoices/2019/old.json", "invoices/a.json", "invoices/keep/scratch.json",
                            "invoices/local.json", "invoices/x.draft.json"]
    # the deeper .gitignore re-includes local.json; "scratch/" ignores a folder, not a file of that name


def test_gitignore_applies_when_walking_a_subfolder_and_can_be_turned_off(tree):
    write(tree / "invoices" / "tmp" / "t.json", "{}")
    write(tree / ".gitignore", "invoices/tmp/\n")
    assert "invoices/tmp/t.json" not in walked(tree, paths=("invoices",))
    assert "invoices/tmp/t.json" in walked(tree, Exclusions(gitignore=False), paths=("invoices",))


def test_exclude_replaces_the_defaults_and_extend_exclude_adds(tree):
    settings = load_settings(RULES, Overrides(extend_exclude=("invoices/2019/", "*.draft.json")), cwd=tree)
    assert walked(tree, settings.exclusions()) == ["invoices/a.json", "invoices/keep/scratch.json",
                                                   "invoices/local.json"]
    settings = load_settings(RULES, Overrides(exclude=("invoices",)), cwd=tree)
    assert walked(tree, settings.exclusions()) == ["node_modules/pkg/p.json", "venv/lib/site.json"]


def test_configuration_keys_and_their_errors(tree):
    write(tree / "kinelint.toml", 'extend-exclude = ["2019", "x.*.json"]\nrespect-gitignore = false\n')
    result, found = report(".", cwd=tree)
    files = {finding["file"] for finding in found["findings"]}
    assert found["summary"]["files"] == 4, (files, result.stderr)  # a, keep/scratch, local, scratch/tmp
    shown = run_cli("config", cwd=tree).stdout.decode()
    assert re.search(r'extend-exclude = \["2019", "x\.\*\.json"\] +# file', shown)
    assert re.search(r"respect-gitignore = false +# file", shown)
    for bad in ('exclude = "node_modules"', 'extend-exclude = [1]', 'force-exclude = "yes"'):
        write(tree / "kinelint.toml", bad + "\n")
        result = run_cli("check", ".", cwd=tree)
        assert result.returncode == 2 and b"kinelint.toml" in result.stderr, bad


def test_command_line_options(tree):
    result, found = report("--extend-exclude", "2019,*.draft.json", "--no-respect-gitignore", "invoices", cwd=tree)
    assert result.returncode == 0 and found["summary"]["files"] == 3, result.stderr  # a, keep/scratch, local
    result, found = report("--exclude", "keep", ".", cwd=tree)
    assert found["summary"]["files"] == 6, result.stderr  # the defaults are gone: node_modules and venv are read


def test_a_file_named_on_the_command_line_is_checked_unless_force_exclude(tree):
    named = ["node_modules/pkg/p.json", "invoices/a.json"]
    result, found = report(*named, cwd=tree)
    assert found["summary"]["files"] == 2
    result, found = report("--force-exclude", *named, cwd=tree)
    assert found["summary"]["files"] == 1
    result = run_cli("check", "--force-exclude", "node_modules/pkg/p.json", cwd=tree)
    assert result.returncode == 0 and b"every file named is excluded" in result.stderr


def test_defaults_are_the_documented_ones():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in DEFAULT_EXCLUDE)


# -- a JSON file that is not an invoice ---------------------------------------------------------------------


def test_a_json_file_that_is_not_an_invoice_gets_one_finding(tmp_path):
    write(tmp_path / "package.json", json.dumps({"name": "billing", "private": True, "scripts": {"a": "b"},
                                                 "dependencies": {}, "license": "MIT"}))
    result, found = report("package.json", cwd=tmp_path)
    (finding,) = found["findings"]
    assert finding["code"] == "SCH008" and finding["rule"] == "not-an-invoice"
    assert "not an invoice" in finding["message"] and finding["pointer"] == ""


@pytest.mark.parametrize("manifest", [{"name": "billing", "version": "1.0.0", "private": True},
                                      {"settings": {"theme": "dark"}, "version": 2}, {"sessions": []}])
def test_other_json_files_with_a_version_of_their_own_are_not_invoices_either(tmp_path, manifest):
    write(tmp_path / "other.json", json.dumps(manifest))
    result, found = report("other.json", cwd=tmp_path)
    assert [f["code"] for f in found["findings"]] == ["SCH008"]


@pytest.mark.parametrize("kept", ["version", "invoice_id"])
def test_an_invoice_missing_fields_is_still_checked_field_by_field(tmp_path, kept):
    invoice = {kept: clean()[kept], "extra": 1}
    write(tmp_path / "half.json", json.dumps(invoice))
    result, found = report("half.json", cwd=tmp_path)
    codes = {finding["code"] for finding in found["findings"]}
    assert "SCH008" not in codes and {"SCH001", "SCH002"} <= codes


def test_an_empty_object_is_an_invoice_missing_every_field(tmp_path):
    write(tmp_path / "empty.json", "{}")
    result, found = report("empty.json", cwd=tmp_path)
    assert [(f["code"], f["pointer"]) for f in found["findings"]] == [("SCH001", "")]


def test_gitignore_of_the_folders_above_a_walked_subfolder(tree):
    write(tree / "invoices" / ".gitignore", "2019/\n")
    write(tree / ".git" / "info" / "exclude", "x.draft.json\n")
    assert walked(tree, paths=("invoices/keep",)) == ["invoices/keep/scratch.json"]
    assert walked(tree, paths=("invoices",)) == ["invoices/a.json", "invoices/keep/scratch.json"]
