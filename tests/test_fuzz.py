"""Mutation fuzzing of real invoice files: flip, delete and insert bytes, swap values and keys between fields.

The seeds are invoices from tests/invoice_factory.py written as an exporter
would (one invoice, an array, JSON Lines). Each case is run through the real
pipeline in process (sources, parsing, schema, every installed plugin, batch
checkers, positions) and must hold to these oracles:

* no exception escapes, and no plugin raises (the host records no incident);
* every result is a well-formed finding: a known code, a severity, the file,
  a line and column inside the file;
* a file (or JSON Lines line) that a strict reader refuses has a PRS finding,
  and one that a strict reader accepts has none (it is never refused wrongly);
* the seed patient's NIR never appears in a finding, wherever a swap moved it.

The default suite runs a few thousand cases; ``-m slow`` runs
``KINELINT_FUZZ_CASES`` (100,000 by default), and ``python tests/fuzz_long.py
--cases N`` does the same from the command line with a progress report.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from invoice_factory import act, bdk, dumps, fee, make_invoice, session


from kinelint.findings import SEVERITIES, Finding
from kinelint.read.parsing import BOM
from kinelint.report.reporters import finding_json

DEFAULT_CASES = 2_000
TOKENS = [b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\", b"\n", b"\r\n", b" ", BOM, b"NaN", b"-Infinity", b"-",
          b"0", b"1e999", b".", b"e", b"\xff", b"\xc3", b"\xe2\x80\xa8", b"null", b"true", b"\x00", b"\\u0000",
          b'"version"', b'"sessions"', b'"amount"', b"99999999999999999999", b"0.001", b"\\ud800", b"0000-"]


# -- seeds ---------------------------------------------------------------------------------------

def _invoice(invoice_id: str, **kwargs) -> dict:
    return make_invoice(invoice_id=invoice_id, prescription_id=f"RX-{invoice_id}", **kwargs)


def seed_invoices() -> list[dict]:
    """Varied, mostly clean invoices: fees at home, several sessions, a DOM one, one with a rule finding."""
    home = [session(1, on="2026-01-12", place="domicile", fees=[fee("IFD"), fee("IK", quantity=6)]),
            session(2, on="2026-01-14", place="domicile", acts=[act("RIC", "8.12", label="séance à domicile")],
                    fees=[fee("IFD")])]
    off = _invoice("F-OFF")
    off["total"] += Decimal("0.01")
    return [
        _invoice("F-ONE"),
        _invoice("F-HOME", sessions=home),
        _invoice("F-DOM", territory="dom", sessions=[session(1, territory="dom", acts=[bdk(), act("RIC", "8.12")])]),
        _invoice("F-THREE", sessions=[session(1), session(2, on="2026-01-13"), session(3, on="2026-01-15")]),
        off,
    ]


@cache
def seeds() -> list[tuple[str, bytes]]:
    invoices = seed_invoices()
    return [
        ("one.json", dumps(invoices[0], indent=2).encode()),
        ("home.json", dumps(invoices[1], indent=2, ensure_ascii=False).encode()),
        ("compact.json", dumps(invoices[2]).encode()),
        ("array.json", dumps(invoices, indent=1).encode()),
        ("batch.jsonl", ("\n".join(dumps(i, ensure_ascii=False) for i in invoices) + "\n").encode()),
        ("batch.ndjson", ("\r\n".join(dumps(i) for i in invoices[2:])).encode()),
    ]


SEED_NIR = make_invoice()["patient"]["nir"]


# -- mutations -----------------------------------------------------------------------------------

def flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]


def delete(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.choice([1, 1, 1, 2, 5, 40, 400]):]


def insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    piece = rng.choice(TOKENS) if rng.random() < 0.7 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return data[:at] + piece + data[at:]


def duplicate(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    piece = data[start:start + rng.randint(1, 200)]
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def swap_values(data: bytes, rng: random.Random) -> bytes:
    """Swap two values between fields (any types: a NIR may land in a label, an amount in a date)."""
    return _per_document(data, rng, _swap_in)


def swap_keys(data: bytes, rng: random.Random) -> bytes:
    """Rename one key to another key of the document, as text: unknown fields, missing ones, duplicates."""
    text = data.decode("utf-8", errors="surrogateescape")
    import re

    keys = list(re.finditer(r'"[A-Za-z_]+"(?=\s*:)', text))
    if len(keys) < 2:
        return data
    target, source = rng.sample(keys, 2)
    return (text[:target.start()] + source.group() + text[target.end():]).encode("utf-8", errors="surrogateescape")


INTERESTING = [0, -1, 1, 2, 100_000, 10**30, Decimal("0.001"), Decimal("26.00"), Decimal("1E+400"), Decimal("-0.0"),
               "", " ", "x" * 300, "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "2024-02-29", "1970-01-01",
               "0000-01-01", "\ud800",
               None, True, False, [], {}, "AMK", "RIC", "AMS", "IFD", "IK", "domicile", "dom", "telesoin"]


def replace_value(data: bytes, rng: random.Random) -> bytes:
    """Put a boundary value in one field: calendar edges, a decimal integer, a wrong type, a real code."""
    def change(document: object, chance: random.Random) -> None:
        slots = list(_slots(document))
        if slots:
            parent, key = chance.choice(slots)
            parent[key] = chance.choice(INTERESTING)
    return _per_document(data, rng, change)


def _per_document(data: bytes, rng: random.Random, change) -> bytes:
    lines = data.split(b"\n")
    if len(lines) > 2 and all(line.strip().startswith(b"{") for line in lines if line.strip()):
        index = rng.randrange(len(lines))
        lines[index] = _rewrite(lines[index], rng, change, indent=None)
        return b"\n".join(lines)
    return _rewrite(data, rng, change, indent=2)


def _rewrite(data: bytes, rng: random.Random, change, indent) -> bytes:
    try:
        document = json.loads(data.decode("utf-8").removeprefix("\ufeff"), parse_float=Decimal)
    except (ValueError, RecursionError):
        return data
    change(document, rng)
    try:
        return dumps(document, indent=indent, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: written as JSON writes it, "\ud800"
        return dumps(document, indent=indent).encode()


def _swap_in(document: object, rng: random.Random) -> None:
    slots = list(_slots(document))
    if len(slots) < 2:
        return
    (a_parent, a_key), (b_parent, b_key) = rng.sample(slots, 2)
    a_parent[a_key], b_parent[b_key] = b_parent[b_key], a_parent[a_key]


def _slots(node: object):
    """(container, key) of every value, containers included."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield node, key
        yield from _slots(value)


