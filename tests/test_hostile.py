"""Hostile input: files that break readers, each alone and all together beside one real faulty invoice.

Every bad file gets its own PRS finding (or SCH where it parses but breaks the
schema), the real invoice's finding is still reported, and the run ends with
exit status 1, no traceback and bounded memory (the peak of the kinelint
process itself; how long it takes is the benchmark's business, not a test's). The big files are
generated into ``tmp_path``; the small ones live in ``tests/data/hostile/``.
Also here: plugins that misbehave in the places tests/test_plugin_host.py does
not reach (batch checkers, ``kinelint_rules``).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, install_fake_plugin, run_cli
from invoice_factory import act, dumps, make_invoice, session


from kinelint.findings import printable_file_name

DATA = Path(__file__).parent / "data" / "hostile"
HANG_GUARD_SECONDS = 240  # a run still going after this is killed: a hang fails, it does not stall the suite
MAX_RSS_BYTES = 1 << 30

# Runs kinelint as ``python -m kinelint`` would, and writes the process's own peak resident memory (VmHWM,
# KiB) to the file named first on the command line when it exits. ``os.wait4``'s ``ru_maxrss`` would not do:
# on Linux it keeps the high-water mark of the process before ``exec``, pytest's own (a GiB on a long run).
PEAK_LAUNCHER = """
import atexit, runpy, sys

def report_peak(path):
    try:
        with open("/proc/self/status") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = "-1"
    with open(path, "w") as out:
        out.write(peak)

