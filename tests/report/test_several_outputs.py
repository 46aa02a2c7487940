"""``--output FORMAT:PATH``, repeatable: one check, several reports, each the same bytes as a run of its own
(``--format FORMAT -o PATH``), each written whole; the terminal keeps the ``--format`` report."""

from __future__ import annotations

import pytest
from conftest import REPO, run_cli

INPUTS = [str(REPO / "examples" / "faulty" / name) for name in
          ("tar-one-cent-off.json", "batch-2026-01.jsonl", "pre-travel-fee-without-home-care.json")]
FILES = {"sarif": "k.sarif", "junit": "k.xml", "html": "k.html", "json": "k.json", "jsonl": "k.jsonl",
         "gitlab": "k.gitlab.json", "github": "k.github.txt", "text": "k.txt"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_run_writes_every_format_as_separate_runs_would(tmp_path, jobs):
    together = tmp_path / "together"
    specs = [f"--output={name}:{together / path}" for name, path in FILES.items()]
    result = run_cli("check", "--jobs", jobs, *specs, *INPUTS, cwd=tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    assert b"TAR001" in result.stdout  # the terminal keeps the text report
    for name, path in FILES.items():
        alone = tmp_path / "alone" / path
        run_cli("check", "--jobs", jobs, "--format", name, "-o", str(alone), *INPUTS, cwd=tmp_path)
        assert (together / path).read_bytes() == alone.read_bytes(), name
        assert alone.stat().st_size > 0


def test_outputs_beside_a_report_file_and_statistics(tmp_path):
    result = run_cli("check", "--statistics", "--format", "json", "-o", "r.json", "--output", "sarif:r.sarif",
                     *INPUTS, cwd=tmp_path)
    assert result.returncode == 1
    assert b'"statistics"' in result.stdout
    assert (tmp_path / "r.json").read_bytes().startswith(b"{") and b'"runs"' in (tmp_path / "r.sarif").read_bytes()


@pytest.mark.parametrize("spec, says", [
    ("sarif", "is not FORMAT:PATH"), ("pdf:r.pdf", "is not FORMAT:PATH"), ("sarif:", "is not FORMAT:PATH"),
])
def test_a_bad_spec_is_a_usage_error(tmp_path, spec, says):
    result = run_cli("check", "--output", spec, *INPUTS, cwd=tmp_path)
    assert result.returncode == 2 and says in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_one_path_twice_or_a_checked_file_is_refused_and_nothing_is_written(tmp_path):
    twice = run_cli("check", "--output", "sarif:r", "--output", "json:./r", *INPUTS, cwd=tmp_path)
    assert twice.returncode == 2 and "named by two --output" in twice.stderr.decode()
    both = run_cli("check", "-o", "r", "--output", "json:r", *INPUTS, cwd=tmp_path)
    assert both.returncode == 2 and "the --output-file too" in both.stderr.decode()
    onto = run_cli("check", "--output", f"json:{INPUTS[0]}", *INPUTS, cwd=tmp_path)
    assert onto.returncode == 2 and "among the files checked" in onto.stderr.decode()
    assert not (tmp_path / "r").exists()


def test_the_usage_error_in_french(tmp_path):
    result = run_cli("check", "--lang", "fr", "--output", "pdf:r.pdf", *INPUTS, cwd=tmp_path)
    assert result.returncode == 2 and "n'est pas FORMAT:CHEMIN" in result.stderr.decode()