MUTATIONS = [flip, delete, insert, duplicate, swap_values, swap_keys, replace_value]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    applied = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        mutation = rng.choice(MUTATIONS)
        data = mutation(data, rng)
        applied.append(mutation.__name__)
    return data, applied


# -- the oracle: a strict reader -----------------------------------------------------------------

class _Refused(Exception):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise _Refused("duplicate key")
    return dict(pairs)


def _refuse_constant(name):
    raise _Refused(name)


def strictly_readable(data: bytes, first: bool = True) -> bool | None:
    """True if a strict reader accepts the text as one JSON document of plausible depth, False if it refuses;
    None when the verdict is out of the oracle's reach (very deep documents: PRS005 is the format's own limit).
    A byte order mark is tolerated at the very start of a file only (``first``)."""
    try:
        text = (data.removeprefix(BOM) if first else data).decode("utf-8")
        if not text.strip():
            return False
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant,
                           parse_float=Decimal, parse_int=Decimal)
    except (_Refused, ValueError):
        return False
    except RecursionError:
        return None
    depth = _depth(value)
    return True if depth <= 6 else None


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


# -- one case ------------------------------------------------------------------------------------

@cache
def _run():
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    return Run(PluginHost.from_entry_points(), load_nomenclature())


@dataclass
class Tally:
    cases: int = 0
    findings: Counter = field(default_factory=Counter)
    mutations: Counter = field(default_factory=Counter)
    seconds: float = 0.0


