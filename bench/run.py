"""The speed and scale benchmark of issue 5: every measure side by side, with ratios to the targets.

    python bench/run.py                          # sizes 100000,1000000
    python bench/run.py --quick                  # a smoke run on small batches
    python bench/run.py --sizes 100000 --repeat 5

Measures (see bench/README.md):
  (a) floor     orjson.loads over every line of the batch, in-process, file read included
  (b) lint      `kinelint check --format json BATCH > /dev/null` in a subprocess (`--jobs 1` if the CLI has --jobs)
  (c) jobs 2    the same with `--jobs 2`, if the CLI has it; findings compared with (b), byte for byte
  (d) memory    peak RSS of the (b) subprocess (os.wait4 rusage of that child), per size
  (e) errors    (b) on a batch with 10 % schema-invalid invoices, in one process and with the default --jobs
  (f) start-up  `kinelint check` on three small files vs `check-jsonschema --schemafile ...` on the same files
  (4a) jobs, small  the 13 example files: no --jobs option, `--jobs auto`, `--jobs 1`, `--jobs 64`, alternating runs
  (4b) jobs, large  the smallest batch (100k by default): `--jobs 1` and `--jobs 2`, alternating runs; CPU time too

Batches are generated once and cached in bench/out/ (named by their parameters
and a hash of bench/generate.py). Results also go to bench/out/results-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
SCHEMA = REPO / "schemas" / "invoice-1.schema.json"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

TARGET_FLOOR_RATIO = 8.0
AIM_FLOOR_RATIO = 4.0
TARGET_JOBS_SPEEDUP = 1.7
TARGET_RSS_MB = 200.0
TARGET_RSS_GROWTH = 2.0
TARGET_ERROR_RATE = 10_000.0
NOISE = 1.05  # (4a) "never slower": within 5 % of one process (medians of runs of ~0.3 s on a shared machine)
TARGET_ARRAY_RATIO = 1.2  # issue 14, target 2: the same invoices as a .json array, time and peak RSS
ARRAY_RSS_ALLOWANCE_MB = 16.0  # "plus a constant": the array reader's buffers (a block or two of text)
TARGET_ERROR_SHARE = 0.5  # issue 14, target 3: the error path at least half the clean rate, one process
LARGE = 500_000
REFERENCE: Path | None = None  # --reference: another checkout measured side by side (PYTHONPATH)


@dataclass
class Run:
    seconds: float
    rss_mb: float | None = None
    status: int = 0
    cpu: float | None = None  # user + system seconds of the child (or of the floor's loop)


CPU_TIME = False  # --cpu: ratios and rates from CPU time (a shared machine), not wall time


@dataclass
class Measure:
    name: str
    size: int
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        if CPU_TIME and all(r.cpu is not None for r in self.runs):
            return statistics.median(r.cpu for r in self.runs)
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rate(self) -> float:
        return self.size / self.seconds if self.size else 0.0

    @property
    def rss_mb(self) -> float | None:
        values = [r.rss_mb for r in self.runs if r.rss_mb is not None]
        return max(values) if values else None


# ---- helpers -----------------------------------------------------------------------------

def kinelint_command() -> list[str]:
    script = Path(sys.executable).parent / "kinelint"
    if script.exists():
        return [str(script)]
    found = shutil.which("kinelint")
    return [found] if found else [sys.executable, "-m", "kinelint"]


HAS_JOBS = False  # the CLI has --jobs: then (b) and (e) pass --jobs 1, whatever is measured


def cli_has_jobs() -> bool:
    done = subprocess.run(kinelint_command() + ["check", "--help"], capture_output=True, text=True, cwd=REPO)
    return "--jobs" in done.stdout


def run_child(command: list[str], stdout_path: str = os.devnull, reference: bool = False) -> Run:
    """Wall time and peak RSS of one child process (its own rusage, from wait4); ``reference``: the
    kinelint of ``--reference`` (its checkout first on PYTHONPATH)."""
    environment = None
    if reference:
        environment = dict(os.environ, PYTHONPATH=f"{REFERENCE}{os.pathsep}{REFERENCE / 'plugins'}")
    with open(stdout_path, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=REPO, env=environment)
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime)


def floor_run(path: Path) -> Run:
    loads = orjson.loads
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        for line in handle:
            loads(line)
    return Run(time.perf_counter() - started, cpu=time.process_time() - cpu)


def lint_command(path: Path, jobs: int | None) -> list[str]:
    command = kinelint_command() + ["check", "--format", "json"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    return command + [str(path)]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def fmt_rate(rate: float) -> str:
    return f"{rate / 1000:,.1f}k/s" if rate >= 1000 else f"{rate:,.0f}/s"


# ---- check-jsonschema, a dev tool for the start-up comparison --------------------------------

def check_jsonschema() -> str | None:
    """check-jsonschema on PATH, or in a private venv under bench/out/ (created on first use)."""
    found = shutil.which("check-jsonschema")
    if found:
        return found
    tool = OUT / "tools-venv" / "bin" / "check-jsonschema"
    if tool.exists():
        return str(tool)
    say("  installing check-jsonschema into bench/out/tools-venv (a bench tool, not a project dependency)")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(OUT / "tools-venv")], check=True)
        subprocess.run([str(OUT / "tools-venv" / "bin" / "pip"), "install", "--quiet", "check-jsonschema"],
                       check=True)
    except (subprocess.CalledProcessError, OSError) as error:
        say(f"  could not install check-jsonschema: {error}")
        return None
    return str(tool) if tool.exists() else None


def startup_files() -> list[Path]:
    """Three small one-invoice .json files, pretty-printed like a vendor's fixtures."""
    folder = OUT / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    generator = generate.Generator(seed=42)
    paths = []
    for index in range(3):
        invoice = generator.build(index, generate.Plan())
        path = folder / f"invoice-{index + 1}.json"
        path.write_bytes(generate.dumps(invoice, indent=True) + b"\n")
        paths.append(path)
    return paths