atexit.register(report_peak, sys.argv.pop(1))
sys.argv[0] = "kinelint"
runpy.run_module("kinelint", run_name="__main__", alter_sys=True)
"""


# -- running the real command, measured --------------------------------------------------------

@dataclass
class Measured:
    returncode: int
    stdout: bytes
    stderr: bytes
    max_rss_bytes: int  # the process's own VmHWM; negative where /proc cannot say
    findings: list[dict] = field(default_factory=list)


def run_measured(*args: str, cwd: Path | None = None, prefix: tuple[str, ...] = (), env_path: Path | None = None,
                 timeout: float = HANG_GUARD_SECONDS, stdin: Path | None = None) -> Measured:
    """``python -m kinelint ARGS``, with the peak resident memory of that process, as it measured itself.

    A run still going after ``timeout`` is killed: a hang fails the test, it
    does not stall it (a guard, not a speed limit).
    """
    environment = dict(os.environ)
    environment.pop("PYTHONPATH", None)
    if env_path is not None:
        environment["PYTHONPATH"] = str(env_path)
    with open(stdin if stdin is not None else os.devnull, "rb") as given, tempfile.TemporaryFile() as stdout, \
            tempfile.TemporaryFile() as stderr, tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch, "peak-kib")
        process = subprocess.Popen([*prefix, sys.executable, "-c", PEAK_LAUNCHER, str(peak_file), *args],
                                   cwd=cwd or REPO, stdin=given, stdout=stdout, stderr=stderr, env=environment)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"still running after {timeout}s: a hang (kinelint {' '.join(args)[:200]})") from None
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else -1
    assert process.returncode >= 0, f"killed by signal {-process.returncode}"
    return Measured(process.returncode, out, err, peak_kib * 1024)


def check_lines(*paths: str, **kwargs) -> Measured:
    """``kinelint check --format jsonl``: the findings stream, parsed."""
    result = run_measured("check", "--format", "jsonl", *paths, **kwargs)
    result.findings = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    return result


def assert_contained(result: Measured) -> None:
    stderr = result.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-3000:]
    if sys.platform == "linux":
        assert 0 < result.max_rss_bytes < MAX_RSS_BYTES, f"peak RSS {result.max_rss_bytes >> 20} MiB"


def by_file(findings: list[dict]) -> dict[Path, list[dict]]:
    """The findings of each file, in the order reported."""
    index: dict[Path, list[dict]] = {}
    for finding in findings:
        index.setdefault(Path(finding["file"]), []).append(finding)
    return index


# -- the corpus ---------------------------------------------------------------------------------

def clean(invoice_id: str) -> dict:
    return make_invoice(invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}")


def real_faulty() -> dict:
    """A real invoice with one rule finding: a total one cent off (TAR, from a rule plugin)."""
    invoice = clean("F-REAL")
    invoice["total"] += Decimal("0.01")
    return invoice


def _expect_real(index: dict[Path, list[dict]], real: Path) -> None:
    mine = index.get(real, [])
    assert [(f["code"][:3], f["pointer"], f["invoice_id"]) for f in mine] == [("TAR", "/total", "F-REAL")], mine


@dataclass
class Case:
    """One hostile input and what must be said about it."""

    name: str
    paths: list[Path]  # what is given on the command line
    expect: object  # callable(findings of each file) raising AssertionError


def _only(code: str, line: int | None = None, column: int | None = None, pointer: str | None = None):
    def check(findings: list[dict]) -> None:
        assert len(findings) == 1, findings[:5]
        (finding,) = findings
        assert finding["code"] == code, finding
        assert finding["plugin"] == "kinelint", finding
        if line is not None:
            assert finding["line"] == line, finding
        if column is not None:
            assert finding["column"] == column, finding
        if pointer is not None:
            assert finding["pointer"] == pointer, finding
    return check


def build_corpus(root: Path) -> list[Case]:
    root.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def case(name: str, data: bytes, expect) -> None:
        path = root / name
        path.write_bytes(data)
        cases.append(Case(name, [path], lambda index, p=path: expect(index.get(p, []))))

    # Small ones are kept in tests/data/hostile/ so that they can be opened and read.
    for small in sorted(DATA.iterdir()):
        shutil.copyfile(small, root / small.name)
    small_expect = {
        "empty.json": _only("PRS006", 1, 1),
        "empty.jsonl": _only("PRS006", 1, 1),
        "double-bom.json": _only("PRS002", 1, 1),
        "latin1.json": _only("PRS001", 1, 13),
        "huge-exponent.json": _only("SCH006", pointer="/total"),
        "overflowing-exponent.json": _only("SCH006", pointer="/total"),
        "nan.json": _only("PRS004"),
        "trailing-garbage.json": _only("PRS002"),
        "utf16.json": _only("PRS001", 1, 1),
    }
    assert sorted(small_expect) == sorted(p.name for p in DATA.iterdir()), "every small file needs its expectation"
    for name, expect in small_expect.items():
        cases.append(Case(name, [root / name], lambda index, p=root / name, e=expect: e(index.get(p, []))))

    # A number parsed exactly must not be refused for being long: the schema bounds it.
    case("long-integer.json", _with_total(clean("F-LONG-INT"), "9" * 5000), _only_codes({"SCH006"}, "/total"))
    case("random.json", random.Random(6).randbytes(64 * 1024), _one_prs)
    case("nested-arrays.json", b"[" * 100_000 + b"]" * 100_000, _only("PRS005", 1))
    case("nested-objects.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, _only("PRS005", 1))

    good, bad = dumps(clean("F-L1")), dumps(_faulty_schema("F-L4"))
    lines = [good, dumps(clean("F-L2")), '{"invoice_id": "F-L3", "total": ', bad, dumps(clean("F-L5"))]

    def broken_middle(found: list[dict]) -> None:
        assert [(f["code"], f["line"]) for f in found] == [("PRS002", 3), ("SCH005", 4)], found
        assert found[1]["invoice_id"] == "F-L4" and found[1]["pointer"] == "/sessions/0/place"
        assert lines[3][found[1]["column"] - 1:].startswith('"home"')
    case("broken-middle.jsonl", ("\n".join(lines) + "\n").encode(), broken_middle)

    required = json.loads((REPO / "schemas" / "invoice-1.schema.json").read_text())["required"]

    def empties(found: list[dict]) -> None:
        assert len(found) == 200_000  # one finding per empty object, naming every field it lacks
        assert {(f["code"], f["message"]) for f in found} == {
            ("SCH001", "missing required fields " + ", ".join(map(repr, required)))}
        assert [f["pointer"] for f in found[:3]] == ["/0", "/1", "/2"] and found[-1]["pointer"] == "/199999"
        assert found[-1]["column"] == 1 + len("[") + 199_999 * len("{},")
    case("empty-objects.json", b"[" + b",".join([b"{}"] * 200_000) + b"]", empties)

    # Very long strings: 10 MB of free text, 1 MB in an id or a key are refused, and never echoed
    # (a label has 500 characters at most: issue 12, item 13).
    long_label = clean("F-LONG-0")
    long_label["sessions"][0]["acts"][0]["label"] = "é" * 5_000_000
    long_id = clean("F-LONG-1")
    long_id["invoice_id"] = "X" * 1_000_000
    long_key = clean("F-LONG-2")
    long_key["x" * 1_000_000] = 1

    def long_strings(found: list[dict]) -> None:
        assert sorted((f["code"], f["pointer"]) for f in found) == [
            ("SCH002", "/2/" + "x" * 1_000_000), ("SCH004", "/0/sessions/0/acts/0/label"),
            ("SCH004", "/1/invoice_id")], [f["code"] for f in found]
        assert all(len(f["message"]) < 500 for f in found)
    case("long-strings.json", dumps([long_label, long_id, long_key]).encode(), long_strings)

    # 1,000 sessions (the schema's bound); one act of session 500 (index 499) priced one cent too high, total
    # to match. All on one day: urgent airway clearance (ARL 8.49) allows more than one session a day (CON011).
    sessions = [session(number=n, acts=None if n == 1 else [act("ARL", "8.49")]) for n in range(1, 1_001)]
    sessions[499]["acts"][0]["amount"] += Decimal("0.01")
    many = make_invoice(sessions=sessions, invoice_id="F-MANY", prescription_id="RX-MANY", sessions_prescribed=1_000)
    text = dumps(many, indent=1)

    def many_sessions(found: list[dict]) -> None:
        # A thousand sessions of one practitioner on one day: past DAY001's threshold too (where depends on the
        # other files of the run that share the practitioner and the day: the rule counts the whole batch).
        day = [f for f in found if f["code"][:3] == "DAY"]
        assert [(f["code"], f["severity"]) for f in day] == [("DAY001", "warning")], day
        found = [f for f in found if f["code"][:3] != "DAY"]
        assert [(f["code"][:3], f["pointer"]) for f in found] == [("TAR", "/sessions/499/acts/0/amount")], found
        (finding,) = found
        line = text.splitlines()[finding["line"] - 1]
        assert line[finding["column"] - 1:].startswith(str(sessions[499]["acts"][0]["amount"]))
    case("thousand-sessions.json", text.encode(), many_sessions)

    # One more session than the bound: refused at once, whatever its sessions hold.
    too_many = make_invoice(sessions=[session(number=n) for n in range(1, 1_002)], invoice_id="F-TOO-MANY",
                            prescription_id="RX-TOO-MANY")
    case("too-many-sessions.json", dumps(too_many).encode(), _only("SCH007", pointer="/sessions"))

    # A directory holding what cannot be read: a dangling link, a link to itself, a pipe, a locked file.
    odd = root / "odd"
    odd.mkdir()
    (odd / "dangling.json").symlink_to(odd / "nowhere.json")
    (odd / "self-loop.json").symlink_to(odd / "self-loop.json")
    os.mkfifo(odd / "pipe.json")  # reading it would block for ever
    locked = odd / "locked.json"
    locked.write_text(dumps(_faulty_schema("F-LOCKED")))
    locked.chmod(0)
    (odd / "also-faulty.json").write_text(dumps(_faulty_schema("F-ODD")))

    def odd_dir(found: list[dict]) -> None:
        by_name = {(Path(f["file"]).name, f["code"]) for f in found}
        assert {("dangling.json", "PRS007"), ("self-loop.json", "PRS007"), ("pipe.json", "PRS007"),
                ("also-faulty.json", "SCH005")} <= by_name, by_name
        if locked_is_unreadable():
            assert ("locked.json", "PRS007") in by_name, by_name
        else:  # root without a way to drop its read-anything capability: read like any file
            assert ("locked.json", "SCH005") in by_name, by_name
        assert len(found) == 5, found
    cases.append(Case("odd-directory", [odd], lambda index: odd_dir(
        [f for path, found in index.items() if path.parent == odd for f in found])))

    # A directory link loop: walked once, its invoice reported once, and the walk ends.
    loop = root / "loop"
    (loop / "a" / "b").mkdir(parents=True)
    (loop / "a" / "b" / "up").symlink_to(loop)
    (loop / "a" / "back").symlink_to(loop / "a")
    (loop / "a" / "b" / "inside.json").write_text(dumps(_faulty_schema("F-LOOP")))

    def loop_dir(index: dict[Path, list[dict]]) -> None:
        mine = [f for path, found in index.items() if loop in path.parents for f in found]
        assert [(f["code"], f["invoice_id"]) for f in mine] == [("SCH005", "F-LOOP")], mine
    cases.append(Case("link-loop", [loop], loop_dir))

    # What the typed view, the validators or the reports could not take (issue 12, item 2).
    zero = clean("F-ZERO")
    zero["sessions"][0]["date"] = "0000-01-12"
    case("year-zero.json", dumps(zero).encode(), _only("SCH004", pointer="/sessions/0/date"))
    case("surrogate-key.json", b'{"\\ud800": 1, ' + dumps(clean("F-SUR")).encode()[1:], _only("SCH002", pointer=""))
    inner = dumps(clean("F-DEEP"))

    def deep_lines(found: list[dict]) -> None:  # around the parser's limit, where the validators' recursion ended
        assert [(f["code"], f["line"]) for f in found] == [("PRS005", n) for n in range(1, 51)], found
    case("deep-sessions.jsonl", "".join(inner.replace('"sessions": [', '"sessions": [' + "[" * depth + "]" * depth + ", ", 1)
                                        + "\n" for depth in range(950, 1000)).encode(), deep_lines)
    not_utf8 = root / os.fsdecode(b"name-\xff.json")
    not_utf8.write_text(dumps(_faulty_schema("F-NAME")))
    shown = root / "name-\\xff.json"  # as every report writes it
    cases.append(Case("not-utf8-name.json", [not_utf8], lambda index: _only("SCH005")(index.get(shown, []))))
    return cases


def _with_total(invoice: dict, digits: str) -> bytes:
    invoice["total"] = "__TOTAL__"
    return dumps(invoice).replace('"__TOTAL__"', digits).encode()


def _only_codes(codes: set[str], pointer: str):
    def check(found: list[dict]) -> None:
        assert {(f["code"], f["pointer"]) for f in found} == {(c, pointer) for c in codes}, found
    return check


def _one_prs(found: list[dict]) -> None:
    assert len(found) == 1 and found[0]["code"].startswith("PRS"), found


def _faulty_schema(invoice_id: str) -> dict:
    invoice = clean(invoice_id)
    invoice["sessions"][0]["place"] = "home"
    return invoice


def _drop_read_anything() -> tuple[str, ...]:
    """As root, a prefix that runs the command without CAP_DAC_OVERRIDE, so that mode 000 means unreadable."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return ()
    prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search",
              "--inh-caps=-dac_override,-dac_read_search", "--")
    return prefix if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0 else ()