class FuzzFailure(AssertionError):
    pass


def check_case(path: Path, data: bytes, tally: Tally | None = None) -> list[Finding]:
    """Lint one mutated file in process and hold every oracle; FuzzFailure says which one broke."""
    from kinelint.findings import Summary

    run = _run()
    run.summary = Summary()
    path.write_bytes(data)
    try:
        results = list(run.findings([str(path)]))
    except Exception as error:  # the point of the exercise
        raise FuzzFailure(f"{type(error).__name__} escaped: {error}") from error
    if run.host.incidents:
        raise FuzzFailure("a plugin failed: " + "; ".join(i.describe() + "\n" + i.detail
                                                           for i in run.host.incidents))
    text_lines = data.removeprefix(BOM).decode("utf-8", errors="replace").split("\n")
    for finding in results:
        if not isinstance(finding, Finding):
            raise FuzzFailure(f"not a finding: {finding!r}")
        problems = []
        if finding.code not in run.host.rules:
            problems.append("unknown code")
        if finding.severity not in SEVERITIES:
            problems.append("bad severity")
        if finding.file != str(path):
            problems.append("wrong file")
        if not 1 <= finding.line <= len(text_lines):
            problems.append("line outside the file")
        elif not 1 <= finding.column <= len(text_lines[finding.line - 1]) + 1:
            problems.append("column outside the line")
        if finding.pointer and not finding.pointer.startswith("/"):
            problems.append("not a JSON pointer")
        try:
            finding_json(finding).encode("utf-8")  # as the JSON reports write it (exact decimals)
        except UnicodeEncodeError:
            problems.append("a report could not write it (not UTF-8)")
        if any(SEED_NIR in str(part) for part in finding.as_dict().values()):
            problems.append("the patient's NIR is printed")
        if problems:
            raise FuzzFailure(f"{', '.join(problems)}: {finding}")
    _check_prs_verdicts(path, data, results)
    if tally is not None:
        tally.cases += 1
        tally.findings.update(f.code[:3] for f in results)
    return results


def _check_prs_verdicts(path: Path, data: bytes, results: list[Finding]) -> None:
    """A refused text has its PRS finding; an accepted one has none."""
    prs_lines = {f.line for f in results if f.code.startswith("PRS")}
    if path.suffix in (".jsonl", ".ndjson"):
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        units = [(number, line.rstrip(b"\r")) for number, line in enumerate(lines, start=1)]
        if not units:
            units = [(1, b"")]
    else:
        units = [(None, data)]
    for number, unit in units:
        verdict = strictly_readable(unit, first=number in (None, 1))
        flagged = bool(prs_lines) if number is None else number in prs_lines
        if verdict is False and not flagged:
            raise FuzzFailure(f"a strict reader refuses {'the file' if number is None else f'line {number}'}, "
                              "but there is no PRS finding")
        if verdict is True and flagged:
            raise FuzzFailure(f"{'the file' if number is None else f'line {number}'} is valid JSON, "
                              f"yet: {[f for f in results if f.code.startswith('PRS')]}")


def fuzz(cases: int, seed: int, workdir: Path, report_every: int = 0) -> Tally:
    """Run ``cases`` cases; on the first failure, keep the case in ``workdir`` and say how to replay it."""
    tally = Tally()
    started = time.monotonic()
    corpus = seeds()
    for index in range(cases):
        rng = random.Random(f"{seed}:{index}")
        name, original = corpus[index % len(corpus)]
        data, applied = mutate(original, rng)
        tally.mutations.update(applied)
        path = workdir / f"case-{name}"
        try:
            check_case(path, data, tally)
        except FuzzFailure as failure:
            kept = workdir / f"failing-{seed}-{index}-{name}"
            kept.write_bytes(data)
            raise FuzzFailure(f"case {index} (seed {seed}, {name}, {'+'.join(applied)}; kept in {kept}): "
                              f"{failure}") from failure
        if report_every and (index + 1) % report_every == 0:
            print(f"{index + 1} cases, {time.monotonic() - started:.0f}s, findings by family: "
                  f"{dict(tally.findings)}", flush=True)
    tally.seconds = time.monotonic() - started
    return tally


