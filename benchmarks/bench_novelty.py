"""Which novelty score flags unseen attack types, chosen on KDDTrain+ only.

On the three :class:`~awdids.model_selection.NovelAttackKFold` folds of
KDDTrain+ (each holds out whole attack types, as KDDTest+ does), every
candidate is fitted on a fold's training rows and scored on its held-out
rows:

- each classifier alone (its own false alarms and detections);
- :class:`~awdids.novelty.OpenSetClassifier` around it with each score, its
  threshold calibrated (inner 3-fold cross-fitting) to flag
  ``--false-alarm-rate`` of held-out normal rows, with ``policy="attack"``;
- scikit-learn's ``IsolationForest`` and ``LocalOutlierFactor(novelty=True)``
  fitted on the fold's normal rows after the package's preprocessor, as a
  user would run them (default contamination).

The tables give, per candidate, the mean over folds of the held-out attack
rows flagged (all of them of types the model never saw), overall and
averaged over attack types, of the held-out normal rows flagged and of the
flag's own false-alarm rate against its target (the drift), 5-class accuracy
and macro F1, and fit and score time. The candidate flagging the largest
share per attack type, among those whose flag keeps its false-alarm target
within 1.5 times on average, is the package's default
(``values["chosen"]``).

Usage: ``python benchmarks/bench_novelty.py [--false-alarm-rate 0.01]``
(needs the NSL-KDD files: ``AWDIDS_DATA``; about 13 minutes on a quiet 2-core CPU).
"""

import time

import numpy as np
from _folds import kddtrain_novel_attack_splits, novelty_arguments  # on sys.path
from _results import Report
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor

from awdids.datasets import CATEGORY_NAMES
from awdids.evaluation import known_novel_scores, make_baselines
from awdids.novelty import OpenSetClassifier
from awdids.preprocessing import make_nsl_kdd_preprocessor

NAME = "bench_novelty"
CANDIDATES = {
    "RandomForest": (
        "normal_proba",
        "max_proba",
        "knn",
        "isolation",
        "normal_proba+knn",
    ),
    "HistGradientBoosting": ("normal_proba", "energy", "knn"),
}


def _measures(y_true, y_pred, flagged, seconds, attack):
    # every held-out attack type is novel to the model: "all" rows are the fold's
    scores = known_novel_scores(y_true, y_pred, attack, (), labels=CATEGORY_NAMES)
    normal = y_true == "normal"
    per_type = [np.mean(y_pred[attack == t] != "normal") for t in set(attack[~normal])]
    return {
        "attack_rows_flagged": scores["detection"]["attack_rows_flagged"],
        "attack_types_flagged": float(np.mean(per_type)),
        "normal_rows_flagged": scores["detection"]["normal_rows_flagged"],
        "flag_false_alarm_rate": (
            float(np.mean(flagged[normal])) if flagged is not None else float("nan")
        ),
        "accuracy": scores["all"]["accuracy"],
        "macro_f1": scores["all"]["macro_f1"],
        **seconds,
    }


def _timed(function, *args):
    tic = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - tic


def classifier_runs(X_train, y_train, X_test, y_test, attack, far, seed):
    runs = {}
    for base, scores in CANDIDATES.items():
        model = make_baselines(random_state=seed, n_jobs=2)[base]
        _, fit = _timed(model.fit, X_train, y_train)
        y_pred, score = _timed(model.predict, X_test)
        runs[base] = _measures(
            y_test, y_pred, None, {"fit_seconds": fit, "score_seconds": score}, attack
        )
        for score_name in scores:
            detector = OpenSetClassifier(
                make_baselines(random_state=seed, n_jobs=2)[base],
                novelty=score_name.split("+"),
                false_alarm_rate=far,
                policy="attack",
                random_state=seed,
            )
            _, fit = _timed(detector.fit, X_train, y_train)
            (y_pred, normal_score), score = _timed(detector.predict_with_scores, X_test)
            flagged = normal_score < detector.offset_
            runs[f"{base} + {score_name}"] = _measures(
                y_test,
                y_pred,
                flagged,
                {"fit_seconds": fit, "score_seconds": score},
                attack,
            )
            print(f"  {base} + {score_name}: {runs[f'{base} + {score_name}']}")
    return runs


