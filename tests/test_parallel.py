"""--jobs: the same findings, in the same order, as one process; stdin and batch rules too."""

import json

import pytest

from conftest import run_cli
from invoice_factory import make_invoice, session
from test_cli import clean, dumps, faulty_schema

from kinelint import parallel


def batch_lines(count):
    lines = []
    for n in range(count):
        invoice = clean(f"F-{n}")
        if n % 7 == 3:
            invoice = faulty_schema(f"F-{n}")
        if n % 11 == 5:
            invoice["sessions"][0]["acts"][1]["amount"] -= 1  # TAR001 and the total
        lines.append(dumps(invoice))
    if count > 60:
        lines[40] = "{broken"
        lines[60] = dumps(make_invoice([session(1)], invoice_id="F-1", prescription_id="RX-F-1"))  # CON008
        lines[61] = dumps(make_invoice([session(1)], invoice_id="F-X", prescription_id="RX-F-2"))  # CON009
    return "\n".join(lines) + "\n"


def report(*args, cwd):
    result = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 1 and not result.stderr, result.stderr.decode()
    return json.loads(result.stdout)


def test_jobs_give_the_same_findings_in_the_same_order(tmp_path, monkeypatch):
    (tmp_path / "a.jsonl").write_text(batch_lines(250))
    (tmp_path / "b.json").write_text(dumps([clean("G-1"), faulty_schema("G-2")], indent=2))
    (tmp_path / "c.json").write_text("{")
    one = report("--jobs", "1", "a.jsonl", "b.json", "c.json", "missing.json", cwd=tmp_path)
    two = report("--jobs", "2", "a.jsonl", "b.json", "c.json", "missing.json", cwd=tmp_path)
    assert two == one
    codes = {f["code"] for f in one["findings"]}
    assert {"SCH005", "TAR001", "TAR004", "PRS002", "PRS007", "CON008", "CON009"} <= codes
    assert one["summary"]["invoices"] == 251 and one["summary"]["files"] == 4


@pytest.mark.parametrize("chunk_bytes", [300, 2999, 7000])  # lines longer than a block, and blocks of a few lines
def test_small_chunks_keep_lines_and_offsets(tmp_path, monkeypatch, chunk_bytes):
    from kinelint.api import lint_paths
    from kinelint.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.runner import Run

    monkeypatch.setattr(parallel, "CHUNK_BYTES", chunk_bytes)
    (tmp_path / "a.jsonl").write_text(batch_lines(90))
    expected, _ = lint_paths([str(tmp_path / "a.jsonl")])
    run = Run(PluginHost.from_entry_points(), load_nomenclature(), jobs=2)
    assert list(run.findings([str(tmp_path / "a.jsonl")])) == expected
    assert run.summary.invoices == 89


def test_standard_input_with_jobs(tmp_path):
    data = batch_lines(30).encode()
    one = run_cli("check", "--format", "json", "--jobs", "1", "-", stdin=data)
    two = run_cli("check", "--format", "json", "--jobs", "2", "-", stdin=data)
    assert json.loads(two.stdout) == json.loads(one.stdout)


def test_auto_is_one_process_for_small_inputs_and_every_core_for_large(tmp_path, monkeypatch):
    (tmp_path / "a.jsonl").write_text(batch_lines(5))
    assert parallel.auto_jobs([str(tmp_path)]) == 1
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 100)
    assert parallel.auto_jobs([str(tmp_path), "-"]) > 1 or __import__("os").cpu_count() == 1


def test_bad_jobs_value_is_a_usage_error(tmp_path):
    assert run_cli("check", "--jobs", "0", "x.json", cwd=tmp_path).returncode == 2
    assert run_cli("check", "--jobs", "many", "x.json", cwd=tmp_path).returncode == 2


def test_a_carriage_return_inside_a_line_is_whitespace_whichever_way_the_batch_is_read(tmp_path):
    invoice = dumps(faulty_schema("F-CR")).replace('"sessions":', '"sessions":\r', 1)  # JSON whitespace
    assert "\r" in invoice
    data = (dumps(clean("F-1")) + "\n" + invoice + "\n").encode()
    (tmp_path / "a.jsonl").write_bytes(data)
    by_file = [run_cli("check", "--format", "json", "--jobs", jobs, "a.jsonl", cwd=tmp_path) for jobs in ("1", "2")]
    from_stdin = run_cli("check", "--format", "json", "--jobs", "1", "-", stdin=data, cwd=tmp_path)
    one, two, piped = (json.loads(result.stdout)["findings"] for result in (*by_file, from_stdin))
    assert one == two
    assert [(f["code"], f["line"], f["column"]) for f in piped] == [(f["code"], f["line"], f["column"]) for f in one]
    assert one and all(f["code"].startswith("SCH") and f["line"] == 2 for f in one)  # no PRS002: not cut in two
