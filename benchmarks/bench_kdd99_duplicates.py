"""KDD Cup 99's duplicates: train on every row of the 10% file, or each record once?

The 10% file's 494,021 rows hold 145,586 distinct records. Both choices are
scored on the same ``NovelAttackKFold`` folds of the distinct records (attack
types held out whole, as the corrected set's new types are): a fold's
validation rows are distinct records, each once, and its training rows are
either the distinct records of the other folds or every row of the file whose
record is one of them (their duplicates included). ``corrected`` is never
read. Models: HistGradientBoosting and a random forest, the two fastest strong
baselines of the comparison; fit time, accuracy, macro F1 and the share of
held-out attack rows predicted as any attack.

Usage: ``python benchmarks/bench_kdd99_duplicates.py`` (needs the KDD Cup 99
files: ``AWDIDS_DATA``; about ten minutes on 2 cores).
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from _results import Report, default_out  # benchmarks/ is on sys.path
from sklearn.metrics import accuracy_score, f1_score

from awdids.datasets import fetch_flows, get_schema
from awdids.evaluation import make_baselines
from awdids.model_selection import NovelAttackKFold

NAME = "bench_kdd99_duplicates"
MODELS = ("HistGradientBoosting", "RandomForest")


def record_index(raw, schema):
    """Each raw row's distinct record (0-based, in order of first appearance)."""
    columns = [*schema.feature_names, schema.attack_column]
    codes = raw.frame[columns].groupby(columns, sort=False, dropna=False).ngroup()
    return codes.to_numpy()


def _scores(model, X, y, X_val, y_val, normal):
    tic = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - tic
    pred = model.predict(X_val)
    attack = y_val != normal
    return {
        "fit_seconds": seconds,
        "accuracy": float(accuracy_score(y_val, pred)),
        "macro_f1": float(f1_score(y_val, pred, average="macro", zero_division=0)),
        "held_out_attacks_detected": float(np.mean(pred[attack] != normal)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=default_out(NAME))
    args = parser.parse_args()

    schema = get_schema("kddcup99")
    raw = fetch_flows("kddcup99", "train")
    codes = record_index(raw, schema)
    first = np.unique(codes, return_index=True)[1]  # each record's first row
    distinct_X, distinct_y = raw.data.iloc[first], raw.target.to_numpy()[first]
    attack = schema.attack_types(raw.attack)[first]
    print(f"{len(codes):,} rows, {len(first):,} distinct records")
    fixed = schema.with_vocabulary(raw.data)
    results = {(m, c): [] for m in MODELS for c in ("all rows", "distinct")}
    cv = NovelAttackKFold(args.folds, normal_label=schema.normal_label)
    for fold, (train, val) in enumerate(cv.split(distinct_X, distinct_y, attack)):
        keep = np.isin(codes, train)  # every raw row of a training record
        sets = {
            "all rows": (
                raw.data.iloc[np.flatnonzero(keep)],
                raw.target.to_numpy()[keep],
            ),
            "distinct": (distinct_X.iloc[train], distinct_y[train]),
        }
        X_val, y_val = distinct_X.iloc[val], distinct_y[val]
        for choice, (X, y) in sets.items():
            models = make_baselines(schema=fixed, random_state=args.random_state)
            for name in MODELS:
                score = _scores(models[name], X, y, X_val, y_val, schema.normal_label)
                score["rows"] = len(y)
                results[(name, choice)].append(score)
                print(f"fold {fold} {name} on {choice} ({len(y):,} rows): {score}")

    report = Report(
        NAME,
        "KDD Cup 99: every row of the 10% file, or each distinct record once",
        __doc__.split("\n\n")[1].replace("\n", " "),
    )
    rows = []
    for (name, choice), folds in results.items():
        mean = {k: statistics.mean(f[k] for f in folds) for k in folds[0]}
        rows.append(
            [
                name,
                choice,
                f"{mean['rows']:,.0f}",
                f"{mean['fit_seconds']:.1f}",
                f"{mean['accuracy']:.4f}",
                f"{mean['macro_f1']:.4f}",
                f"{mean['held_out_attacks_detected']:.4f}",
            ]
        )
        report.values[f"{name} / {choice}"] = folds
    report.table(
        f"Mean over {args.folds} novel-attack folds of the distinct records",
        [
            "model",
            "training rows",
            "rows",
            "fit s",
            "accuracy",
            "macro F1",
            "held-out attacks detected",
        ],
        rows,
        note="Validation rows are distinct records whose attack types the "
        "training rows lack; the test file (corrected) is not read.",
    )
    report.write(args.out)


if __name__ == "__main__":
    main()
