"""Start-up time of `import awdids` and `awdids --help`, against another revision.

Each round runs, in fresh interpreters and alternating between the two source
trees, ``import awdids``, ``python -m awdids --help`` and ``import awdids``
followed by the first estimator look-up (what a script that trains pays), with
a bare ``python -c pass`` as the floor. Prints the median seconds of each and
the median of the paired ratios (this checkout / baseline), and writes them
with the machine, versions and date to ``--out``.

Usage::

    git worktree add ../awdids-base REV
    python benchmarks/bench_import.py --baseline-src ../awdids-base
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _results import Report, default_out  # benchmarks/ is on sys.path

NAME = "bench_import"
HERE = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "import awdids": ["-c", "import awdids"],
    "awdids --help": ["-m", "awdids", "--help"],
    "import + AWDConvLSTMClassifier": [
        "-c",
        "import awdids; awdids.AWDConvLSTMClassifier",
    ],
}


def _seconds(src, arguments):
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    # cwd=src: ``-c`` and ``-m`` put the working folder first on sys.path
    subprocess.run(
        [sys.executable, *arguments], env=env, cwd=src, check=True, capture_output=True
    )
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, help="source tree to compare")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()
    if args.baseline_src is None or not (args.baseline_src / "awdids").is_dir():
        parser.error("--baseline-src must be a source tree with an awdids folder")
    trees = {"baseline": args.baseline_src.resolve(), "current": HERE}
    runs = {name: {command: [] for command in COMMANDS} for name in trees}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
        for name in order:
            for command, arguments in COMMANDS.items():
                runs[name][command].append(_seconds(trees[name], arguments))
        print(f"round {round_ + 1}/{args.rounds} done", flush=True)
    rows = []
    for command in COMMANDS:
        base, cur = runs["baseline"][command], runs["current"][command]
        ratio = statistics.median(c / b for c, b in zip(cur, base))
        rows.append(
            [
                f"``{command}``",
                f"{statistics.median(base):.3f}",
                f"{statistics.median(cur):.3f}",
                f"{ratio:.3f}",
            ]
        )
    report = Report(
        NAME,
        "Start-up time against another revision",
        "Wall seconds of each command in a fresh interpreter, alternating between "
        f"this checkout and ``{args.baseline_src.name}`` ({args.rounds} rounds). "
        "Paired ratio: this checkout's time over the baseline's in the same "
        "round; below 1 is faster.",
    )
    report.table(
        "Median seconds",
        ["command", "baseline s", "this checkout s", "paired ratio (median)"],
        rows,
    )
    report.values["runs"] = runs
    report.values["baseline_src"] = args.baseline_src.name
    report.write(args.out)


if __name__ == "__main__":
    main()