def outlier_runs(X_train, y_train, X_test, y_test, attack, seed):
    pre = make_nsl_kdd_preprocessor().fit(X_train)
    normal_rows = pre.transform(X_train[y_train == "normal"])
    test_rows = pre.transform(X_test)
    runs = {}
    for name, detector in (
        ("IsolationForest", IsolationForest(random_state=seed, n_jobs=2)),
        ("LocalOutlierFactor", LocalOutlierFactor(novelty=True, n_jobs=2)),
    ):
        _, fit = _timed(detector.fit, normal_rows)
        outlier, score = _timed(detector.predict, test_rows)
        flagged = outlier == -1
        y_pred = np.where(flagged, "unknown", "normal")
        runs[name] = _measures(
            y_test,
            y_pred,
            flagged,
            {"fit_seconds": fit, "score_seconds": score},
            attack,
        )
        print(f"  {name}: {runs[name]}")
    return runs


def _mean(runs, candidate, key):
    return float(np.mean([fold[candidate][key] for fold in runs]))


def choose(runs, far):
    """The candidate flagging most of each held-out attack type (mean over types)
    among those whose flag keeps its false-alarm target within 1.5 times."""
    kept = [
        c
        for c in runs[0]
        if " + " in c and _mean(runs, c, "flag_false_alarm_rate") <= 1.5 * far
    ]
    return max(kept, key=lambda c: _mean(runs, c, "attack_types_flagged"))


def main():
    args = novelty_arguments(__doc__, NAME)
    runs = []
    for split in kddtrain_novel_attack_splits():
        runs.append(
            {
                **classifier_runs(*split, args.false_alarm_rate, args.random_state),
                **outlier_runs(*split, args.random_state),
            }
        )
    chosen = choose(runs, args.false_alarm_rate)
    report = Report(
        NAME,
        "Novelty scores on held-out attack types (KDDTrain+ folds)",
        "Each candidate is fitted on the training rows of the three "
        "``NovelAttackKFold`` folds of KDDTrain+ and scored on the held-out rows, "
        "whose attack types it never saw. ``OpenSetClassifier`` calibrates its flag "
        f"to {args.false_alarm_rate:.0%} of held-out normal rows by inner 3-fold "
        "cross-fitting; *flag FAR* is what that flag really gives on the outer "
        "fold's normal rows. ``IsolationForest`` and ``LocalOutlierFactor`` run on "
        "the preprocessed normal rows with their default contamination. Means over "
        "the folds; times are per fold.",
    )
    columns = (
        "candidate",
        "held-out attack rows flagged",
        "per attack type",
        "normal flagged",
        "flag FAR",
        "accuracy",
        "macro F1",
        "fit s",
        "score s",
    )
    rows = [
        [
            c,
            f"{_mean(runs, c, 'attack_rows_flagged'):.3f}",
            f"{_mean(runs, c, 'attack_types_flagged'):.3f}",
            f"{_mean(runs, c, 'normal_rows_flagged'):.3f}",
            f"{_mean(runs, c, 'flag_false_alarm_rate'):.3f}",
            f"{_mean(runs, c, 'accuracy'):.3f}",
            f"{_mean(runs, c, 'macro_f1'):.3f}",
            f"{_mean(runs, c, 'fit_seconds'):.1f}",
            f"{_mean(runs, c, 'score_seconds'):.1f}",
        ]
        for c in runs[0]
    ]
    report.table(
        "Held-out attack types: detection, false alarms, 5-class scores",
        columns,
        rows,
        note=f"Chosen default: {chosen} (the largest share of each held-out attack "
        "type flagged, averaged over types so that a few large types do not decide, "
        "among the candidates whose flag FAR stays within 1.5 x "
        f"{args.false_alarm_rate}).",
    )
    report.values = {
        "false_alarm_rate": args.false_alarm_rate,
        "folds": runs,
        "chosen": chosen,
    }
    report.write(args.out)


if __name__ == "__main__":
    main()