# ---- the measures ---------------------------------------------------------------------------

def measure_size(size: int, args, jobs_ok: bool, results: dict) -> None:
    repeat = args.repeat if size < LARGE else args.repeat_large
    path = generate.ensure_batch(OUT, size, args.seed, 0.0, args.fault_rate)
    say(f"[{size:,}] floor: orjson.loads over {path.name}")
    floor = Measure("floor", size, [floor_run(path) for _ in range(max(repeat, 3))])
    say(f"[{size:,}] lint, one process ({repeat}x)")
    one = 1 if HAS_JOBS else None  # one process, whatever the default would choose
    lint = Measure("lint1", size, [run_child(lint_command(path, one)) for _ in range(repeat)])
    say(f"[{size:,}]   {lint.seconds:.1f} s, {fmt_rate(lint.rate)}, peak RSS {lint.rss_mb:.0f} MB")
    entry = {"floor": floor, "lint1": lint, "batch": path.name, "bytes": path.stat().st_size}
    array = array_of(path)
    say(f"[{size:,}] the same invoices as a .json array ({repeat}x)")
    entry["array1"] = Measure("array1", size, [run_child(lint_command(array, one)) for _ in range(repeat)])
    if REFERENCE is not None:
        say(f"[{size:,}] the reference ({REFERENCE}): JSON Lines and array, one process ({repeat}x)")
        entry["ref_lint1"] = Measure("ref_lint1", size, [run_child(lint_command(path, one), reference=True)
                                                           for _ in range(repeat)])
        entry["ref_array1"] = Measure("ref_array1", size, [run_child(lint_command(array, one), reference=True)
                                                             for _ in range(repeat)])
    if jobs_ok:
        say(f"[{size:,}] lint --jobs 2 ({repeat}x)")
        entry["lint2"] = Measure("lint2", size, [run_child(lint_command(path, 2)) for _ in range(repeat)])
    results["sizes"][size] = entry