# -- the tests -----------------------------------------------------------------------------------

def test_the_seeds_themselves_are_read_as_written(tmp_path):
    """The control: unmutated seeds have no PRS or SCH finding, and the faulty one its rule finding."""
    for name, data in seeds():
        findings = check_case(tmp_path / name, data)
        assert not [f for f in findings if f.code[:3] in ("PRS", "SCH")], (name, findings)
        assert [f.invoice_id for f in findings if f.code.startswith("TAR")] in ([], ["F-OFF"]), (name, findings)
    assert any(f.invoice_id == "F-OFF" for f in check_case(tmp_path / "array.json", dict(seeds())["array.json"]))


def test_the_oracle_catches_a_broken_file(tmp_path):
    """The oracle is not vacuous: a truncated file is refused and must be (and is) flagged."""
    data = dict(seeds())["one.json"][:-10]
    assert strictly_readable(data) is False
    assert [f.code for f in check_case(tmp_path / "cut.json", data)] == ["PRS002"]
    lines = dict(seeds())["batch.jsonl"].split(b"\n")
    lines[2] = lines[2][:30]
    found = check_case(tmp_path / "cut.jsonl", b"\n".join(lines))
    assert [(f.code, f.line) for f in found if f.code.startswith("PRS")] == [("PRS002", 3)]


def test_mutated_files_give_findings_never_exceptions(tmp_path):
    tally = fuzz(int(os.environ.get("KINELINT_FUZZ_QUICK_CASES", DEFAULT_CASES)), seed=20260212, workdir=tmp_path)
    assert tally.cases >= DEFAULT_CASES or "KINELINT_FUZZ_QUICK_CASES" in os.environ
    assert set(tally.mutations) == {m.__name__ for m in MUTATIONS}
    # The mutations reach every stage: unreadable files, schema errors and rule findings all occur.
    assert tally.findings["PRS"] and tally.findings["SCH"] and tally.findings["TAR"], tally.findings


def test_a_session_number_written_with_decimals_reaches_the_plugins_as_a_whole_number(tmp_path):
    """Found by the fuzzer: "number": 26.00 is a JSON Schema integer; the BDK plugin once raised on it."""
    invoice = _invoice("F-DEC")
    invoice["sessions"][0]["number"] = Decimal("26.00")
    invoice["sessions"][0]["acts"][0]["bdk"] = True
    check_case(tmp_path / "decimal-number.json", dumps(invoice, indent=2).encode())  # FuzzFailure: bdk raises


@pytest.mark.slow
def test_long_fuzz(tmp_path):
    cases = int(os.environ.get("KINELINT_FUZZ_CASES", "100000"))
    tally = fuzz(cases, seed=int(os.environ.get("KINELINT_FUZZ_SEED", "1")), workdir=tmp_path,
                 report_every=10_000)
    assert tally.cases == cases
    print(f"{tally.cases} cases in {tally.seconds:.0f}s: findings by family {dict(tally.findings)}")


# -- patient data in any spelling, anywhere: no output of any format shows its digits -----------------

SEED_BIRTH = make_invoice()["patient"]["birth_date"]
_RUN = __import__("re").compile(r"[0-9](?:[^0-9A-Za-z]{0,3}[0-9])*")  # digits up to three characters apart


def spell(digits: str, rng: random.Random, separators=(" ", ".", "-", "_", "/", "", " - ", ", ")) -> str:
    """``digits`` cut into random groups joined by a random separator (or none)."""
    separator = rng.choice(separators)
    groups, at = [], 0
    while at < len(digits):
        size = rng.randint(1, 4)
        groups.append(digits[at:at + size])
        at += size
    return separator.join(groups)


def patient_spellings(rng: random.Random) -> str:
    year, month, day = SEED_BIRTH.split("-")
    return rng.choice([spell(SEED_NIR, rng), spell(SEED_NIR[:13], rng), spell(year + month + day, rng),
                       spell(day + month + year, rng), f"{day}/{month}/{year}", f"{day}.{month}.{year}"])