PREFIX = _drop_read_anything()


def locked_is_unreadable() -> bool:
    """Mode 000 stops a user, and root only once setpriv has dropped its read-anything capability."""
    return os.geteuid() != 0 or bool(PREFIX)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    real = root / "real-faulty.json"
    real.write_text(dumps(real_faulty(), indent=2))
    return root, real, build_corpus(root / "corpus")


def _case_ids():
    return [
        "empty.json", "empty.jsonl", "double-bom.json", "latin1.json", "huge-exponent.json",
        "overflowing-exponent.json", "nan.json", "trailing-garbage.json", "utf16.json", "long-integer.json",
        "random.json", "nested-arrays.json", "nested-objects.json", "broken-middle.jsonl", "empty-objects.json",
        "long-strings.json", "thousand-sessions.json", "too-many-sessions.json", "odd-directory", "link-loop",
        "year-zero.json", "surrogate-key.json", "deep-sessions.jsonl", "not-utf8-name.json",
    ]


TOGETHER, PARALLEL, TEXT = "<all together>", "<all together, in worker processes>", "<text report>"


@pytest.fixture(scope="module")
def runs(corpus):
    """Every run of the corpus, started at once on a thread pool (each is its own process, measured alone):
    the tests below only wait for the one they judge, so the slow ones overlap."""
    _, real, cases = corpus
    paths = [p for c in cases for p in c.paths]
    middle = len(paths) // 2
    text_paths = [p for c in cases if c.name != "empty-objects.json" for p in c.paths]
    planned = {case.name: lambda c=case: check_lines(*map(str, c.paths), str(real), prefix=PREFIX) for case in cases}
    # --jobs 1: the reference, whatever the machine's cores (the default, auto, depends on them).
    planned[TOGETHER] = lambda: check_lines("--jobs", "1", *map(str, paths[:middle]), str(real),
                                            *map(str, paths[middle:]), prefix=PREFIX)
    planned[PARALLEL] = lambda: check_lines("--jobs", "2", *map(str, text_paths), str(real), prefix=PREFIX)
    planned[TEXT] = lambda: run_measured("check", *map(str, text_paths), str(real), prefix=PREFIX)
    order = sorted(planned, key=lambda name: name not in (TOGETHER, "empty-objects.json"))  # the long ones first
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        futures = {name: pool.submit(planned[name]) for name in order}
        yield futures
        for future in futures.values():
            future.cancel()