def array_of(path: Path) -> Path:
    """The batch's invoices as one pretty-ish ``.json`` array (one element a line), written once."""
    array = path.with_suffix(".array.json")
    if not array.exists() or array.stat().st_mtime < path.stat().st_mtime:
        with open(path, "rb") as lines, open(array, "wb") as out:
            out.write(b"[\n")
            for number, line in enumerate(lines):
                out.write((b",\n" if number else b"") + line.rstrip(b"\n"))
            out.write(b"\n]\n")
    return array


def identical_findings(size: int, args) -> str:
    """Run --jobs 1 and --jobs 2 once each, capturing the JSON reports, and compare them."""
    path = generate.ensure_batch(OUT, size, args.seed, 0.0, args.fault_rate)
    one, two = OUT / f"report-{size}-jobs1.json", OUT / f"report-{size}-jobs2.json"
    run_child(lint_command(path, 1), str(one))
    run_child(lint_command(path, 2), str(two))
    if one.read_bytes() == two.read_bytes():
        count = len(orjson.loads(one.read_bytes())["findings"])
        return f"identical ({count} findings, same order, byte for byte)"
    first, second = orjson.loads(one.read_bytes()), orjson.loads(two.read_bytes())
    if first["findings"] == second["findings"]:
        return "same findings in the same order; the reports differ elsewhere (summary?)"
    if sorted(map(orjson.dumps, first["findings"])) == sorted(map(orjson.dumps, second["findings"])):
        return "DIFFERENT ORDER (same findings)"
    return f"DIFFERENT findings ({len(first['findings'])} vs {len(second['findings'])})"


def measure_errors(size: int, args, jobs_ok: bool) -> Measure:
    path = generate.ensure_batch(OUT, size, args.seed, args.invalid_rate, args.fault_rate)
    say(f"[{size:,}] error path: {path.name}")
    runs = args.repeat if size < LARGE else args.repeat_large
    measure = Measure("errors", size, [run_child(lint_command(path, 1 if HAS_JOBS else None)) for _ in range(runs)])
    say(f"[{size:,}]   one process: {measure.seconds:.1f} s, {fmt_rate(measure.rate)}")
    return measure


def measure_errors_reference(size: int, args) -> Measure:
    path = generate.ensure_batch(OUT, size, args.seed, args.invalid_rate, args.fault_rate)
    runs = args.repeat if size < LARGE else args.repeat_large
    measure = Measure("ref_errors", size, [run_child(lint_command(path, 1), reference=True) for _ in range(runs)])
    say(f"[{size:,}]   the reference, one process: {measure.seconds:.1f} s, {fmt_rate(measure.rate)}")
    return measure


def measure_errors_default(size: int, args) -> Measure:
    """The same batch as a user runs it: no --jobs option, so kinelint's default (all cores for a large batch)."""
    path = generate.ensure_batch(OUT, size, args.seed, args.invalid_rate, args.fault_rate)
    runs = args.repeat if size < LARGE else args.repeat_large
    measure = Measure("errors_default", size, [run_child(lint_command(path, None)) for _ in range(runs)])
    say(f"[{size:,}]   default --jobs: {measure.seconds:.1f} s, {fmt_rate(measure.rate)}")
    return measure


def measure_startup(args) -> dict:
    files = [str(p) for p in startup_files()]
    ours = kinelint_command() + ["check", *files]
    theirs_tool = check_jsonschema()
    theirs = [theirs_tool, "--schemafile", str(SCHEMA), *files] if theirs_tool else None
    say(f"start-up: {args.startup_runs} runs each, alternating")
    run_child(ours)  # warm the page cache and .pyc files
    if theirs:
        run_child(theirs)
    mine, other = [], []
    for _ in range(args.startup_runs):
        mine.append(run_child(ours).seconds)
        if theirs:
            other.append(run_child(theirs).seconds)
    import_time = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kinelint.cli.commands"],
                                 capture_output=True, text=True, cwd=REPO).stderr
    heaviest = sorted(((int(line.split("|")[1]), line.split("|")[2].strip())
                       for line in import_time.splitlines()[1:] if line.count("|") == 2),
                      reverse=True)[:5]
    return {"kinelint": statistics.median(mine), "check_jsonschema": statistics.median(other) if other else None,
            "kinelint_runs": mine, "check_jsonschema_runs": other,
            "heaviest_imports_of_cli_us": heaviest}


