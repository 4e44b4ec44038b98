"""Scores reported for every model: accuracy, averaged and per-class P/R/F1."""

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

__all__ = ["classification_scores"]


def classification_scores(y_true, y_pred, *, labels=None):
    """Accuracy, macro and weighted precision/recall/F1, and per-class figures.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : sequence, default=None
        The classes to report, in order; by default the sorted union of both.

    Returns
    -------
    scores : dict
        ``accuracy``; ``{macro,weighted}_{precision,recall,f1}``; and
        ``per_class`` mapping each label to its ``precision``, ``recall``,
        ``f1`` and ``support``. Every value is a plain float or int, so the
        dict serialises to JSON.

    Examples
    --------
    >>> from awdids.evaluation import classification_scores
    >>> s = classification_scores(["a", "b", "b"], ["a", "b", "a"])
    >>> round(s["accuracy"], 3), s["per_class"]["b"]["recall"]
    (0.667, 0.5)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = list(labels)
    scores = {"accuracy": float(accuracy_score(y_true, y_pred))}
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, zero_division=0
        )
        scores.update(
            {
                f"{average}_precision": float(p),
                f"{average}_recall": float(r),
                f"{average}_f1": float(f),
            }
        )
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=None, zero_division=0
    )
    scores["per_class"] = {
        str(label): {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }
    return scores
