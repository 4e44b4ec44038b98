"""Zero-day rows where the test set has none: each attack category held out.

UNSW-NB15's partitions share every attack category, so no test row is of a
type the training rows lack. :func:`held_out_category_stage` makes such rows:
for each attack category in turn, the novelty-flag model of the comparison is
trained on the training rows without that category and scored on the test
rows of normal traffic and of that category, which it has never seen.
"""

import numpy as np

from .. import __version__
from .._io import write_json_atomic

__all__ = ["held_out_category_stage"]


def _score_one(model, data, category, normal):
    y_train, y_test = np.asarray(data["y_train"]), np.asarray(data["y_test"])
    train = y_train != category
    test = np.isin(y_test, [category, normal])
    model.fit(_rows(data["X_train"], train), y_train[train])
    X_test, y_true = _rows(data["X_test"], test), y_test[test]
    y_pred, normal_score = model.predict_with_scores(X_test)
    unseen, benign = y_true == category, y_true == normal
    flagged = normal_score < model.offset_
    return {
        "train_rows": int(train.sum()),
        "test_rows": int(unseen.sum()),
        "detected": float(np.mean(y_pred[unseen] != normal)),
        "flagged": float(np.mean(flagged[unseen])),
        "normal_flagged": float(np.mean(flagged[benign])),
        "normal_called_attack": float(np.mean(y_pred[benign] != normal)),
    }


def _rows(X, mask):
    return X.iloc[np.flatnonzero(mask)] if hasattr(X, "iloc") else np.asarray(X)[mask]


def held_out_category_stage(
    data, make_model, stages, *, categories=None, resume=False, log=print
):
    """Per attack category: how much of it a model trained without it detects.

    Parameters
    ----------
    data : dict
        The protocol's rows (``X_train``, ``y_train``, ``X_test``, ``y_test``,
        ``schema``).
    make_model : callable
        Returns a fresh, unfitted :class:`~awdids.novelty.OpenSetClassifier`
        (``policy="attack"``).
    stages : pathlib.Path
        Folder of the kept records (``held-out-categories.json``).
    categories : list of str, default=None
        The categories to hold out; None holds out every attack category.

    Returns
    -------
    result : dict
        ``target`` (the flag's false-alarm rate) and ``categories``: category
        -> rows, ``detected`` (share of its rows predicted as any attack, flag
        included), ``flagged`` (share whose normal score is below the flag's
        threshold) and the share of normal test rows flagged.
    """
    from ._reproduce import _load_stage

    schema = data["schema"]
    normal = schema.normal_label
    if categories is None:
        categories = [c for c in schema.class_names if c != normal]
    key = {
        "awdids": __version__,
        "stage": "held-out",
        "rows": len(data["y_train"]),
        "categories": list(categories),
    }
    path = stages / "held-out-categories.json"
    fields = ("key", "target", "categories")
    if resume and (record := _load_stage(path, key, fields)) is not None:
        return {k: record[k] for k in ("target", "categories")}
    results, target = {}, None
    for category in categories:
        if not np.any(np.asarray(data["y_test"]) == category):
            continue
        model = make_model()
        target = model.false_alarm_rate
        log(f"held out {category}: fitting {type(model.estimator).__name__} ...")
        results[category] = _score_one(model, data, category, normal)
    record = {"key": key, "target": target, "categories": results}
    write_json_atomic(path, record)
    return {"target": target, "categories": results}
