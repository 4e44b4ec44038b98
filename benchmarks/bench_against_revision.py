"""Training and inference time of AWDConvLSTMClassifier: this checkout against another.

Each round times, in fresh processes and alternating between the two source
trees, a default classifier's ``fit`` (2 epochs, 10% validation split) on 40,000
rows of 80 features and its ``predict_proba`` on 100,000 rows. The same seeded
rows serve both trees. Prints the median seconds of each and the median of the
paired ratios (this checkout / baseline), and writes them with the machine,
versions and date to ``--out``.

Usage::

    git worktree add ../awdids-base REV
    python benchmarks/bench_against_revision.py --baseline-src ../awdids-base
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _results import Report, default_out, source_revision  # benchmarks/ is on sys.path

NAME = "bench_against_revision"
HERE = Path(__file__).resolve().parent.parent
N_FIT, N_PREDICT, N_FEATURES, EPOCHS = 40_000, 100_000, 80, 2


def _rows(n, seed):
    import numpy as np

    X = np.random.RandomState(seed).randn(n, N_FEATURES).astype(np.float32)
    return X, X[:, :5].argmax(axis=1)


def worker():
    """Time one fit and one predict_proba with the awdids on sys.path."""
    from awdids import AWDConvLSTMClassifier

    X, y = _rows(N_FIT, 0)
    X_new, _ = _rows(N_PREDICT, 1)
    clf = AWDConvLSTMClassifier(max_epochs=EPOCHS, random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    clf.predict_proba(X_new)
    predict_s = time.perf_counter() - start
    print(json.dumps({"fit_s": fit_s, "predict_s": predict_s}))


def _time_tree(src):
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, __file__, "--worker"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, help="source tree to compare")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    if args.baseline_src is None or not (args.baseline_src / "awdids").is_dir():
        parser.error("--baseline-src must be a source tree with an awdids folder")
    runs = {"baseline": [], "current": []}
    for round_ in range(args.rounds):
        order = ["baseline", "current"] if round_ % 2 == 0 else ["current", "baseline"]
        for name in order:
            src = args.baseline_src.resolve() if name == "baseline" else HERE
            runs[name].append(_time_tree(src))
            print(f"round {round_ + 1} {name}: {runs[name][-1]}", flush=True)
    report = Report(
        NAME,
        "The classifier against another revision",
        f"A default classifier's ``fit`` ({EPOCHS} epochs, 10% validation split) on "
        f"{N_FIT:,} rows of {N_FEATURES} features and its ``predict_proba`` on "
        f"{N_PREDICT:,} rows, timed in fresh processes that alternate between "
        f"this checkout and ``{args.baseline_src.name}`` ({args.rounds} rounds). "
        "Paired ratio: this checkout's time over the baseline's in the same "
        f"round; below 1 is faster. Baseline: {source_revision(args.baseline_src)}; "
        f"this checkout: {source_revision(HERE)}.",
    )
    table = []
    for key in ("fit_s", "predict_s"):
        base = [r[key] for r in runs["baseline"]]
        cur = [r[key] for r in runs["current"]]
        ratio = statistics.median(c / b for c, b in zip(cur, base))
        table.append(
            [
                key.removesuffix("_s"),
                f"{statistics.median(base):.2f}",
                f"{statistics.median(cur):.2f}",
                f"{ratio:.3f}",
            ]
        )
    report.table(
        "Median seconds",
        ["call", "baseline s", "this checkout s", "paired ratio (median)"],
        table,
    )
    rates = [
        f"{N_PREDICT / statistics.median(r['predict_s'] for r in runs[name]):,.0f}"
        for name in ("baseline", "current")
    ]
    report.table("Inference, rows/s (median)", ["baseline", "this checkout"], [rates])
    report.values["runs"] = runs
    report.write(args.out)


if __name__ == "__main__":
    main()
