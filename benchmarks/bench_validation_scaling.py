"""The classifier's validation scores, this checkout against another revision.

Written for the change that took the classifier's standardisation statistics
from the training part of its validation split instead of from all rows (the
validation rows had leaked into them, and so into early stopping). Both source
trees fit the default classifier in fresh processes on the same rows:
KDDTrain+_20Percent, preprocessed and reduced by PCA(80) (KDDTest+ is not
read), ``max_epochs=6``, seeds 0-2, each with its own seeded 10% validation
split. Prints and writes, per tree, the mean over seeds of the best
``valid_loss`` and of the last epoch's ``valid_acc``.

Usage::

    git worktree add ../awdids-base REV
    python benchmarks/bench_validation_scaling.py --baseline-src ../awdids-base
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _results import Report, default_out  # benchmarks/ is on sys.path

NAME = "bench_validation_scaling"
HERE = Path(__file__).resolve().parent.parent
SEEDS, EPOCHS = (0, 1, 2), 6


def worker():
    """Fit each seed with the awdids on sys.path; print its validation scores."""
    from sklearn.decomposition import PCA

    from awdids import AWDConvLSTMClassifier
    from awdids.datasets import fetch_nsl_kdd
    from awdids.preprocessing import make_nsl_kdd_preprocessor

    X, y = fetch_nsl_kdd("train-20", return_X_y=True)
    Z = make_nsl_kdd_preprocessor().fit_transform(X)
    Z = PCA(80, random_state=0).fit_transform(Z)
    runs = []
    for seed in SEEDS:
        history = (
            AWDConvLSTMClassifier(max_epochs=EPOCHS, random_state=seed)
            .fit(Z, y.to_numpy())
            .history_
        )
        runs.append(
            {
                "seed": seed,
                "best_valid_loss": float(min(history[:, "valid_loss"])),
                "last_valid_acc": float(history[-1, "valid_acc"]),
            }
        )
    print(json.dumps(runs))


def _run_tree(src):
    result = subprocess.run(
        [sys.executable, __file__, "--worker"],
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, help="source tree to compare")
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    if args.baseline_src is None or not (args.baseline_src / "awdids").is_dir():
        parser.error("--baseline-src must be a source tree with an awdids folder")
    runs = {
        "baseline": _run_tree(args.baseline_src.resolve()),
        "current": _run_tree(HERE),
    }
    report = Report(
        NAME,
        "Validation scores against another revision",
        f"The default classifier on KDDTrain+_20Percent after the preprocessor and "
        f"PCA(80), {EPOCHS} epochs, its own seeded 10% validation split, seeds "
        f"{SEEDS[0]}-{SEEDS[-1]}, fitted by this checkout and by "
        f"``{args.baseline_src.name}`` in fresh processes. Means over the seeds.",
    )
    rows = [
        [
            name,
            f"{statistics.mean(r['best_valid_loss'] for r in tree):.5f}",
            f"{statistics.mean(r['last_valid_acc'] for r in tree):.5f}",
        ]
        for name, tree in (
            (args.baseline_src.name, runs["baseline"]),
            ("this checkout", runs["current"]),
        )
    ]
    report.table(
        "Validation scores", ["tree", "best valid_loss", "last valid_acc"], rows
    )
    report.values["runs"] = runs
    report.write(args.out)


if __name__ == "__main__":
    main()
