"""Scores split by whether a row's attack type was seen in training."""

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

__all__ = ["known_novel_scores"]


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
    seen = set(seen_attacks) | {normal}
    novel = ~np.isin(attack, list(seen))
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
