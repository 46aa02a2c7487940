"""The benchmark's batch generator (bench/generate.py): seeded, clean where it says clean, one fault where it says so.

The speed figures of issue 5 are only worth something if the batch is what
it claims: realistic invoices that every built-in rule accepts, plus a known
share with exactly one rule fault each.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from kinelint.api import lint_paths

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("kinelint_bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def write_kinds(generator, count: int, path) -> dict[int, str]:
    """Write ``count`` generated invoices as JSON Lines; the kind of each, by line number."""
    kinds = {}
    with open(path, "wb") as out:
        for item in generator.generate(count):
            out.write(item.line + b"\n")
            kinds[item.index + 1] = item.kind
    return kinds


def by_line(findings) -> dict[int, list[str]]:
    found = defaultdict(list)
    for finding in findings:
        found[finding.line].append(finding.code)
    return found


def test_same_seed_same_bytes_other_seed_other_bytes(generate, tmp_path):
    paths = [tmp_path / name for name in ("a.jsonl", "b.jsonl", "c.jsonl")]
    for path, seed in zip(paths, (3, 3, 4)):
        generate.write_batch(path, 300, seed, invalid_rate=0.1, fault_rate=0.1)
    first, again, other = (p.read_bytes() for p in paths)
    assert first == again
    assert first != other
    assert first.count(b"\n") == 300


def test_command_line_writes_the_batch(generate, tmp_path):
    out = tmp_path / "out" / "batch.jsonl"
    assert generate.main(["--count", "50", "--seed", "2", "--fault-rate", "0", "-o", str(out)]) == 0
    lines = out.read_bytes().splitlines()
    assert len(lines) == 50
    assert 500 < sum(map(len, lines)) / len(lines) < 1600  # realistic: about 1 KB an invoice


def test_clean_invoices_lint_clean(generate, tmp_path):
    path = tmp_path / "clean.jsonl"
    kinds = generate.write_batch(path, 200, 5, invalid_rate=0.0, fault_rate=0.0)
    assert kinds == {"clean": 200}
    findings, summary = lint_paths([path])
    assert [(f.line, f.code, f.message) for f in findings] == []
    assert summary.invoices == 200


def test_clean_invoices_cover_the_realistic_cases(generate):
    import orjson

    generator = generate.Generator(seed=6)
    seen = Counter()
    for item in generator.generate(400):
        invoice = orjson.loads(item.line)
        seen[invoice["practitioner"]["territory"]] += 1
        for session in invoice["sessions"]:
            seen[session["date"][:4]] += 1
            seen[session["place"]] += 1
            seen.update("BDK" for act in session["acts"] if act.get("bdk"))
            seen.update(fee["code"] for fee in session.get("fees", ()))
            seen.update("quantity" for fee in session.get("fees", ()) if "quantity" in fee)
    for wanted in ("metropole", "dom", "2025", "2026", "cabinet", "domicile", "BDK", "IFD", "IFS", "IFO", "IK",
                   "quantity"):
        assert seen[wanted] > 0, wanted


def test_each_faulty_invoice_has_exactly_its_one_finding(generate, tmp_path):
    path = tmp_path / "faults.jsonl"
    kinds = write_kinds(generate.Generator(seed=7, fault_rate=1.0), 300, path)
    intended = {line: kind.removeprefix("fault:") for line, kind in kinds.items()}
    findings, _ = lint_paths([path])
    found = by_line(findings)
    wrong = {line: (code, found.get(line, [])) for line, code in intended.items() if found.get(line) != [code]}
    assert wrong == {}
    assert set(intended.values()) == set(generate.FAULTS)


def test_schema_invalid_invoices_get_schema_findings_only(generate, tmp_path):
    path = tmp_path / "invalid.jsonl"
    kinds = write_kinds(generate.Generator(seed=8, invalid_rate=1.0), 120, path)
    findings, _ = lint_paths([path])
    found = by_line(findings)
    for line, kind in kinds.items():
        assert found.get(line), (line, kind)
        assert all(code.startswith("SCH") for code in found[line]), (line, kind, found[line])
    assert {k.removeprefix("invalid:") for k in kinds.values()} == set(generate.INVALIDS)
