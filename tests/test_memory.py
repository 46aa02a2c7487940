"""Memory bounded by the largest invoice and the batch keys, whatever the shape of the input (issue 12, item 13).

Each run is a child process that reports its own peak RSS (``VmHWM`` read
from ``/proc/self/status`` as it exits): not ``os.wait4``, whose figure
carries the parent's (pytest's) high-water mark into the child. The inputs
are made large by spaces inside each invoice, so they cost little to check
but much to hold; the bounds are generous, and today's code (which held an
array file, standard input or the findings whole) is several times over them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from invoice_factory import act, dumps, make_invoice, rpps_with_key, session

from test_hostile import Measured, run_measured

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")

MIB = 1 << 20
PAD = 2000  # spaces after each comma of an invoice: ~130 KiB an invoice, cheap to check, costly to hold

def run_peak(*args: str, stdin: Path | None = None, cwd: Path | None = None) -> tuple[Measured, int]:
    """``kinelint ARGS`` in a child process, and the peak RSS of that child alone (bytes): ``run_measured``."""
    result = run_measured(*args, stdin=stdin, cwd=cwd, timeout=600)
    assert result.max_rss_bytes > 0, result.stderr[-2000:]
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr, result.stderr[-2000:]
    return result, result.max_rss_bytes


def padded(invoice: dict) -> str:
    """The invoice on one line, with ``PAD`` spaces after each comma (JSON whitespace: the same invoice)."""
    return dumps(invoice, separators=("," + " " * PAD, ":"))


def invoices(count: int, prefix: str = "F") -> list[str]:
    """Clean invoices of their own treatments, a few sessions each, padded."""
    texts = []
    for number in range(count):
        sessions = [session(n, on=f"2026-01-{10 + n:02d}", acts=[act("RIC", "8.12")] if n > 1 else None)
                    for n in range(1, 4)]
        invoice = make_invoice(sessions, invoice_id=f"{prefix}-{number}", prescription_id=f"RX-{prefix}-{number}")
        invoice["practitioner"]["rpps"] = rpps_with_key(f"1{number:09d}")  # a practitioner's day, not DAY001's
        texts.append(padded(invoice))
    return texts


def write_array(path: Path, texts: list[str]) -> Path:
    path.write_text("[\n" + ",\n".join(texts) + "\n]\n", encoding="utf-8")
    return path


def write_lines(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(text + "\n" for text in texts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[str, Path]:
    """~100 MiB of the same invoices as an array and as JSON Lines."""
    root = tmp_path_factory.mktemp("memory")
    texts = invoices(int(100 * MIB / (len(invoices(1)[0]) + 2)))
    return {"array": write_array(root / "batch.json", texts), "lines": write_lines(root / "batch.jsonl", texts)}


def findings_of(result: Measured) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_an_array_file_costs_what_the_same_invoices_cost_as_json_lines(batch):
    size = batch["array"].stat().st_size
    lines, lines_peak = run_peak("check", "--jobs", "1", "--format", "jsonl", str(batch["lines"]))
    array, array_peak = run_peak("check", "--jobs", "1", "--format", "jsonl", str(batch["array"]))
    assert lines.returncode == array.returncode == 0, (lines.stdout[-2000:], array.stdout[-2000:])
    # Held whole, the file's bytes and its text alone were twice its size (2.2 GB for 300 MB).
    assert array_peak < lines_peak + 32 * MIB, (array_peak >> 20, lines_peak >> 20, size >> 20)


def test_standard_input_is_read_as_a_stream_array_or_json_lines(batch):
    size = batch["array"].stat().st_size
    _, lines_peak = run_peak("check", "--jobs", "1", "--format", "jsonl", str(batch["lines"]))
    for shape in ("array", "lines"):
        result, peak = run_peak("check", "--jobs", "1", "--format", "jsonl", "-", stdin=batch[shape])
        assert result.returncode == 0, result.stdout[-2000:]
        assert b"invoices checked: no findings" in result.stderr or result.stdout == b""
        assert peak < lines_peak + 32 * MIB, (shape, peak >> 20, lines_peak >> 20, size >> 20)


def test_array_files_with_batch_findings_are_not_kept_to_the_end(tmp_path):
    """Each file shares an invoice id with the next (CON008, found at the end): every file is read again then,
    one document at a time, none kept whole."""
    paths, total = [], 0
    for number in range(3):
        texts = invoices(int(40 * MIB / (len(invoices(1)[0]) + 2)), prefix=f"F{number}")
        texts.append(invoices(1, prefix=f"F{number + 1}")[0].replace(f'"RX-F{number + 1}-0"', f'"RX-D{number}"'))
        paths.append(write_array(tmp_path / f"part-{number}.json", texts))
        total += paths[-1].stat().st_size
    _, one_peak = run_peak("check", "--jobs", "1", "--format", "jsonl", str(paths[0]))
    result, peak = run_peak("check", "--jobs", "1", "--format", "jsonl", *map(str, paths))
    found = findings_of(result)
    assert sorted({f["code"] for f in found}) == ["CON008"], found[:5]
    assert {Path(f["file"]).name for f in found} == {"part-1.json", "part-2.json"}
    # Kept to the end, each file with a batch finding held its text and its value (~250 MiB here).
    assert peak < one_peak + 24 * MIB, (peak >> 20, one_peak >> 20, total >> 20)


FINDINGS = 30_000


@pytest.fixture(scope="module")
def many_findings(tmp_path_factory) -> tuple[Path, int]:
    """A batch of 30,000 lines that are not JSON (a PRS002 each, cheap to find), and the peak of a run that
    streams its report (JSON Lines): the reports written whole must stay close to it."""
    batch = tmp_path_factory.mktemp("findings") / "broken.jsonl"
    batch.write_text("x\n" * FINDINGS, encoding="utf-8")
    result, streamed_peak = run_peak("check", "--jobs", "1", "--format", "jsonl", "-o", os.devnull, str(batch))
    assert result.returncode == 1
    return batch, streamed_peak


@pytest.mark.parametrize("output_format", ["sarif", "gitlab", "junit"])
def test_whole_document_reports_spool_their_findings(tmp_path, many_findings, output_format):
    batch, streamed_peak = many_findings
    report = tmp_path / f"report.{output_format}"
    result, peak = run_peak("check", "--jobs", "1", "--format", output_format, "-o", str(report), str(batch))
    assert result.returncode == 1
    text = report.read_text(encoding="utf-8")
    if output_format == "sarif":
        assert len(json.loads(text)["runs"][0]["results"]) == FINDINGS
    elif output_format == "gitlab":
        assert len(json.loads(text)) == FINDINGS
    else:
        assert text.count("<failure ") == FINDINGS
    # Held in memory, these findings cost SARIF and JUnit ~58 MiB, GitLab ~29 MiB more than the streamed report;
    # JUnit still keeps a testcase name per invoice (here, per line).
    extra = (20 if output_format == "junit" else 12) * MIB
    assert peak < streamed_peak + extra, (output_format, peak >> 20, streamed_peak >> 20)


def test_an_invoice_of_200000_empty_acts_is_refused_at_once(tmp_path):
    invoice = make_invoice()
    invoice["sessions"][0]["acts"] = [{}] * 200_000
    path = tmp_path / "absurd.json"
    path.write_text(dumps(invoice), encoding="utf-8")
    result, peak = run_peak("check", "--format", "jsonl", str(path))
    found = findings_of(result)
    assert [(f["code"], f["pointer"]) for f in found] == [("SCH007", "/sessions/0/acts")]
    assert "at most 20" in found[0]["message"]
    assert peak < 160 * MIB, peak >> 20  # was 1.5 GB, with 200,002 findings