def plant(invoice: dict, spelled: str, rng: random.Random) -> tuple[dict, str | None]:
    """Put the spelled value in one place an exporter (or an attacker) could; returns (invoice, raw key) where
    a key is planted twice in the text (a duplicate key is written by hand)."""
    where = rng.choice(["invoice_id", "prescription", "label", "place", "letter", "key", "nested key", "amount",
                        "total", "version", "duplicate"])
    if where == "invoice_id":
        invoice["invoice_id"] = spelled
    elif where == "prescription":
        invoice["prescription"]["id"] = "RX" + spelled.replace(" ", ".")
    elif where == "label":
        invoice["sessions"][0]["acts"][0]["label"] = f"patient {spelled}"
    elif where == "place":
        invoice["sessions"][0]["place"] = spelled
    elif where == "letter":
        invoice["sessions"][0]["acts"][0]["letter"] = spelled
    elif where == "key":
        invoice[spelled] = 1
    elif where == "nested key":
        invoice["sessions"][0][spelled] = {"x": 1}
    elif where in ("amount", "total"):
        digits = "".join(c for c in spelled if c.isdigit())
        cut = rng.randint(1, len(digits) - 1)
        number = Decimal(digits[:cut] + "." + digits[cut:])
        if where == "amount":
            invoice["sessions"][0]["acts"][0]["amount"] = number
        else:
            invoice["total"] = number
    elif where == "version":
        invoice["version"] = spelled
    else:
        return invoice, spelled
    return invoice, None


def every_report(findings: list[Finding], run, refs) -> dict[str, str]:
    """The findings through every reporter, in process."""
    import io

    from kinelint.report.reporters import FORMATS, ReportContext, reporter_class

    reports = {}
    for name in FORMATS:
        stream = io.StringIO()
        reporter = reporter_class(name)(stream, ReportContext(run.host.rules))
        for ref in refs if reporter.wants_documents else ():
            reporter.document(ref)
        for finding in findings:
            reporter.finding(finding)
        reporter.finish(run.summary)
        reports[name] = stream.getvalue()
    return reports


def digit_leaks(text: str) -> list[str]:
    year, month, day = SEED_BIRTH.split("-")
    needles = (SEED_NIR[:13], year + month + day, day + month + year)
    return [line for line in text.splitlines() for run in _RUN.findall(line)
            if any(n in "".join(c for c in run if c.isdigit()) for n in needles)]


@pytest.mark.parametrize("seed", range(int(os.environ.get("KINELINT_SPELLING_SEEDS", "4"))))
def test_patient_data_in_any_spelling_never_comes_out(tmp_path, seed):
    from kinelint.findings import Summary

    rng = random.Random(f"spellings:{seed}")
    run = _run()
    spoken = 0
    for index in range(60):
        spelled = patient_spellings(rng)
        invoice, duplicate = plant(_invoice(f"F-S{index}"), spelled, rng)
        text = dumps(invoice, indent=rng.choice([None, 2]), ensure_ascii=False)
        if duplicate is not None:
            text = text.replace("{", f'{{"{duplicate}": 1, "{duplicate}": 2, ', 1)
        shape = rng.choice(["one.json", "array.json", "batch.jsonl"])
        if shape == "array.json":
            text = f"[{text}, {text}]"  # twice: batch findings (CON) about the planted values
        elif shape == "batch.jsonl":
            text = text.replace("\n", " ") + "\n" + text.replace("\n", " ") + "\n"
        # A file name holding a NIR-shaped number (its groups one space, dot, dash or underscore apart) is masked.
        name = rng.choice([shape, f"{spell(SEED_NIR, rng, (' ', '.', '-', '_', ''))}-{shape}"])
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run.summary = Summary()
        refs = []
        run.on_document = refs.append
        try:
            findings = list(run.findings([str(path)]))
        finally:
            run.on_document = None
        assert not run.host.incidents, [i.describe() for i in run.host.incidents]
        spoken += bool(findings)
        for fmt, report in every_report(findings, run, refs).items():
            leaks = digit_leaks(report)
            assert not leaks, f"case {index}: {spelled!r} in {name!r}, {fmt} shows: {leaks[:3]}"
        path.unlink()
    assert spoken > 40  # not vacuous: most plants give findings that could have shown them