def _judge(case: Case, index: dict[Path, list[dict]]) -> None:
    try:
        case.expect(index)
    except AssertionError as error:
        raise AssertionError(f"{case.name}: {error}") from None


@pytest.mark.parametrize("name", _case_ids())
def test_each_hostile_file_alone_beside_a_real_faulty_invoice(corpus, runs, name):
    _, real, cases = corpus
    (case,) = [c for c in cases if c.name == name]
    result = runs[name].result()
    assert_contained(result)
    assert result.returncode == 1
    index = by_file(result.findings)
    case.expect(index)
    _expect_real(index, real)


def test_every_case_is_run_alone(corpus):
    assert sorted(c.name for c in corpus[2]) == sorted(_case_ids())


def test_all_hostile_files_together_beside_a_real_faulty_invoice(corpus, runs):
    _, real, cases = corpus
    result = runs[TOGETHER].result()
    assert_contained(result)
    assert result.returncode == 1
    index = by_file(result.findings)
    for case in cases:
        _judge(case, index)
    _expect_real(index, real)
    for given in (p for c in cases for p in c.paths):  # no file was lost: each named, or a file under each directory
        shown = Path(printable_file_name(str(given)))  # a name that is not UTF-8 is shown escaped
        assert shown in index or any(given in named.parents for named in index), given


def test_worker_processes_report_the_corpus_as_the_serial_run_does(corpus, runs):
    """All but the 200,000 findings, with --jobs 2: the same findings as the serial run, file by file."""
    _, real, cases = corpus
    parallel, serial = runs[PARALLEL].result(), runs[TOGETHER].result()
    assert_contained(parallel)
    assert parallel.returncode == 1
    serial_index, parallel_index = by_file(serial.findings), by_file(parallel.findings)
    for case in cases:
        if case.name != "empty-objects.json":
            _judge(case, parallel_index)
    _expect_real(parallel_index, real)
    wanted = {path for path in serial_index if path.name != "empty-objects.json"}
    # DAY counts a practitioner's sessions over the whole run, and the serial run has one more file: where
    # DAY001 falls may differ. (That DAY is the same under --jobs is tests/rules/test_rules_day.py's.)
    assert {path: _without_day(serial_index[path]) for path in wanted} == \
        {path: _without_day(found) for path, found in parallel_index.items()}


def _without_day(found: list[dict]) -> list[dict]:
    return [f for f in found if not f["code"].startswith("DAY")]


def test_the_text_report_of_the_corpus_is_bounded_too(corpus, runs):
    """The default format (on all but the 200,000 findings): the megabytes read are not echoed."""
    _, _, cases = corpus
    result = runs[TEXT].result()
    assert_contained(result)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert max(map(len, lines)) < 2_000  # 1 MB keys and ids are not echoed
    assert re.search(r" warnings?(; billed in error: .*)?\.$", lines[-1]) and " error" in lines[-1]
    assert len(lines) > len(cases)


