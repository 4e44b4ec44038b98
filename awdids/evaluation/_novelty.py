"""Scores split by whether a row's attack type was seen in training."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

__all__ = [
    "attack_score",
    "known_novel_scores",
    "novel_detection_curve",
    "novel_type_mask",
]


def novel_type_mask(attack, seen_attacks, *, normal="normal"):
    """Which rows are of an attack type absent from ``seen_attacks``.

    Parameters
    ----------
    attack : array-like of shape (n_samples,)
        Each row's attack type (``normal`` for normal traffic).
    seen_attacks : iterable of str
        The attack types the model was trained on.
    normal : str, default="normal"
        The attack type of normal traffic, never novel.

    Returns
    -------
    novel : ndarray of bool of shape (n_samples,)

    Examples
    --------
    >>> from awdids.evaluation import novel_type_mask
    >>> novel_type_mask(["normal", "neptune", "apache2"], ["neptune"]).tolist()
    [False, False, True]
    """
    known = list(set(seen_attacks) | {normal})
    return ~np.isin(np.asarray(attack, dtype=object), known)


def _share(mask):
    return float(np.mean(mask)) if len(mask) else float("nan")


def _class_scores(y_true, y_pred, labels):
    if not len(y_true):
        return {"rows": 0, "accuracy": float("nan"), "macro_f1": float("nan")}
    return {
        "rows": int(len(y_true)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        ),
    }


def _detection(y_true, y_pred, normal):
    attack, flagged = y_true != normal, y_pred != normal
    return {
        "attack_rows_flagged": _share(flagged[attack]),
        "normal_rows_flagged": _share(flagged[~attack]),
    }


def known_novel_scores(
    y_true, y_pred, attack, seen_attacks, *, normal="normal", labels=None
):
    """Accuracy, macro F1 and detection rates over all, known and novel rows.

    A row is *novel* when its attack type is not among ``seen_attacks`` (the
    types of the training rows), as 17 of KDDTest+'s attack types are for
    KDDTrain+; normal rows and rows of a seen type are *known*.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted classes (``normal``, ``dos``, ...).
    attack : array-like of shape (n_samples,)
        Each row's attack type (``normal`` for normal traffic).
    seen_attacks : iterable of str
        The attack types the model was trained on.
    normal : str, default="normal"
        The class (and attack type) of normal traffic.
    labels : sequence, default=None
        The classes of the macro F1; by default those of ``y_true`` and
        ``y_pred``.

    Returns
    -------
    scores : dict
        ``all``, ``known`` and ``novel`` each map to ``rows``, ``accuracy``
        and ``macro_f1`` over those rows (NaN where there are none);
        ``detection`` maps ``attack_rows_flagged`` and ``normal_rows_flagged``
        (the shares of attack and normal rows predicted as any attack) and
        ``novel_attack_rows_flagged``.

    Raises
    ------
    ValueError
        When the arrays differ in length.

    Examples
    --------
    >>> from awdids.evaluation import known_novel_scores
    >>> y_true = ["normal", "dos", "dos", "r2l"]
    >>> y_pred = ["normal", "dos", "normal", "r2l"]
    >>> attack = ["normal", "neptune", "apache2", "guess_passwd"]
    >>> s = known_novel_scores(y_true, y_pred, attack, ["neptune", "guess_passwd"])
    >>> s["known"]["accuracy"], s["novel"]["rows"], s["novel"]["accuracy"]
    (1.0, 1, 0.0)
    >>> s["detection"]["novel_attack_rows_flagged"]
    0.0
    """
    y_true, y_pred, attack = (
        np.asarray(a, dtype=object) for a in (y_true, y_pred, attack)
    )
    if not len(y_true) == len(y_pred) == len(attack):
        raise ValueError(
            f"y_true, y_pred and attack differ in length: {len(y_true)}, "
            f"{len(y_pred)} and {len(attack)}."
        )
    if labels is None:
        labels = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    novel = novel_type_mask(attack, seen_attacks, normal=normal)
    scores = {
        "all": _class_scores(y_true, y_pred, labels),
        "known": _class_scores(y_true[~novel], y_pred[~novel], labels),
        "novel": _class_scores(y_true[novel], y_pred[novel], labels),
        "detection": _detection(y_true, y_pred, normal),
    }
    novel_attacks = novel & (y_true != normal)
    scores["detection"]["novel_attack_rows_flagged"] = _share(
        y_pred[novel_attacks] != normal
    )
    return scores


def attack_score(estimator, X, *, normal="normal"):
    """How strongly a fitted classifier calls each row an attack.

    ``1 - P(normal)`` with ``predict_proba``; else minus the normal column
    of ``decision_function`` (a binary ``decision_function`` counts for the
    second class). :class:`~awdids.novelty.OpenSetClassifier` gives
    ``1 - score_samples`` (its novelty).

    Parameters
    ----------
    estimator : fitted classifier or pipeline
    X : array-like of shape (n_samples, n_features)
    normal : str, default="normal"
        The class of normal traffic.

    Returns
    -------
    score : ndarray of shape (n_samples,)
        Higher means more like an attack.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from awdids.evaluation import attack_score
    >>> y = ["normal", "normal", "dos", "dos"]
    >>> clf = LogisticRegression().fit([[0], [1], [5], [6]], y)
    >>> bool(attack_score(clf, [[6]])[0] > attack_score(clf, [[0]])[0])
    True
    """
    if hasattr(estimator, "offset_") and hasattr(estimator, "score_samples"):
        return 1.0 - estimator.score_samples(X)
    classes = list(estimator.classes_)
    if normal not in classes:
        raise ValueError(f"normal={normal!r} is not a class of the estimator.")
    if hasattr(estimator, "predict_proba"):
        return 1.0 - estimator.predict_proba(X)[:, classes.index(normal)]
    if hasattr(estimator, "decision_function"):
        decision = np.asarray(estimator.decision_function(X))
        if decision.ndim == 1:
            return decision if classes.index(normal) == 0 else -decision
        return -decision[:, classes.index(normal)]
    raise TypeError(
        f"{type(estimator).__name__} has neither predict_proba nor decision_function."
    )


def novel_detection_curve(score, y_true, attack, seen_attacks, *, normal="normal"):
    """Novel-type attack rows flagged against normal rows flagged, per threshold.

    Parameters
    ----------
    score : array-like of shape (n_samples,)
        Higher means more like an attack (:func:`attack_score`).
    y_true, attack : array-like of shape (n_samples,)
        Each row's class and attack type.
    seen_attacks : iterable of str
        The attack types the model was trained on.
    normal : str, default="normal"

    Returns
    -------
    normal_flagged, novel_flagged : ndarray
        For each threshold from the highest score down, the share of normal
        rows and of novel-type attack rows scoring at or above it (an ROC
        curve of novel attacks against normal traffic).

    Examples
    --------
    >>> from awdids.evaluation import novel_detection_curve
    >>> far, tpr = novel_detection_curve(
    ...     [0.9, 0.1, 0.8, 0.2], ["dos", "normal", "dos", "normal"],
    ...     ["apache2", "normal", "apache2", "normal"], ["neptune"])
    >>> far.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 1.0, 1.0])
    """
    from sklearn.metrics import roc_curve

    score, y_true, attack = (np.asarray(a) for a in (score, y_true, attack))
    novel_attack = novel_type_mask(attack, seen_attacks, normal=normal) & (
        y_true != normal
    )
    is_normal = y_true == normal
    rows = novel_attack | is_normal
    if not novel_attack.any() or not is_normal.any():
        raise ValueError("The curve needs both normal rows and novel-type attack rows.")
    far, tpr, _ = roc_curve(novel_attack[rows], score[rows], drop_intermediate=True)
    return far, tpr
