"""Peak memory by shape of input (issue 12, item 13): the same invoices as JSON Lines, a .json array, and
each of them on standard input; then the reports written whole (SARIF, GitLab, JUnit) against a streamed
one; then one absurd invoice.

    python bench/memory.py                    # 100k invoices (~100 MB), --jobs 1
    python bench/memory.py --size 20000       # quicker
    python bench/memory.py --findings 200000  # the many-findings batch
    python bench/memory.py --kinelint-path ../other-checkout   # the same figures for another version

Every run is a child process that reports its own peak RSS (VmHWM from
/proc/self/status, read as it exits), so nothing of this process leaks into
the figure. Wall and CPU time are printed too (one run each: figures, not targets).
Batches are cached in bench/out/ like run.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

PROBE = """
import atexit, os, sys
def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                os.write(2, ("\\nbench-peak-kib " + line.split()[1] + "\\n").encode())
atexit.register(_peak)
from kinelint.cli.commands import main
main(args=sys.argv[1:], prog_name="kinelint")
"""


ENVIRONMENT = dict(os.environ)


def peak_run(args: list[str], stdin: Path | None = None) -> tuple[float, float, float, int]:
    """(peak RSS in MiB, wall seconds, CPU seconds, exit status) of ``kinelint ARGS`` in a child process.

    The peak is the child's own VmHWM; the CPU time (user + system, from wait4) is the steadier figure on
    a busy machine."""
    with open(stdin if stdin else os.devnull, "rb") as given, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", PROBE, *args], stdin=given, stdout=subprocess.DEVNULL,
                                 stderr=errors, cwd=OUT, env=ENVIRONMENT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read()
    marker = b"bench-peak-kib "
    if marker not in stderr:
        raise RuntimeError(stderr.decode(errors="replace")[-2000:])
    rss = int(stderr.rsplit(marker, 1)[1].split()[0]) / 1024
    return rss, seconds, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def as_array(lines: Path) -> Path:
    """The batch as one .json array, one invoice a line (written once, streamed)."""
    array = lines.with_suffix(".json")
    if not array.exists() or array.stat().st_mtime < lines.stat().st_mtime:
        with open(lines, "rb") as source, open(array, "wb") as target:
            target.write(b"[\n")
            separator = b""
            for line in source:
                target.write(separator + line.rstrip(b"\n"))
                separator = b",\n"
            target.write(b"\n]\n")
    return array


def row(label: str, measured: tuple[float, float, float, int], base: float | None = None) -> str:
    rss, seconds, cpu, status = measured
    ratio = f"  {rss / base:4.2f}x" if base else "       "
    return f"  {label:<34} {rss:8.1f} MiB{ratio}  {seconds:7.1f} s wall  {cpu:7.1f} s CPU  exit {status}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="invoices in the batch")
    parser.add_argument("--findings", type=int, default=200_000, help="lines of the many-findings batch")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--kinelint-path", type=Path,
                        help="measure the kinelint package of this checkout instead (PYTHONPATH): before/after")
    args = parser.parse_args(argv)
    if args.kinelint_path:
        ENVIRONMENT["PYTHONPATH"] = str(args.kinelint_path.resolve())
    OUT.mkdir(parents=True, exist_ok=True)

    lines = generate.ensure_batch(OUT, args.size, args.seed, 0.0, args.fault_rate)
    array = as_array(lines)
    check = ["check", "--jobs", "1", "--format", "json"]
    print(f"Peak RSS by shape: {args.size:,} invoices, {lines.stat().st_size / 1e6:.0f} MB (--jobs 1, --format json)")
    base = peak_run(check + [str(lines)])
    print(row("JSON Lines file", base))
    print(row(".json array file", peak_run(check + [str(array)]), base[0]))
    print(row("JSON Lines on standard input", peak_run(check + ["-"], stdin=lines), base[0]))
    print(row(".json array on standard input", peak_run(check + ["-"], stdin=array), base[0]))

    broken = OUT / f"broken-{args.findings}.jsonl"
    if not broken.exists():
        broken.write_bytes(b"x\n" * args.findings)
    print(f"\nReports of {args.findings:,} findings (one PRS002 a line), --jobs 1, written to a file")
    streamed = peak_run(["check", "--jobs", "1", "--format", "jsonl", "-o", os.devnull, str(broken)])
    print(row("jsonl (streamed)", streamed))
    for name in ("sarif", "gitlab", "junit"):
        print(row(name, peak_run(["check", "--jobs", "1", "--format", name, "-o", os.devnull, str(broken)]),
                  streamed[0]))

    absurd = OUT / "absurd-200000-acts.json"
    if not absurd.exists():
        invoice = json.loads(next(iter(open(lines, "rb"))))
        invoice["sessions"][0]["acts"] = [{}] * 200_000
        absurd.write_text(json.dumps(invoice), encoding="utf-8")
    print(f"\nOne invoice of 200,000 empty acts ({absurd.stat().st_size / 1e6:.1f} MB)")
    print(row("text report", peak_run(["check", str(absurd)])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