def test_standard_input_that_is_hostile(tmp_path):
    for data, code in ((b"", "PRS006"), (b"[" * 100_000, "PRS005"), (b"\xff\xfe{}", "PRS001"),
                       (b'{"a": 1}\n{"broken\n', "PRS002")):
        result = run_cli("check", "--format", "jsonl", "-", stdin=data)
        assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
        assert code in {json.loads(line)["code"] for line in result.stdout.splitlines()}


# -- plugins that misbehave where tests/test_plugin_host.py does not look ------------------------------

RULE = '''
from kinelint.findings import Rule, Violation
from kinelint.hookspecs import hookimpl

RULE = Rule("{code}", "{name}", "error", "A test rule.", "For tests.", "tests")
'''

BATCH_RAISES = RULE.format(code="ZZD001", name="batch-raises") + '''
class Checker:
    def __init__(self):
        self.seen = []
    def keys(self, invoice):
        if "{where}" == "keys":
            raise RuntimeError("keys failed")
        return invoice.invoice_id
    def observe(self, invoice, ref):
        if "{where}" == "observe":
            raise RuntimeError("observe failed")
        self.seen.append(ref)
    def finish(self):
        if "{where}" == "finish":
            raise RuntimeError("finish failed")
        return [(ref, Violation("ZZD001", "seen")) for ref in self.seen]

@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_batch_checker():
    if "{where}" == "factory":
        raise RuntimeError("no checker today")
    return Checker()
'''

BATCH_GARBAGE = RULE.format(code="ZZE001", name="batch-garbage") + '''
class Checker:
    def observe(self, invoice, ref):
        self.ref = ref
    def finish(self):
        return ["garbage", (self.ref, "not a violation"), (self.ref, Violation("ZZE999", "undeclared")),
                (None, Violation("ZZE001", "no ref")), (self.ref, Violation("ZZE001", "kept"))]

@hookimpl
def kinelint_rules():
    return [RULE]

@hookimpl
def kinelint_batch_checker():
    return Checker()
'''

RULES_RAISE = RULE.format(code="ZZF001", name="rules-raise") + '''
@hookimpl
def kinelint_rules():
    raise ImportError("cannot build my rules")

@hookimpl
def kinelint_check_invoice(invoice):
    return [Violation("ZZF001", "reported without being declared")]
'''

RULES_GARBAGE = '''
from kinelint.hookspecs import hookimpl

@hookimpl
def kinelint_rules():
    return ["not a rule", 42]
'''


def _two_invoices(tmp_path: Path) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text(dumps(real_faulty()) + "\n" + dumps(_faulty_schema("F-SCH")) + "\n" + dumps(clean("F-OK")) + "\n")
    return path


def _other_findings_stand(result: Measured) -> None:
    codes = [(f["code"][:3], f["invoice_id"]) for f in result.findings if not f["code"].startswith("ZZ")]
    assert codes == [("TAR", "F-REAL"), ("SCH", "F-SCH")], result.findings


@pytest.mark.parametrize("where", ["keys", "observe", "finish", "factory"])
def test_a_batch_checker_that_raises_is_named_and_contained(tmp_path, where):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_batch", BATCH_RAISES.replace("{where}", where))
    result = check_lines(str(_two_invoices(tmp_path)), env_path=site)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    hook = {"keys": "in its batch checker (keys)", "observe": "in its batch checker (observe)",
            "finish": "in its batch checker (finish)", "factory": "in kinelint_batch_checker"}[where]
    assert f"plugin 'zz_batch' raised RuntimeError {hook}" in stderr
    assert "Traceback" not in stderr
    _other_findings_stand(result)
    assert not [f for f in result.findings if f["code"] == "ZZD001"]


def test_a_batch_checker_that_works_reports_per_invoice(tmp_path):
    """The control for the test above: the same plugin, not failing, reports on both schema-valid invoices."""
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_batch", BATCH_RAISES.replace("{where}", "nowhere"))
    result = check_lines(str(_two_invoices(tmp_path)), env_path=site)
    assert result.returncode == 1, result.stderr
    assert sorted(f["invoice_id"] for f in result.findings if f["code"] == "ZZD001") == ["F-OK", "F-REAL"]


