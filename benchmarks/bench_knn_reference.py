"""How small a knn reference the open-set flag can keep, on KDDTrain+ folds only.

A model file with the ``"knn"`` novelty score stores its reference: the normal
training rows as the classifier sees them. ``OpenSetClassifier(reference_size=n)``
keeps a seeded subsample of ``n`` of them instead. On the three
:class:`~awdids.model_selection.NovelAttackKFold` folds of KDDTrain+ (each
holds out whole attack types, as KDDTest+ does), the wrapper around
HistGradientBoosting (``policy="attack"``, flag calibrated to
``--false-alarm-rate`` by inner 3-fold cross-fitting) is fitted on a fold's
training rows with each reference size and scored on its held-out rows: the
held-out attack rows flagged (all of types the model never saw), the normal
rows flagged by the flag, 5-class macro F1, the reference's size in bytes and
the time to score the held-out rows.

Usage: ``python benchmarks/bench_knn_reference.py`` (needs the NSL-KDD files:
``AWDIDS_DATA``).
"""

import time

import numpy as np
from _folds import kddtrain_novel_attack_splits, novelty_arguments  # on sys.path
from _results import Report

from awdids.datasets import CATEGORY_NAMES
from awdids.evaluation import known_novel_scores, make_baselines
from awdids.novelty import OpenSetClassifier

NAME = "bench_knn_reference"
SIZES = (None, 10_000, 2_000, 500)


def fold_run(X_train, y_train, X_test, y_test, attack, far, seed):
    runs = {}
    for size in SIZES:
        detector = OpenSetClassifier(
            make_baselines(random_state=seed, n_jobs=2)["HistGradientBoosting"],
            novelty="knn",
            false_alarm_rate=far,
            policy="attack",
            reference_size=size,
            random_state=seed,
        ).fit(X_train, y_train)
        tic = time.perf_counter()
        y_pred, normal_score = detector.predict_with_scores(X_test)
        seconds = time.perf_counter() - tic
        scores = known_novel_scores(y_test, y_pred, attack, (), labels=CATEGORY_NAMES)
        normal = y_test == "normal"
        reference = detector.score_states_["knn"]["reference"]
        runs[str(size)] = {
            "reference_rows": int(len(reference)),
            "reference_bytes": int(reference.nbytes),
            "attack_rows_flagged": scores["detection"]["attack_rows_flagged"],
            "flag_false_alarm_rate": float(
                np.mean(normal_score[normal] < detector.offset_)
            ),
            "macro_f1": scores["all"]["macro_f1"],
            "score_seconds": seconds,
        }
        print(f"  reference_size={size}: {runs[str(size)]}", flush=True)
    return runs


def _mean(runs, size, key):
    return float(np.mean([fold[size][key] for fold in runs]))


def main():
    args = novelty_arguments(__doc__, NAME)
    runs = []
    for split in kddtrain_novel_attack_splits():
        runs.append(fold_run(*split, args.false_alarm_rate, args.random_state))
    report = Report(
        NAME,
        "A smaller knn reference for the open-set flag (KDDTrain+ folds)",
        "``OpenSetClassifier(HistGradientBoosting, novelty='knn', "
        "policy='attack')`` with each ``reference_size``, fitted on the training "
        "rows of the three ``NovelAttackKFold`` folds of KDDTrain+ and scored on "
        "the held-out rows, whose attack types it never saw. The flag is "
        f"calibrated to {args.false_alarm_rate:.0%} by inner 3-fold cross-fitting; "
        "*flag FAR* is what it gives on the outer fold's normal rows. The "
        "reference holds rows in the classifier's input space (here the 122 "
        "preprocessed columns; the paper's pipeline keeps PCA outputs). Means "
        "over the folds.",
    )
    rows = [
        [
            "all" if size == "None" else size,
            f"{_mean(runs, size, 'reference_rows'):,.0f}",
            f"{_mean(runs, size, 'reference_bytes') / 2**20:.1f}",
            f"{_mean(runs, size, 'attack_rows_flagged'):.3f}",
            f"{_mean(runs, size, 'flag_false_alarm_rate'):.4f}",
            f"{_mean(runs, size, 'macro_f1'):.3f}",
            f"{_mean(runs, size, 'score_seconds'):.1f}",
        ]
        for size in runs[0]
    ]
    report.table(
        "Reference size: detection, false alarms, file size",
        (
            "reference_size",
            "rows kept",
            "MiB",
            "held-out attack rows flagged",
            "flag FAR",
            "macro F1",
            "score s",
        ),
        rows,
    )
    report.values = {"false_alarm_rate": args.false_alarm_rate, "folds": runs}
    report.write(args.out)


if __name__ == "__main__":
    main()
