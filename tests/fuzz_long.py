"""The long mutation-fuzz run, outside the normal suite.

    python tests/fuzz_long.py --cases 100000 [--seed 1] [--workdir DIR]

Same cases and oracles as tests/test_fuzz.py (which ``pytest -m slow`` also
runs at 100,000 cases). Stops at the first failing case, keeps it in the work
directory and prints how to replay it; exit status 0 when every case held.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_fuzz import FuzzFailure, fuzz  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="number of mutated files (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed; case i uses Random(f'{seed}:{i}')")
    parser.add_argument("--workdir", type=Path, help="where cases are written and a failing one is kept")
    parser.add_argument("--every", type=int, default=10_000, help="progress report interval")
    options = parser.parse_args(argv)
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="kinelint-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        tally = fuzz(options.cases, options.seed, workdir, report_every=options.every)
    except FuzzFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"OK: {tally.cases} cases in {tally.seconds:.0f}s (seed {options.seed}); "
          f"findings by family {dict(tally.findings.most_common())}; mutations {dict(tally.mutations)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