# -- names, links and devices in a tree: every file once, nothing outside, nothing forged -------------

HOSTILE_NAMES = ["-ovictim.json", "::error::x.json", "a\nb.json", "tab\there.json", "esc\x1b[2J.json", "é.json",
                 "##[warning]y.json", "rtl\u202eb.json", " lead.json", "dots..json", f"{SEED_NIR}.json"]


def build_tree(root: Path, outside: Path, rng: random.Random) -> int:
    """A random tree of invoices under hostile names, with links of every kind; returns the number of
    distinct regular invoice files a walk of ``root`` may read."""
    (root / "sub").mkdir(parents=True)
    outside.mkdir(exist_ok=True)
    (outside / "outside.json").write_text(dumps(_invoice("F-OUTSIDE")))
    files = []
    for number, name in enumerate(rng.sample(HOSTILE_NAMES, rng.randint(3, len(HOSTILE_NAMES)))):
        invoice = _invoice(f"F-N{number}")
        invoice["total"] += 1
        path = root / rng.choice(["", "sub"]) / name
        path.write_text(dumps(invoice))
        files.append(path)
    for number in range(rng.randint(2, 6)):
        kind = rng.choice(["file", "dir-inside", "dir-outside", "device", "dangling", "loop", "fifo", "hard"])
        link = root / rng.choice(["", "sub"]) / f"link{number}-{kind}.json"
        if kind == "file":
            link.symlink_to(rng.choice(files))
        elif kind == "hard":
            os.link(rng.choice(files), link)
        elif kind == "dir-inside":
            link.with_suffix("").symlink_to(root / "sub")
        elif kind == "dir-outside":
            link.with_suffix("").symlink_to(outside)
        elif kind == "device":
            link.symlink_to("/dev/zero")
        elif kind == "dangling":
            link.symlink_to(root / "nowhere.json")
        elif kind == "loop":
            link.with_suffix("").symlink_to(root)
        else:
            os.mkfifo(link)
    return len(files)