EXAMPLES = REPO / "examples"  # 13 small files (0.6 to 3.4 kB): the size of a vendor's fixtures or a commit
JOBS_SMALL = (None, "auto", "1", "64")  # None: no --jobs option, as a user runs it


def jobs_command(paths: list[Path], jobs: str | None) -> list[str]:
    return kinelint_command() + ["check", "--format", "json", *(["--jobs", jobs] if jobs else []), *map(str, paths)]


def alternating(commands: dict[str, list[str]], runs: int) -> dict[str, Measure]:
    """Each command in turn, ``runs`` rounds (one warm-up round first): a load that comes and goes on a
    shared machine falls on every command alike; the medians are compared. With ``--reference``, each
    command of the reference checkout too ("ref NAME"), in the same rounds."""
    planned = {name: (command, False) for name, command in commands.items()}
    if REFERENCE is not None:
        planned.update({f"ref {name}": (command, True) for name, command in commands.items()})
    for command, reference in planned.values():
        run_child(command, reference=reference)
    measures = {name: Measure(name, 0) for name in planned}
    for _ in range(runs):
        for name, (command, reference) in planned.items():
            measures[name].runs.append(run_child(command, reference=reference))
    return measures


def measure_jobs_small(args) -> dict:
    """(4a) ``--jobs auto`` never slower than one process: the 13 example files, every way of asking."""
    files = sorted(path for path in EXAMPLES.rglob("*") if path.is_file())
    say(f"(4a) {len(files)} small files, {args.jobs_runs} alternating runs of each --jobs")
    load = os.getloadavg()[0]
    measures = alternating({str(jobs): jobs_command(files, jobs) for jobs in JOBS_SMALL}, args.jobs_runs)
    for name, measure in measures.items():
        measure.size, measure.note = len(files), f"load {load:.2f}-{os.getloadavg()[0]:.2f}"
        say(f"  --jobs {name}: {measure.seconds * 1000:.0f} ms")
    return measures


def measure_jobs_large(size: int, args) -> dict:
    """(4b) ``--jobs 2`` on a large batch: the speed-up over one process, and what it costs in CPU time."""
    path = generate.ensure_batch(OUT, size, args.seed, 0.0, args.fault_rate)
    runs = args.repeat if size < LARGE else args.repeat_large
    say(f"(4b) [{size:,}] --jobs 1 and --jobs 2, {runs} alternating runs")
    load = os.getloadavg()[0]
    measures = alternating({jobs: jobs_command([path], jobs) for jobs in ("1", "2")}, runs)
    for name, measure in measures.items():
        measure.size, measure.note = size, f"load {load:.2f}-{os.getloadavg()[0]:.2f}"
        say(f"  --jobs {name}: {measure.seconds:.2f} s, CPU {statistics.median(r.cpu for r in measure.runs):.2f} s")
    return measures


# ---- the table -------------------------------------------------------------------------------