def test_a_batch_checker_returning_garbage_keeps_its_good_finding(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_bgarbage", BATCH_GARBAGE)
    result = check_lines(str(_two_invoices(tmp_path)), env_path=site)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "plugin 'zz_bgarbage' returned str, not a Violation" in stderr
    assert "plugin 'zz_bgarbage' reported code 'ZZE999' that it does not declare" in stderr
    assert "Traceback" not in stderr
    _other_findings_stand(result)
    assert [(f["code"], f["message"], f["invoice_id"]) for f in result.findings if f["code"].startswith("ZZ")] == [
        ("ZZE001", "kept", "F-OK")]


def test_a_plugin_whose_rules_hook_raises_is_named_and_its_reports_refused(tmp_path):
    site = tmp_path / "site"
    install_fake_plugin(site, "zz_norules", RULES_RAISE)
    install_fake_plugin(site, "zz_badrules", RULES_GARBAGE)
    result = check_lines(str(_two_invoices(tmp_path)), env_path=site)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "plugin 'zz_norules' raised ImportError in kinelint_rules" in stderr
    assert "plugin 'zz_norules' reported code 'ZZF001' that it does not declare" in stderr
    assert "plugin 'zz_badrules' kinelint_rules returned str, not a Rule" in stderr
    assert "Traceback" not in stderr
    _other_findings_stand(result)
    listing = run_cli("rules", env_path=site)
    assert listing.returncode == 0 and b"TAR004" in listing.stdout
    assert b"zz_norules" in listing.stderr


# -- round two: devices, links, names, spellings, configuration and baseline as input ---------------

DEVICES = [d for d in ("/dev/zero", "/dev/urandom") if os.path.exists(d)]


@pytest.mark.parametrize("device", DEVICES)
def test_a_device_named_directly_or_through_a_link_is_a_finding_never_read(tmp_path, device):
    (tmp_path / "zero.json").symlink_to(device)  # a committed link, expanded by a shell glob
    (tmp_path / "zero.jsonl").symlink_to(device)
    real = tmp_path / "real.json"
    real.write_text(dumps(real_faulty(), indent=2))
    for jobs in ("1", "2"):
        for name in (device, str(tmp_path / "zero.json"), str(tmp_path / "zero.jsonl")):  # one file: one at a time
            result = check_lines("--jobs", jobs, name, str(real), timeout=HANG_GUARD_SECONDS)
            assert_contained(result)
            assert result.returncode == 1
            index = by_file(result.findings)
            (finding,) = index[Path(name)]
            assert finding["code"] == "PRS007" and "character device" in finding["message"], finding
            _expect_real(index, real)


@pytest.mark.parametrize("option", ["--config", "--baseline"])
@pytest.mark.parametrize("device", DEVICES)
def test_a_device_as_configuration_or_baseline_is_a_usage_error(tmp_path, option, device):
    link = tmp_path / "linked.toml"
    link.symlink_to(device)
    for given in (device, str(link)):
        result = run_measured("check", option, given, str(tmp_path), timeout=HANG_GUARD_SECONDS)
        assert_contained(result)
        assert result.returncode == 2 and b"not a regular file" in result.stderr, result.stderr


def test_configuration_and_baseline_sizes_are_capped(tmp_path):
    from kinelint.read.smallfiles import BASELINE_MAX_BYTES, CONFIG_MAX_BYTES

    config, baseline = tmp_path / "kinelint.toml", tmp_path / "baseline.toml"
    config.write_text("# " + "x" * CONFIG_MAX_BYTES + "\n")
    with open(baseline, "w") as handle:
        handle.write("version = 1\nfindings = []\n")
        handle.truncate(BASELINE_MAX_BYTES + 1)  # sparse: a file that large costs no disk
    real = tmp_path / "real.json"
    real.write_text(dumps(real_faulty()))
    for option, path in (("--config", config), ("--baseline", baseline)):
        result = run_measured("check", option, str(path), str(real))
        assert_contained(result)
        assert result.returncode == 2 and b"larger than" in result.stderr, result.stderr
    assert run_measured("check", str(real), cwd=tmp_path).stderr.count(b"larger than") == 1  # found, not named


def test_a_configuration_linked_to_a_device_is_not_skipped_silently(tmp_path):
    (tmp_path / "kinelint.toml").symlink_to(DEVICES[0])
    result = run_measured("check", "x.json", cwd=tmp_path, timeout=HANG_GUARD_SECONDS)
    assert_contained(result)
    assert result.returncode == 2 and b"not a regular file" in result.stderr


def test_deeply_nested_toml_is_a_clear_error(tmp_path):
    deep = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    for option in ("--config", "--baseline"):
        path = tmp_path / f"deep{option}.toml"
        path.write_text(deep)
        result = run_measured("check", option, str(path), str(tmp_path))
        assert_contained(result)
        assert result.returncode == 2 and b"nested too deeply" in result.stderr, result.stderr[-500:]
        assert result.stderr.count(b"\n") < 5


def test_a_file_linked_or_spelled_twice_is_checked_once(tmp_path):
    (tmp_path / "sub").mkdir()
    real = tmp_path / "real.json"
    real.write_text(dumps(real_faulty(), indent=2))
    (tmp_path / "link.json").symlink_to(real)
    os.link(real, tmp_path / "hard.json")
    spellings = [str(real), str(tmp_path / "link.json"), str(tmp_path / "sub" / ".." / "real.json"),
                 str(tmp_path / "hard.json"), str(tmp_path)]
    for jobs in ("1", "2"):
        result = check_lines("--jobs", jobs, *spellings)
        assert_contained(result)
        assert [(f["code"][:3], f["file"]) for f in result.findings] == [("TAR", str(real))], result.findings


def test_directory_links_are_not_followed_out_of_the_tree(tmp_path):
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / "inner").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.json").write_text(dumps(_faulty_schema("F-OUTSIDE")))
    (tree / "inner" / "mine.json").write_text(dumps(real_faulty()))
    (tree / "out").symlink_to(outside)
    (tree / "again").symlink_to(tree / "inner")  # inside the tree: followed (its file is the same file: once)
    result = check_lines(str(tree))
    assert_contained(result)
    assert [(f["code"][:3], f["invoice_id"]) for f in result.findings] == [("TAR", "F-REAL")], result.findings
    assert [Path(f["file"]).name for f in check_lines(str(tree / "out")).findings] == ["secret.json"]  # named: read


