"""Weight averaging (``ema_decay``) of AWDConvLSTMClassifier on unseen attack types.

The evidence behind the classifier's default ``ema_decay``, from KDDTrain+ only:
the folds of :class:`awdids.model_selection.NovelAttackKFold` (the attack types
a fold holds out never reach its training rows, as KDDTest+'s new attacks do
not), the pipeline preprocess -> PCA(80) -> classifier trained for each fold,
``ema_decay`` setting and seed, and scored on the held-out rows. Prints
per-run accuracy, macro F1, epochs, best validation loss and fit time, then a
table of mean and standard deviation over seeds (median fit time) by fold and
setting, written to ``docs/results/bench_averaging.json``.

Usage: ``python benchmarks/bench_averaging.py [--settings none,0.999] [--seeds 3]
[--folds 0,1,2]`` (needs the NSL-KDD files: ``AWDIDS_DATA``; about 2-3 minutes
a fit on a 2-core CPU, so the defaults take about 55 minutes).
"""

import argparse
import time
from pathlib import Path

import numpy as np
from _results import Report, default_out, mean_std  # benchmarks/ is on sys.path
from sklearn.metrics import accuracy_score, f1_score

from awdids import make_awdids_pipeline
from awdids.datasets import fetch_nsl_kdd
from awdids.model_selection import NovelAttackKFold

N_FOLDS = 3


def _setting(text):
    return None if text == "none" else float(text)


def _folds(text):
    folds = [int(fold) for fold in text.split(",")]
    if not set(folds) <= set(range(N_FOLDS)):
        raise argparse.ArgumentTypeError(f"folds are 0-{N_FOLDS - 1}, got {text!r}")
    return folds


def fit_and_score(X, y, train, test, ema_decay, seed):
    """Fit the pipeline on ``train`` rows and score it on ``test`` rows."""
    start = time.perf_counter()
    model = make_awdids_pipeline(
        random_state=seed, oversample="passthrough", clf__ema_decay=ema_decay
    )
    model.fit(X.iloc[train], y[train])
    pred = model.predict(X.iloc[test])
    history = model[-1].history_
    return dict(
        accuracy=accuracy_score(y[test], pred),
        macro_f1=f1_score(y[test], pred, average="macro"),
        epochs=len(history),
        best_valid_loss=float(min(history[:, "valid_loss"])),
        fit_s=time.perf_counter() - start,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="none,0.999")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--folds", type=_folds, default=list(range(N_FOLDS)), help="e.g. 0,1,2"
    )
    parser.add_argument("--out", type=Path, default=default_out("bench_averaging"))
    args = parser.parse_args()

    data = fetch_nsl_kdd("train")
    X, y, attack = data.data, data.target.to_numpy(), np.asarray(data.attack)
    folds = list(NovelAttackKFold(n_splits=N_FOLDS).split(X, y, groups=attack))
    results = {}
    for fold in args.folds:
        train, test = folds[fold]
        print(
            f"fold {fold}: {len(train)} training rows, {len(test)} test rows; "
            f"held-out attack types: {sorted(set(attack[test]) - {'normal'})}",
            flush=True,
        )
        for text in args.settings.split(","):
            for seed in range(args.seeds):
                run = fit_and_score(X, y, train, test, _setting(text), seed)
                results.setdefault((fold, text), []).append(run)
                print(
                    f"fold {fold} ema_decay={text:>6} seed {seed}: accuracy "
                    f"{run['accuracy']:.4f}, macro F1 {run['macro_f1']:.4f}, "
                    f"{run['epochs']} epochs, best valid loss "
                    f"{run['best_valid_loss']:.4f}, {run['fit_s']:.0f} s",
                    flush=True,
                )
    report = Report(
        "bench_averaging",
        "Weight averaging on attack types held out of training",
        f"The {N_FOLDS} ``NovelAttackKFold`` folds of KDDTrain+ (whole attack types "
        "held out, as KDDTest+ does); the paper's pipeline without over-sampling, "
        f"each ``ema_decay`` setting, seeds 0-{args.seeds - 1}. Mean ± standard "
        "deviation over seeds, median fit seconds. This table chose the default "
        "``ema_decay=None``.",
    )
    table = []
    for (fold, text), runs in results.items():
        cells = [
            mean_std(values, digits=4)
            for values in (
                [r[key] for r in runs]
                for key in ("accuracy", "macro_f1", "best_valid_loss")
            )
        ]
        table.append(
            [fold, text, *cells, f"{np.median([r['fit_s'] for r in runs]):.0f}"]
        )
    report.table(
        "Held-out folds of KDDTrain+",
        ["fold", "ema_decay", "accuracy", "macro F1", "best valid loss", "fit s"],
        table,
    )
    report.values["runs"] = [
        {"fold": fold, "ema_decay": text, **run}
        for (fold, text), runs in results.items()
        for run in runs
    ]
    report.write(args.out)


if __name__ == "__main__":
    main()