@pytest.mark.parametrize("seed", range(int(os.environ.get("KINELINT_TREE_SEEDS", "3"))))
def test_trees_of_hostile_names_and_links(tmp_path, seed):
    import subprocess
    import sys

    rng = random.Random(f"trees:{seed}")
    root, outside = tmp_path / "tree", tmp_path / "outside"
    regular = build_tree(root, outside, rng)
    for jobs in ("1", "2"):
        result = subprocess.run([sys.executable, "-m", "kinelint", "check", "--format", "jsonl", "--jobs", jobs,
                                 str(root)], capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr.decode()[-2000:]
        found = [json.loads(line) for line in result.stdout.splitlines()]
        tar = [f for f in found if f["code"].startswith("TAR")]
        assert len(tar) == regular, [(f["file"], f["invoice_id"]) for f in found]  # each file once, by identity
        assert len({f["invoice_id"] for f in tar}) == regular
        assert not [f for f in found if f["invoice_id"] == "F-OUTSIDE" or f["code"] == "CON008"], found
        assert all(SEED_NIR not in f["file"] for f in found)
        text = subprocess.run([sys.executable, "-m", "kinelint", "check", str(root)], capture_output=True,
                              timeout=120, stdin=subprocess.DEVNULL).stdout.decode()
        assert len(text.splitlines()) == len(found) + 2  # a line per finding, the version and rule set, the summary: none forged
        assert not [line for line in text.splitlines() if line.startswith(("::", "-")) or "##[" in line]


# -- plugins that misbehave at random: BaseException, malformed results, bad refs --------------------

class _ChaosPlugin:
    """A plugin whose every call does one random wrong (or right) thing: raise any BaseException but an
    interrupt, return a malformed Violation, garbage, a generator that fails half-way, a bad batch ref."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _value(self):
        return self.rng.choice([None, 42, 4.5, b"bytes", ["ZZX001"], {"a": 1}, "", "total", "/total", "fatal",
                                "ERROR", "/sessions/0/acts/9", "\ud800", "/\ud800", "x" * 10_000, Decimal("1")])

    def _violation(self):
        from kinelint.findings import Violation

        fields = ["ZZX001", "a message", "/total", None]
        for index in range(4):
            if self.rng.random() < 0.3:
                fields[index] = self._value()
        return Violation(*fields)

    def _misbehave(self):
        choice = self.rng.randrange(6)
        if choice == 0:
            raise self.rng.choice([SystemExit(0), SystemExit(2), GeneratorExit(), RuntimeError("x"), MemoryError(),
                                   RecursionError(), StopIteration(), ValueError(SEED_NIR)])
        if choice == 1:
            return self._value()
        if choice == 2:
            def half_way():
                yield self._violation()
                raise SystemExit(0)
            return half_way()
        return [self._violation() for _ in range(self.rng.randrange(3))]

    def kinelint_rules(self):
        from kinelint.findings import Rule

        return [Rule("ZZX001", "chaos", "error", "A test rule.", "For tests.", "tests")]

    def kinelint_check_invoice(self, invoice):
        return self._misbehave()

    def kinelint_batch_checker(self):
        plugin = self

        class Checker:
            refs: list = []

            def keys(self, invoice):
                if plugin.rng.random() < 0.2:
                    plugin._misbehave()
                return invoice.invoice_id

            def observe(self, keys, ref):
                if plugin.rng.random() < 0.1:
                    raise SystemExit(0)
                self.refs.append(ref)

            def finish(self):
                if plugin.rng.random() < 0.2:
                    plugin._misbehave()
                return [(plugin.rng.choice([ref, "ref", None, 0]), plugin._violation()) for ref in self.refs]

        return Checker()


def _mark_hooks(plugin) -> None:
    from kinelint.hookspecs import hookimpl

    for name in ("kinelint_rules", "kinelint_check_invoice", "kinelint_batch_checker"):
        hookimpl(getattr(plugin, name))


def test_plugins_that_misbehave_at_random_never_stop_the_run(tmp_path):
    """BaseException and malformed results from a plugin: incidents of that plugin, never an escape, and
    every other plugin's findings exactly those of a run without it."""
    from kinelint.check.host import PluginHost
    from kinelint.nomenclature import load_nomenclature
    from kinelint.check.runner import Run

    _mark_hooks(_ChaosPlugin)
    corpus = seeds()
    chaos = _ChaosPlugin(random.Random())
    host, nomenclature = PluginHost.from_entry_points(extra=[("zz_chaos", chaos)]), load_nomenclature()
    for index in range(int(os.environ.get("KINELINT_FUZZ_QUICK_CASES", DEFAULT_CASES)) // 5):
        chaos.rng = random.Random(f"chaos:{index}")
        host.take_incidents()
        name, data = corpus[index % len(corpus)]
        path = tmp_path / name
        path.write_bytes(data)
        run = Run(host, nomenclature)
        try:
            found = list(run.findings([str(path)]))
        except BaseException as error:  # noqa: BLE001 - the point of the exercise
            raise FuzzFailure(f"case {index} ({name}): {type(error).__name__} escaped") from error
        assert {incident.plugin for incident in run.host.incidents} <= {"zz_chaos"}, run.host.incidents
        for finding in found:
            assert finding.severity in SEVERITIES and isinstance(finding.message, str), finding
            assert not finding.pointer or finding.pointer.startswith("/"), finding
            finding_json(finding).encode("utf-8")  # as the JSON reports write it (exact decimals)
            assert SEED_NIR not in finding.message
        others = [f for f in found if f.plugin != "zz_chaos"]
        assert others == check_case(tmp_path / name, data), (index, name)
