"""Time to accuracy of the paper's pipeline: this checkout against another revision.

Fold ``k`` of ``NovelAttackKFold(3)`` on KDDTrain+ is paired with seed ``k``
(``k`` = 0, 1, 2: every fold and every seed once; ``--grid`` runs all nine
pairs). For each pair, fresh processes that alternate between this checkout and
the baseline tree fit ``make_awdids_pipeline(random_state=k)`` (each tree's own
defaults) on the fold's training rows, time it, and score the held-out rows once:
attack types the fold never trains on, plus a third of the normal rows.
KDDTest+ is never read. Prints and writes, per tree: the pipeline's fit seconds
(the GAN's per class, the classifier's epochs), held-out accuracy and macro F1
as mean and std over the pairs, the classifier's inference rate on the held-out
rows, and the median paired ratio of the fit times (this checkout / baseline).

Usage::

    git worktree add ../awdids-base REV
    python benchmarks/bench_time_to_accuracy.py --baseline-src ../awdids-base

(needs the NSL-KDD files: ``AWDIDS_DATA``; about 15 minutes on 2 cores against
a baseline whose pipeline fits in 4 minutes).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _results import (
    Report,
    default_out,
    mean_std,
    source_revision,
)  # benchmarks/ is on sys.path

NAME = "bench_time_to_accuracy"
HERE = Path(__file__).resolve().parent.parent
N_FOLDS = 3
#: Parameters of each tree's defaults recorded beside its timings.
CLASSIFIER_KEYS = ("max_epochs", "batch_size", "lr", "validation_fraction")
SAMPLER_KEYS = ("epochs", "steps_per_epoch", "batch_size", "n_critic")


def _predict_rate(clf, X, repeats=3):
    """Median rows per second of ``clf.predict_proba`` on ``X``."""
    clf.predict_proba(X[:4096])  # warm-up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        clf.predict_proba(X)
        seconds.append(time.perf_counter() - start)
    return len(X) / statistics.median(seconds)


def worker(fold, seed):
    """Fit and score one pipeline with the awdids on sys.path; print JSON."""
    import numpy as np
    from sklearn.metrics import accuracy_score, f1_score

    from awdids.datasets import fetch_nsl_kdd
    from awdids.model_selection import NovelAttackKFold
    from awdids.pipeline import make_awdids_pipeline

    data = fetch_nsl_kdd("train")
    X, y, attack = data.data, data.target.to_numpy(), np.asarray(data.attack)
    train, held_out = list(NovelAttackKFold(N_FOLDS).split(X, y, attack))[fold]
    pipe = make_awdids_pipeline(random_state=seed)
    start = time.perf_counter()
    pipe.fit(X.iloc[train], y[train])
    fit_s = time.perf_counter() - start
    pred = pipe.predict(X.iloc[held_out])
    sampler, clf = pipe.named_steps["oversample"], pipe.named_steps["clf"]
    features = pipe[:-1].transform(X.iloc[held_out]).astype(np.float32)
    record = {
        "fold": fold,
        "seed": seed,
        "fit_s": fit_s,
        "gan_s": {str(k): v for k, v in sampler.fit_seconds_.items()},
        "classifier_s": float(sum(row["dur"] for row in clf.history)),
        "epochs": len(clf.history),
        "accuracy": float(accuracy_score(y[held_out], pred)),
        "macro_f1": float(f1_score(y[held_out], pred, average="macro")),
        "predict_rows_per_s": _predict_rate(clf, features),
        "classifier_params": {k: clf.get_params()[k] for k in CLASSIFIER_KEYS},
        "sampler_params": {k: sampler.get_params()[k] for k in SAMPLER_KEYS},
    }
    print(json.dumps(record))


def _run_tree(src, fold, seed):
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--worker", str(fold), str(seed)]
    out = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _pairs(grid):
    if grid:
        return [(fold, seed) for fold in range(N_FOLDS) for seed in range(N_FOLDS)]
    return [(k, k) for k in range(N_FOLDS)]


def _summary_rows(runs):
    rows = []
    for name, records in runs.items():
        gan = [sum(r["gan_s"].values()) / len(r["gan_s"]) for r in records]
        rows.append(
            [
                name,
                f"{statistics.median(r['fit_s'] for r in records):.1f}",
                f"{statistics.median(gan):.1f}",
                f"{statistics.median(r['classifier_s'] for r in records):.1f}",
                f"{statistics.median(r['epochs'] for r in records):g}",
                mean_std([r["accuracy"] for r in records], digits=4),
                mean_std([r["macro_f1"] for r in records], digits=4),
                f"{statistics.median(r['predict_rows_per_s'] for r in records):,.0f}",
            ]
        )
    return rows


def _ratio_rows(runs):
    base, cur = runs["baseline"], runs["this checkout"]
    rows = []
    for key, label in (("fit_s", "pipeline fit"), ("classifier_s", "classifier")):
        ratios = [c[key] / b[key] for c, b in zip(cur, base)]
        rows.append([label, f"{statistics.median(ratios):.3f}", f"{max(ratios):.3f}"])
    gan = [
        sum(c["gan_s"].values()) / sum(b["gan_s"].values()) for c, b in zip(cur, base)
    ]
    rows.append(
        ["GAN (all classes)", f"{statistics.median(gan):.3f}", f"{max(gan):.3f}"]
    )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, help="source tree to compare")
    parser.add_argument("--grid", action="store_true", help="all 9 fold-seed pairs")
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    parser.add_argument("--worker", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    if args.baseline_src is None or not (args.baseline_src / "awdids").is_dir():
        parser.error("--baseline-src must be a source tree with an awdids folder")
    trees = {"baseline": args.baseline_src.resolve(), "this checkout": HERE}
    commits = {name: source_revision(src) for name, src in trees.items()}
    runs = {name: [] for name in trees}
    for index, (fold, seed) in enumerate(_pairs(args.grid)):
        order = list(trees) if index % 2 == 0 else list(trees)[::-1]
        for name in order:
            runs[name].append(_run_tree(trees[name], fold, seed))
            print(f"fold {fold} seed {seed} {name}: {runs[name][-1]}", flush=True)
    report = Report(
        NAME,
        "Time to accuracy of the paper's pipeline against another revision",
        "Fold k of NovelAttackKFold(3) on KDDTrain+ with seed k, each fitted "
        "by ``make_awdids_pipeline`` at each tree's defaults in fresh processes "
        "that alternate between this checkout and "
        f"``{args.baseline_src.name}`` (commit {commits['baseline']}; this "
        f"checkout: {commits['this checkout']}); held-out rows (attack types the fold "
        "never trains on, a third of the normal rows) scored once. GAN s: mean "
        "per over-sampled class. Inference: the classifier's ``predict_proba`` "
        "on the held-out rows after the pipeline's transformers, median of 3. "
        "Paired ratio: this checkout's seconds over the baseline's on the same "
        "fold and seed; below 1 is faster.",
    )
    report.table(
        "Per tree (median seconds; scores: mean ± std over the pairs)",
        [
            "tree",
            "fit s",
            "GAN s / class",
            "classifier s",
            "epochs",
            "held-out accuracy",
            "held-out macro F1",
            "inference rows/s",
        ],
        _summary_rows(runs),
    )
    report.table(
        "Paired ratios of fit time (this checkout / baseline)",
        ["part", "median", "worst"],
        _ratio_rows(runs),
    )
    report.values["runs"] = runs
    report.values["baseline"] = {
        "tree": args.baseline_src.name,
        "commit": commits["baseline"],
    }
    report.write(args.out)


if __name__ == "__main__":
    main()
