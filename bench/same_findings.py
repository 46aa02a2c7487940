"""Every finding, byte for byte, against another version of kinelint (issue 14: "what must not change").

    python bench/same_findings.py --reference ../kinelint-before      # a checkout of the version before
    python bench/same_findings.py --reference ../before --fuzz-cases 5000 --keep

Builds one corpus under ``bench/out/same-findings/`` (seeded, so the same
bytes every time): the seeded bench batches (5 % rule faults; 10 % schema
errors; the same invoices as a ``.json`` array), the bundled ``examples/``,
the hostile corpus of ``tests/test_hostile.py``, the fuzz seeds of
``tests/test_fuzz.py`` and ``--fuzz-cases`` of their mutations (one file
each). Then runs ``kinelint check`` on it with this checkout and with the
reference (``PYTHONPATH``), once per output format asked (``--formats``,
JSON and text by default, both in English and French), in one process and
with ``--jobs 2``, and compares the outputs byte for byte. Exit 1 on any
difference (the first lines of the diff are printed).
"""

from __future__ import annotations

import argparse
import difflib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "same-findings"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "tests"))

import generate  # noqa: E402


def build_corpus(root: Path, fuzz_cases: int) -> list[str]:
    """The corpus's top-level entries, relative to ``root`` (the order they are given to kinelint)."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["rm", "-rf", str(root)], check=False)  # the hostile corpus has a locked file
    root.mkdir(parents=True)
    entries = []
    for count, invalid, fault, name in ((20_000, 0.0, 0.05, "faults.jsonl"), (5_000, 0.10, 0.05, "invalid.jsonl")):
        batch = generate.ensure_batch(BENCH / "out", count, 1, invalid, fault)
        shutil.copyfile(batch, root / name)
        entries.append(name)
    lines = (root / "invalid.jsonl").read_bytes().splitlines()
    (root / "invalid-array.json").write_bytes(b"[\n" + b",\n".join(lines) + b"\n]\n")
    entries.append("invalid-array.json")
    shutil.copytree(REPO / "examples", root / "examples")
    entries.append("examples")

    import test_fuzz
    import test_hostile

    hostile = root / "hostile"
    test_hostile.build_corpus(hostile)
    entries.append("hostile")
    fuzz = root / "fuzz"
    fuzz.mkdir()
    corpus = test_fuzz.seeds()
    for name, data in corpus:
        (fuzz / f"seed-{name}").write_bytes(data)
    for index in range(fuzz_cases):
        rng = random.Random(f"same-findings:{index}")
        name, original = corpus[index % len(corpus)]
        data, _ = test_fuzz.mutate(original, rng)
        (fuzz / f"case-{index:05d}-{name}").write_bytes(data)
    entries.append("fuzz")
    return entries


def run(checkout: Path | None, entries: list[str], root: Path, fmt: str, lang: str, jobs: int) -> bytes:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("LANGUAGE", None)
    if checkout is not None:
        env["PYTHONPATH"] = f"{checkout}{os.pathsep}{checkout / 'plugins'}"
    command = [sys.executable, "-m", "kinelint", "check", "--format", fmt, "--lang", lang, "--jobs", str(jobs),
               "--today", "2026-11-27", "--no-respect-gitignore", "--", *entries]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, timeout=1800)
    return b"exit %d\n" % done.returncode + done.stdout + b"\n--- stderr\n" + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, required=True, help="a checkout of the version to compare with")
    parser.add_argument("--fuzz-cases", type=int, default=2000)
    parser.add_argument("--formats", default="json,text")
    parser.add_argument("--jobs", default="1,2", help="--jobs values to compare (each against the reference's)")
    parser.add_argument("--keep", action="store_true", help="keep both outputs in bench/out/same-findings-*.txt")
    args = parser.parse_args()
    root = OUT / "corpus"
    entries = build_corpus(root, args.fuzz_cases)
    differences = 0
    for fmt in args.formats.split(","):
        for lang in ("en", "fr"):
            for jobs in map(int, args.jobs.split(",")):
                mine = run(None, entries, root, fmt, lang, jobs)
                theirs = run(args.reference.resolve(), entries, root, fmt, lang, jobs)
                label = f"{fmt} {lang} --jobs {jobs}"
                if args.keep:
                    for who, text in (("this", mine), ("reference", theirs)):
                        (OUT.parent / f"same-findings-{who}-{fmt}-{lang}-{jobs}.txt").write_bytes(text)
                if mine == theirs:
                    print(f"{label}: identical ({len(mine.splitlines())} lines)")
                    continue
                differences += 1
                print(f"{label}: DIFFERENT")
                diff = difflib.unified_diff(theirs.decode(errors="replace").splitlines(),
                                            mine.decode(errors="replace").splitlines(), "reference", "this", n=1,
                                            lineterm="")
                for number, line in enumerate(diff):
                    if number >= 40:
                        print("  ...")
                        break
                    print("  " + line[:300])
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