def test_standard_input_with_a_broken_first_line_keeps_the_rest_of_the_batch():
    lines = ['{"invoice_id": "F-BROKEN", "total": ', dumps(real_faulty()), dumps(_faulty_schema("F-SCH"))]
    result = run_cli("check", "--format", "jsonl", "-", stdin=("\n".join(lines) + "\n").encode())
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(f["code"][:3], f["line"], f["invoice_id"]) for f in found] == [
        ("PRS", 1, None), ("TAR", 2, "F-REAL"), ("SCH", 3, "F-SCH")], found
    # The control: one invoice written over several lines, broken, is still one document.
    pretty = dumps(real_faulty(), indent=2)[:-20]
    result = run_cli("check", "--format", "jsonl", "-", stdin=pretty.encode())
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["PRS002"]


def test_an_amount_that_underflows_is_not_taken_for_two_decimals(tmp_path):
    invoice = clean("F-TINY")
    invoice["sessions"][0]["acts"][0]["amount"] = "__TINY__"
    path = tmp_path / "tiny.json"
    path.write_text(dumps(invoice).replace('"__TINY__"', "1e-9999999999"))
    result = check_lines(str(path))
    assert_contained(result)
    assert [(f["code"], f["pointer"]) for f in result.findings if f["code"].startswith("SCH")] == [
        ("SCH006", "/sessions/0/acts/0/amount")], result.findings
    assert "more than two decimals" in result.findings[0]["message"]


def test_jobs_has_an_upper_bound():
    result = run_cli("check", "--jobs", "1000000", "x.json")
    assert result.returncode == 2 and b"at most" in result.stderr, result.stderr
    assert run_cli("check", "--jobs", "9" * 400, "x.json").returncode == 2


@pytest.mark.parametrize("glob, message", [("*a*a*a*a*a*a*a*a*a*a*a*a*a*b", None), ("[z-a].json", b"runs backwards"),
                                           ("legacy/[abc.json", b"never closed")])
def test_per_file_ignores_globs_are_linear_and_checked(tmp_path, glob, message):
    (tmp_path / "kinelint.toml").write_text(f'[per-file-ignores]\n"{glob}" = ["TAR"]\n')
    name = "a" * 60 + ".json"
    (tmp_path / name).write_text(dumps(real_faulty()))
    result = run_measured("check", name, cwd=tmp_path, timeout=HANG_GUARD_SECONDS)
    assert_contained(result)
    if message is None:
        assert result.returncode == 1  # not ignored: the name does not end in b
    else:
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_the_linear_glob_matcher_agrees_with_gits_reading():
    from kinelint.read.globs import Glob

    cases = {"*.json": ["a.json"], "legacy/*.jsonl": ["legacy/a.jsonl"], "**/x.json": ["x.json", "a/b/x.json"],
             "a/**/b.json": ["a/b.json", "a/x/y/b.json"], "dir/": ["dir/x/y"], "[!a]?.json": ["bc.json"],
             "[a-c]*.json": ["b.json"], "*": ["x.json"]}
    misses = {"*.json": ["a/b.json"], "legacy/*.jsonl": ["legacy/s/a.jsonl"], "**/x.json": ["xx.json"],
              "a/**/b.json": ["a/xb.json"], "[!a]?.json": ["ab.json", "/b.json"], "[a-c]*.json": ["d.json"],
              "*": ["a/b"]}
    for pattern, paths in cases.items():
        assert all(Glob(pattern).matches(p) for p in paths), pattern
    for pattern, paths in misses.items():
        assert not any(Glob(pattern).matches(p) for p in paths), pattern
    assert not Glob("*a" * 40 + "b").matches("a" * 10_000)


def test_configuration_search_stops_at_the_repository_root_and_home(tmp_path):
    from kinelint.cli.config import find_config

    above = tmp_path / "above"
    (above / "repo" / ".git").mkdir(parents=True)
    (above / "repo" / "sub").mkdir()
    (above / "kinelint.toml").write_text('ignore = ["TAR"]\n')  # above the repository: never read
    assert find_config(above / "repo" / "sub", home=tmp_path / "elsewhere") is None
    (above / "repo" / "kinelint.toml").write_text('fail-on = "warning"\n')
    assert find_config(above / "repo" / "sub", home=tmp_path / "elsewhere") == (above / "repo" / "kinelint.toml").resolve()
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    (tmp_path / "kinelint.toml").write_text('ignore = ["TAR"]\n')  # above home: never read
    assert find_config(home / "work", home=home) is None
    assert find_config(home / "work", home=tmp_path / "elsewhere") == (tmp_path / "kinelint.toml").resolve()  # control
    # End to end: a planted configuration above the repository does not silence the check.
    (above / "repo" / "kinelint.toml").unlink()
    (above / "repo" / "sub" / "real.json").write_text(dumps(real_faulty()))
    result = run_measured("check", "real.json", cwd=above / "repo" / "sub")
    assert result.returncode == 1, result.stderr