def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def report(results: dict, jobs_ok: bool) -> str:
    rows = [("measure", "size", "time", "rate", "ratio", "target", "verdict", "note")]
    sizes = sorted(results["sizes"])
    for size in sizes:
        entry = results["sizes"][size]
        floor, lint = entry["floor"], entry["lint1"]
        rows.append(("(a) floor orjson.loads", f"{size:,}", f"{floor.seconds:.2f} s", fmt_rate(floor.rate), "1.0×",
                     "", ""))
        ratio = lint.seconds / floor.seconds
        rows.append(("(b) lint, 1 process", f"{size:,}", f"{lint.seconds:.2f} s", fmt_rate(lint.rate),
                     f"{ratio:.1f}× floor", f"≤ {TARGET_FLOOR_RATIO:g}× (aim {AIM_FLOOR_RATIO:g}×)",
                     verdict(ratio <= TARGET_FLOOR_RATIO)))
        if "ref_lint1" in entry:
            before = entry["ref_lint1"]
            rows.append(("(b) the reference, 1 process", f"{size:,}", f"{before.seconds:.2f} s", fmt_rate(before.rate),
                         f"{before.seconds / floor.seconds:.1f}× floor", f"now {before.seconds / lint.seconds:.2f}× "
                         "faster", ""))
        if "array1" in entry:
            array = entry["array1"]
            ratio, rss_ratio = array.seconds / lint.seconds, array.rss_mb / lint.rss_mb
            rows.append(("(2) the same as a .json array", f"{size:,}", f"{array.seconds:.2f} s", fmt_rate(array.rate),
                         f"{ratio:.2f}× (b)", f"≤ {TARGET_ARRAY_RATIO:g}×", verdict(ratio <= TARGET_ARRAY_RATIO)))
            rows.append(("(2) array peak RSS", f"{size:,}", f"{array.rss_mb:.0f} MB", "",
                         f"{rss_ratio:.2f}× (b) {lint.rss_mb:.0f} MB",
                         f"≤ {TARGET_ARRAY_RATIO:g}× + {ARRAY_RSS_ALLOWANCE_MB:g} MB",
                         verdict(array.rss_mb <= TARGET_ARRAY_RATIO * lint.rss_mb + ARRAY_RSS_ALLOWANCE_MB)))
        if "ref_array1" in entry:
            before = entry["ref_array1"]
            rows.append(("(2) the reference, array", f"{size:,}", f"{before.seconds:.2f} s", fmt_rate(before.rate),
                         f"{before.seconds / entry['ref_lint1'].seconds:.2f}× its JSON Lines",
                         f"peak {before.rss_mb:.0f} MB", ""))
        if "lint2" in entry:
            two = entry["lint2"]
            speedup = lint.seconds / two.seconds
            rows.append(("(c) lint --jobs 2", f"{size:,}", f"{two.seconds:.2f} s", fmt_rate(two.rate),
                         f"{speedup:.2f}× (b)", f"≥ {TARGET_JOBS_SPEEDUP:g}×", verdict(speedup >= TARGET_JOBS_SPEEDUP)))
    if not jobs_ok:
        rows.append(("(c) lint --jobs 2", "", "", "", "", f"≥ {TARGET_JOBS_SPEEDUP:g}×", "n/a: no --jobs"))
    if results.get("identity"):
        rows.append(("(c) findings jobs 1 vs 2", f"{results['identity_size']:,}", "", "", results["identity"], "identical",
                     verdict(results["identity"].startswith("identical"))))
    for size in sizes:
        rss = results["sizes"][size]["lint1"].rss_mb
        rows.append(("(d) peak RSS, lint", f"{size:,}", f"{rss:.0f} MB", "", "", f"≤ {TARGET_RSS_MB:g} MB at 1M",
                     verdict(rss <= TARGET_RSS_MB) if size >= 1_000_000 else ""))
    if len(sizes) > 1:
        small, large = results["sizes"][sizes[0]]["lint1"], results["sizes"][sizes[-1]]["lint1"]
        growth = large.rss_mb / small.rss_mb
        rows.append(("(d) RSS growth", f"{sizes[-1]:,}/{sizes[0]:,}", "", "", f"{growth:.2f}×",
                     f"≤ {TARGET_RSS_GROWTH:g}×", verdict(growth <= TARGET_RSS_GROWTH)))
    if results.get("errors"):
        errors = results["errors"]
        rows.append((f"(e) lint, {results['invalid_rate']:.0%} invalid", f"{errors.size:,}", f"{errors.seconds:.2f} s",
                     fmt_rate(errors.rate), f"{errors.rate / TARGET_ERROR_RATE:.2f}× target",
                     f"≥ {fmt_rate(TARGET_ERROR_RATE)}", verdict(errors.rate >= TARGET_ERROR_RATE)))
    if results.get("errors"):
        errors, clean = results["errors"], results["sizes"][sizes[0]]["lint1"]
        share = errors.rate / clean.rate
        rows.append(("(3) error path vs clean rate", f"{errors.size:,}", "", "", f"{share:.2f}× (b)",
                     f"≥ {TARGET_ERROR_SHARE:g}×", verdict(share >= TARGET_ERROR_SHARE)))
    if results.get("ref_errors"):
        before = results["ref_errors"]
        rows.append(("(3) the reference, error path", f"{before.size:,}", f"{before.seconds:.2f} s",
                     fmt_rate(before.rate), f"{before.rate / results['sizes'][sizes[0]]['ref_lint1'].rate:.2f}× its (b)",
                     "", ""))
    if results.get("errors_default"):
        errors = results["errors_default"]
        rows.append((f"(e) same, default --jobs ({os.cpu_count()} cores)", f"{errors.size:,}",
                     f"{errors.seconds:.2f} s", fmt_rate(errors.rate), f"{errors.rate / TARGET_ERROR_RATE:.2f}× target",
                     f"≥ {fmt_rate(TARGET_ERROR_RATE)}", verdict(errors.rate >= TARGET_ERROR_RATE)))
    startup = results.get("startup")
    if startup:
        theirs = startup["check_jsonschema"]
        rows.append(("(f) start-up kinelint, 3 files", "3", f"{startup['kinelint'] * 1000:.0f} ms", "",
                     f"{startup['kinelint'] / theirs:.2f}× c-j" if theirs else "",
                     "≤ check-jsonschema", verdict(startup["kinelint"] <= theirs if theirs else None)))
        if theirs:
            rows.append(("(f) start-up check-jsonschema", "3", f"{theirs * 1000:.0f} ms", "", "1.0×", "", ""))
    jobs_small = results.get("jobs_small")
    if jobs_small:
        for name, measure in jobs_small.items():
            who, _, jobs = name.rpartition(" ")
            one = jobs_small[f"{who} 1".strip()].seconds  # the reference against its own --jobs 1
            asked = "no --jobs option" if jobs == "None" else f"--jobs {jobs}"
            never_slower = jobs in ("None", "auto") and not who
            rows.append((f"(4a) 13 small files, {asked}{' (' + who + ')' if who else ''}", f"{measure.size}",
                         f"{measure.seconds * 1000:.0f} ms", "", f"{measure.seconds / one:.2f}× jobs 1",
                         "≤ 1× jobs 1" if never_slower else "",
                         verdict(measure.seconds <= one * NOISE) if never_slower else "", measure.note))
    jobs_large = results.get("jobs_large")
    if jobs_large:
        for name, measure in jobs_large.items():
            who, _, jobs = name.rpartition(" ")
            speedup = jobs_large[f"{who} 1".strip()].seconds / measure.seconds
            cpu = statistics.median(r.cpu for r in measure.runs)
            two = jobs == "2"
            rows.append((f"(4b) batch, --jobs {jobs}{' (' + who + ')' if who else ''} (CPU {cpu:.1f} s)",
                         f"{measure.size:,}", f"{measure.seconds:.2f} s", fmt_rate(measure.rate),
                         f"{speedup:.2f}× jobs 1" if two else "",
                         f"≥ {TARGET_JOBS_SPEEDUP:g}× (2 idle cores)" if two and not who else "",
                         verdict(speedup >= TARGET_JOBS_SPEEDUP) if two and not who else "", measure.note))
    rows = [tuple(row) + ("",) * (len(rows[0]) - len(row)) for row in rows]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict:
    import importlib.metadata as md

    versions = {}
    for name in ("kinelint", "orjson", "msgspec", "jsonschema", "jsonschema-rs", "pluggy"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "kinelint", "plugins"], capture_output=True,
                           text=True, cwd=REPO).stdout
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(), "cpu": cpu,
            "load_average": os.getloadavg(), "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "commit": commit.strip() + (" + uncommitted changes" if dirty.strip() else "")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated batch sizes")
    parser.add_argument("--quick", action="store_true", help="small sizes (2000,20000) and fewer start-up runs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (median); sizes < 500k")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per measure for sizes >= 500k")
    parser.add_argument("--startup-runs", type=int, default=11)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--invalid-rate", type=float, default=0.10, help="of the error-path batch (e)")
    parser.add_argument("--skip", default="", help="comma-separated measures to skip: "
                                                   "jobs,errors,startup,jobs4a,jobs4b,sizes")
    parser.add_argument("--jobs-runs", type=int, default=11, help="alternating rounds of (4a)")
    parser.add_argument("--cpu", action="store_true",
                        help="times are CPU time (user + system) of each run, not wall time: for a shared machine")
    parser.add_argument("--reference", type=Path, help="another checkout (the version before) measured side by side")
    args = parser.parse_args(argv)
    global REFERENCE, CPU_TIME
    REFERENCE = args.reference.resolve() if args.reference else None
    CPU_TIME = args.cpu
    if args.quick:
        args.sizes, args.startup_runs = "2000,20000", min(args.startup_runs, 5)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s)
    skip = set(filter(None, args.skip.split(",")))
    OUT.mkdir(parents=True, exist_ok=True)

    global HAS_JOBS
    HAS_JOBS = cli_has_jobs()
    jobs_ok = HAS_JOBS and "jobs" not in skip
    say(f"kinelint: {' '.join(kinelint_command())}; --jobs {'supported' if jobs_ok else 'not supported'}")
    results: dict = {"sizes": {}, "invalid_rate": args.invalid_rate, "machine": machine()}
    if "sizes" not in skip:
        for size in sizes:
            measure_size(size, args, jobs_ok, results)
    if jobs_ok:
        results["identity"], results["identity_size"] = identical_findings(sizes[0], args), sizes[0]
        if "jobs4a" not in skip:
            results["jobs_small"] = measure_jobs_small(args)
        if "jobs4b" not in skip:
            results["jobs_large"] = measure_jobs_large(sizes[0], args)
    if "errors" not in skip:
        results["errors"] = measure_errors(sizes[0], args, jobs_ok)
        if REFERENCE is not None:
            results["ref_errors"] = measure_errors_reference(sizes[0], args)
        if jobs_ok:
            results["errors_default"] = measure_errors_default(sizes[0], args)
    if "startup" not in skip:
        results["startup"] = measure_startup(args)

    results["machine"]["load_average_end"] = os.getloadavg()
    table = report(results, jobs_ok)
    info = results["machine"]
    print(f"\nkinelint benchmark, {info['date']}, {info['nproc']} cores ({info['cpu']}), Python {info['python']}, "
          f"commit {info['commit']}; load average {info['load_average'][0]:.2f} at start, "
          f"{info['load_average_end'][0]:.2f} at end; times are {'CPU' if CPU_TIME else 'wall'} time")
    print(table)
    if results.get("startup"):
        heavy = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in results["startup"]["heaviest_imports_of_cli_us"])
        print(f"\nheaviest imports of `import kinelint.cli.commands` (cumulative): {heavy}")

    def plain(value):
        if isinstance(value, Measure):
            return {**asdict(value), "median_seconds": value.seconds, "rate": value.rate, "peak_rss_mb": value.rss_mb}
        raise TypeError(type(value))

    saved = json.dumps(results, default=plain, indent=2)
    (OUT / "results-latest.json").write_text(saved + "\n", encoding="utf-8")
    (OUT / "results-latest.txt").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
