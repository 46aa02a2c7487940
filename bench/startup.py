"""Start-up of two kinelint installs side by side (issue 20: "start-up on 3 small files no slower").

    python bench/startup.py before=/tmp/venv-before/bin/kinelint now=.venv/bin/kinelint
    python bench/startup.py --runs 31 a=PATH b=PATH

Each install checks the same three small example files (``kinelint check
--format json``), in alternating runs so that a busy machine slows both alike;
the median wall time of each, and each one's ratio to the first, are printed.
Compare non-editable installs (``pip install .``): an editable install's
import finder adds about 100 ms of its own.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = [str(REPO / "examples" / "clean" / name) for name in ("dom-2025.json", "elderly-2026.json",
                                                               "home-visit-2026.json")]


def one_run(kinelint: str) -> float:
    start = time.perf_counter()
    subprocess.run([kinelint, "check", "--format", "json", *FILES], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("installs", nargs="+", metavar="NAME=KINELINT", help="a name and the path of its kinelint")
    parser.add_argument("--runs", type=int, default=21, help="runs of each install (default 21)")
    args = parser.parse_args()
    installs = [tuple(item.split("=", 1)) for item in args.installs]
    times: dict[str, list[float]] = {name: [] for name, _ in installs}
    for name, path in installs:
        one_run(path)  # warm the disk cache and the bytecode
    for _ in range(args.runs):
        for name, path in installs:
            times[name].append(one_run(path))
    first = statistics.median(times[installs[0][0]])
    for name, _ in installs:
        median = statistics.median(times[name])
        print(f"{name:>12}: median {median * 1000:6.0f} ms over {args.runs} runs, {median / first:.2f}x "
              f"{installs[0][0]}")


if __name__ == "__main__":
    main()