def test_lint_invoice_on_json_text_never_quotes_it_in_an_error():
    from kinelint import lint_invoice
    from invoice_factory import PATIENT_NIR

    invoice = real_faulty()
    text = dumps(invoice, indent=2)
    assert [f.code for f in lint_invoice(text)] == ["TAR004"] or [f.code[:3] for f in lint_invoice(text)] == ["TAR"]
    for hostile in (text[:-30], text + "x" * 5000, "x" * 100_000 + PATIENT_NIR, "{" + "\ud800"):
        try:
            findings = lint_invoice(hostile)
        except Exception as error:  # a clear error, never one that carries the text
            assert PATIENT_NIR not in str(error) and len(str(error)) < 300, str(error)[:300]
        else:
            assert all(PATIENT_NIR not in str(f.as_dict()) and len(f.file) < 300 for f in findings)


# -- names that forge output ----------------------------------------------------------------------

FORGING_NAMES = ["evil\n::error file=x.json,line=1::forged.json", "bell\x07\x1b[31mred.json", "::error::name.json",
                 "rtl\u202egnp.json", "nul\x01\x0b\x0c.json", "##[error]legacy.json"]


def test_names_with_control_characters_cannot_forge_lines_commands_or_xml(tmp_path):
    import xml.etree.ElementTree as ET

    for number, name in enumerate(FORGING_NAMES):
        invoice = clean(f"F-{number}")
        invoice["total"] += 1
        (tmp_path / name).write_text(dumps(invoice))
    names = sorted(FORGING_NAMES)
    text = run_cli("check", *names, cwd=tmp_path)
    assert text.returncode == 1
    lines = text.stdout.decode().splitlines()
    assert len(lines) == len(names) + 2, lines  # one line per finding, the version and rule set, then the summary
    github = run_cli("check", "--format", "github", *names, cwd=tmp_path)
    commands = [line for line in github.stdout.decode().splitlines() if line.startswith("::")]
    assert len(commands) == len(names) and all(line.startswith("::error file=") for line in commands), commands
    assert not [line for line in github.stdout.decode().splitlines() if "##[" in line]
    for output in (text.stdout.decode(), github.stdout.decode()):
        assert not any(line.lstrip().startswith("::") for line in lines if not line.startswith("::error file="))
        assert not any(char in output for char in "\x07\x1b\x01\x0b\x0c\u202e\r")
    junit = run_cli("check", "--format", "junit", *names, cwd=tmp_path)
    root = ET.fromstring(junit.stdout)  # well-formed XML 1.0
    assert int(root.get("tests")) == len(names) and int(root.get("failures")) == len(names)
    for jobs in ("2",):
        assert run_cli("check", "--format", "junit", "--jobs", jobs, *names, cwd=tmp_path).stdout == junit.stdout


def test_stale_baseline_notes_and_messages_on_stderr_escape_control_characters(tmp_path):
    real = tmp_path / "real.json"
    real.write_text(dumps(clean("F-OK")))
    baseline = tmp_path / "baseline.toml"
    baseline.write_text('version = 1\nfindings = [\n'
                        '  { file = "real.json", invoice_id = "F\\n::error::forged", code = "TAR004" },\n'
                        '  { file = "::error file=a::b", code = "TAR004" },\n]\n')
    result = run_cli("check", "--baseline", str(baseline), str(real), str(tmp_path), cwd=tmp_path)
    stderr = result.stderr.decode()
    assert "stale" in stderr and "forged" in stderr, stderr
    assert not [line for line in stderr.splitlines() if line.lstrip().startswith("::")], stderr


def test_junit_is_identical_across_jobs(tmp_path):
    """Invoices with ids, without, and broken lines, in one batch: the cases come in the same order."""
    lines = [dumps(clean("F-1")), "{broken", dumps(_faulty_schema("F-2")), dumps({"total": 1}), dumps(real_faulty())]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "other.json").write_text(dumps([clean("F-3"), {"x": 1}, _faulty_schema("F-4")]))
    outputs = {jobs: run_cli("check", "--format", "junit", "--jobs", jobs, "batch.jsonl", "other.json",
                             cwd=tmp_path).stdout for jobs in ("1", "2")}
    assert outputs["1"] == outputs["2"], outputs
    assert outputs["1"].count(b"<testcase") == 8


def test_the_peak_measured_is_the_kinelint_process_own_not_pytest_s(tmp_path):
    """The control of ``run_measured``: a large test process does not lend its high-water mark to the child
    (``os.wait4``'s ``ru_maxrss`` did: on a long suite, pytest's GiB failed the memory bounds)."""
    if sys.platform != "linux":
        pytest.skip("VmHWM is read from /proc")
    ballast = bytearray(600 << 20)  # the test process grows by 600 MiB: pages touched, so resident
    for page in range(0, len(ballast), 4096):
        ballast[page] = 1
    real = tmp_path / "real.json"
    real.write_text(dumps(real_faulty()))
    result = check_lines("--jobs", "1", str(real))
    del ballast
    assert result.returncode == 1 and [f["code"] for f in result.findings] == ["TAR004"]
    assert 0 < result.max_rss_bytes < 300 << 20, f"peak RSS {result.max_rss_bytes >> 20} MiB"
