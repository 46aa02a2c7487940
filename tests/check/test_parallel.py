"""--jobs: the same findings, in the same order, as one process; stdin and batch rules too."""

import json

import pytest

from conftest import run_cli
from invoice_factory import clean, dumps, faulty_schema, make_invoice, session


from kinelint.check import parallel


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
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    monkeypatch.setattr(parallel, "CHUNK_BYTES", chunk_bytes)
    (tmp_path / "a.jsonl").write_text(batch_lines(90))
    expected, _ = lint_paths([str(tmp_path / "a.jsonl")])
    run = Run(PluginHost.from_entry_points(), load_nomenclature(), workers=parallel.in_workers(2))
    assert list(run.findings([str(tmp_path / "a.jsonl")])) == expected
    assert run.summary.invoices == 89


def test_standard_input_with_jobs(tmp_path):
    data = batch_lines(30).encode()
    one = run_cli("check", "--format", "json", "--jobs", "1", "-", stdin=data)
    two = run_cli("check", "--format", "json", "--jobs", "2", "-", stdin=data)
    assert json.loads(two.stdout) == json.loads(one.stdout)


def test_auto_is_one_process_below_the_bytes_a_worker_needs(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "BYTES_PER_WORKER", 1000)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 100)
    (tmp_path / "a.jsonl").write_bytes(b"x" * 1999)
    assert parallel.planned_jobs([str(tmp_path)], cpus=8) == 1  # one byte short of two workers' worth
    (tmp_path / "a.jsonl").write_bytes(b"x" * 2000)
    assert parallel.planned_jobs([str(tmp_path)], cpus=8) == 2


def test_auto_is_capped_by_the_usable_cpus_and_by_the_tasks(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "BYTES_PER_WORKER", 10)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)
    for name in ("a.json", "b.json", "c.json"):
        (tmp_path / name).write_bytes(b"x" * 5000)  # each a single task, however large
    assert parallel.planned_jobs([str(tmp_path)], cpus=8) == 3
    assert parallel.planned_jobs([str(tmp_path)], cpus=2) == 2
    (tmp_path / "d.jsonl").write_bytes(b"x" * 4001)  # five chunks of JSON Lines
    assert parallel.planned_jobs([str(tmp_path)], cpus=64) == 8
    assert parallel.planned_jobs([str(tmp_path / "d.jsonl")], cpus=64) == 5


def test_an_explicit_count_is_capped_by_the_tasks_only(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)
    for index in range(13):
        (tmp_path / f"{index}.json").write_text("{}")
    assert parallel.planned_jobs([str(tmp_path)], requested=64, cpus=2) == 13  # never more workers than tasks
    assert parallel.planned_jobs([str(tmp_path)], requested=3, cpus=2) == 3  # as asked: beyond the CPUs too
    assert parallel.planned_jobs([str(tmp_path / "0.json")], requested=2, cpus=2) == 1  # one task: this process
    (tmp_path / "big.jsonl").write_bytes(b"x" * 1001)
    assert parallel.planned_jobs([str(tmp_path / "big.jsonl")], requested=4, cpus=2) == 2
    assert parallel.planned_jobs([str(tmp_path / "missing.json")], requested=4, cpus=2) == 1
    assert parallel.planned_jobs([str(tmp_path)], requested=1, cpus=8) == 1


def test_standard_input_counts_by_its_size_when_it_is_a_file_and_as_any_number_of_tasks_when_a_pipe(
        tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(parallel, "BYTES_PER_WORKER", 1000)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)
    lines, array = tmp_path / "lines", tmp_path / "array"
    lines.write_bytes(b"\n" * 4000)
    array.write_bytes(b" [" + b" " * 4000)

    def planned(stdin, requested=None):
        saved = os.dup(0)
        try:
            os.dup2(stdin, 0)
            return parallel.planned_jobs(["-"], requested=requested, cpus=8)
        finally:
            os.dup2(saved, 0)
            os.close(saved)

    with open(lines, "rb") as handle:
        assert planned(handle.fileno()) == 4
    with open(array, "rb") as handle:
        assert planned(handle.fileno()) == 1  # an array is one task, whatever its size
        assert planned(handle.fileno(), requested=3) == 1
    read, write = os.pipe()
    try:
        assert planned(read) == 1  # auto: a pipe's size is not known, it stays in this process
        assert planned(read, requested=3) == 3  # --jobs 3: as asked
    finally:
        os.close(read)
        os.close(write)


def test_the_small_example_files_and_jobs_64_are_checked_in_this_process_by_auto(tmp_path):
    from kinelint.read.sources import discover_quietly

    examples = parallel.Path(__file__).parents[2] / "examples"
    found = [source for source in discover_quietly([str(examples)]) if "vendor" not in source.path.parts]
    assert len(found) == 21  # the bundled examples: a handful of small files (examples/vendor/ is a vendor's, apart)
    assert parallel.planned_jobs([str(examples)], cpus=64) == 1


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


def test_the_runner_never_imports_parallel():
    """parallel uses the runner's pieces; the runner is handed the workers (Run.workers) and never imports
    parallel back, at run time or for type checking: the pipeline goes one way."""
    import ast

    tree = ast.parse((parallel.Path(parallel.__file__).parent / "runner.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):  # "from kinelint import parallel", "from . import parallel" too
            module = ".".join(filter(None, ["kinelint" if node.level else "", node.module or ""]))
            imported |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    assert not {name for name in imported if name == "kinelint.check.parallel" or name.startswith("kinelint.check.parallel.")}
    assert "kinelint" in {name.split(".")[0] for name in imported}  # the walk sees the runner's imports
