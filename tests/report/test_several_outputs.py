"""``--output FORMAT:PATH``, repeatable: every report of one run, each the same byte for byte as its own run."""

import pytest
from conftest import REPO, run_cli

from kinelint.report.reporters import FORMATS

SUFFIX = {"text": "txt", "json": "json", "jsonl": "jsonl", "sarif": "sarif", "junit": "xml", "github": "txt",
          "gitlab": "json", "html": "html"}
INPUTS = ("examples/",)


@pytest.fixture(scope="module")
def separate(tmp_path_factory):
    """Each format written by a run of its own (``--format F -o PATH``), the reference."""
    folder = tmp_path_factory.mktemp("separate")
    written = {}
    for name in FORMATS:
        target = folder / f"k.{SUFFIX[name]}"
        result = run_cli("check", "--jobs", "1", "--format", name, "-o", str(target), *INPUTS)
        assert result.returncode == 1, result.stderr
        written[name] = target.read_bytes()
    return written


@pytest.mark.parametrize("options", [("--jobs", "1"), ("--jobs", "2"), ("--jobs", "1", "--statistics"),
                                     ("--jobs", "2", "--diff")])
def test_one_run_writes_every_format_as_separate_runs_do(tmp_path, separate, options):
    specs = [f"--output={name}:{tmp_path / name / ('k.' + SUFFIX[name])}" for name in FORMATS]
    result = run_cli("check", *options, *specs, *INPUTS)
    assert result.returncode == 1, result.stderr
    for name in FORMATS:
        assert (tmp_path / name / f"k.{SUFFIX[name]}").read_bytes() == separate[name], name
    terminal = result.stdout.decode()
    if "--diff" in options:
        assert terminal.startswith("--- ")  # the terminal keeps its own report: the diff alone
    elif "--statistics" in options:
        assert "COE001" in terminal and "examples/faulty" not in terminal
    else:  # text, as without --output
        assert "error COE001" in terminal and "invoices checked" in terminal.splitlines()[-1]


def test_the_terminal_follows_format_and_o_still_works_beside_output(tmp_path, separate):
    result = run_cli("check", "--jobs", "1", "--format", "json", "-o", str(tmp_path / "o.json"),
                     f"--output=sarif:{tmp_path / 'k.sarif'}", *INPUTS)
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "o.json").read_bytes() == separate["json"]
    assert (tmp_path / "k.sarif").read_bytes() == separate["sarif"]
    assert "invoices checked" in result.stdout.decode()  # -o: the terminal keeps the summary


@pytest.mark.parametrize("spec, english, french", [
    ("bogus:k.txt", "unknown format bogus; one of text, json", "format bogus inconnu"),
    ("sarif", "expected FORMAT:PATH", "FORMAT:CHEMIN attendu"),
    ("sarif:", "the path is empty", "le chemin est vide"),
])
def test_a_bad_spec_is_a_usage_error_in_both_languages(tmp_path, spec, english, french):
    for lang, expected in (("en", english), ("fr", french)):
        result = run_cli("check", "--lang", lang, "--output", spec, "examples/clean/", cwd=REPO)
        assert result.returncode == 2
        assert expected in result.stderr.decode()
        assert "Traceback" not in result.stderr.decode()


def test_two_outputs_to_one_file_are_refused_before_anything_is_written(tmp_path):
    for taken in (["--output", f"junit:{tmp_path / 'k.xml'}"], ["-o", str(tmp_path / "sub" / ".." / "k.xml")]):
        result = run_cli("check", *taken, "--output", f"sarif:{tmp_path / 'k.xml'}", "examples/clean/")
        assert result.returncode == 2
        assert "is written by another output already" in result.stderr.decode()
    assert not (tmp_path / "k.xml").exists()


def test_an_output_onto_a_checked_file_is_refused(tmp_path):
    invoice = tmp_path / "a.json"
    invoice.write_bytes((REPO / "examples/clean/home-visit-2026.json").read_bytes())
    before = invoice.read_bytes()
    result = run_cli("check", "--output", f"json:{invoice}", str(invoice))
    assert result.returncode == 2
    assert "is among the files checked" in result.stderr.decode()
    assert invoice.read_bytes() == before


def test_a_failed_output_leaves_no_file_behind_and_others_untouched(tmp_path):
    (tmp_path / "old.sarif").write_text("previous")
    blocked = tmp_path / "file"
    blocked.write_text("")
    result = run_cli("check", "--output", f"sarif:{tmp_path / 'old.sarif'}", "--output", f"junit:{blocked / 'k.xml'}",
                     "examples/clean/")
    assert result.returncode == 2
    assert "cannot write the report" in result.stderr.decode()
    assert (tmp_path / "old.sarif").read_text() == "previous"
