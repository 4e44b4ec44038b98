"""What the novelty benchmarks share: their options, and the KDDTrain+ folds."""

import argparse
from pathlib import Path

import numpy as np
from _results import default_out

from awdids.datasets import fetch_nsl_kdd
from awdids.model_selection import NovelAttackKFold


def kddtrain_novel_attack_splits(n_splits=3):
    """Yield ``(X_train, y_train, X_test, y_test, attack_test)`` for each fold.

    Each fold's test rows hold attack types its training rows never show, plus
    one ``n_splits``-th of the normal rows; KDDTest+ is never read.
    """
    data = fetch_nsl_kdd("train")
    X, y, attack = data.data, data.target.to_numpy(), np.asarray(data.attack)
    cv = NovelAttackKFold(n_splits)
    for fold, (train, test) in enumerate(cv.split(X, y, attack)):
        print(f"fold {fold}: {len(train)} training rows, {len(test)} held out")
        yield X.iloc[train], y[train], X.iloc[test], y[test], attack[test]


def novelty_arguments(doc, name):
    """The options of a novelty benchmark: the flag's rate, the seed, ``--out``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--false-alarm-rate", type=float, default=0.01)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=default_out(name))
    return parser.parse_args()
