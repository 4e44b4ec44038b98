"""Novelty scores of a fitted classifier: higher means less like known normal rows.

Each score is a small object with ``requires`` (the classifier method it
reads), ``fit(estimator, X_normal)`` (its state from the normal training rows)
and ``score(estimator, state, X)``. The classifier-based scores read the
classifier's own outputs; the distance and isolation scores work in the
classifier's feature space, the output of a pipeline's steps before its last.
"""

import numpy as np
from scipy.special import logsumexp
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

__all__ = ["SCORES", "feature_space"]


def feature_space(estimator, X):
    """``X`` as the final step of ``estimator`` sees it (``X`` if not a pipeline).

    Samplers are skipped, as a fitted imbalanced-learn pipeline skips them
    when it predicts.
    """
    steps = getattr(estimator, "steps", None)
    if not steps or len(steps) < 2:
        return X
    return estimator[:-1].transform(X)


def _column(estimator, label):
    return list(estimator.classes_).index(label)


class _NormalProba:
    """``1 - P(normal)``: how strongly the classifier doubts a row is normal."""

    requires = "predict_proba"

    def fit(self, estimator, X_normal, *, normal_label, **_):
        return {"column": _column(estimator, normal_label)}

    def score(self, estimator, state, X):
        return 1.0 - estimator.predict_proba(X)[:, state["column"]]


class _MaxProba:
    """``1 - max P``: the classifier's doubt about any class (max-softmax)."""

    requires = "predict_proba"

    def fit(self, estimator, X_normal, **_):
        return {}

    def score(self, estimator, state, X):
        return 1.0 - estimator.predict_proba(X).max(axis=1)


class _Energy:
    """``-logsumexp(logits)``: the energy score on the classifier's raw outputs."""

    requires = "decision_function"

    def fit(self, estimator, X_normal, **_):
        return {}

    def score(self, estimator, state, X):
        logits = np.asarray(estimator.decision_function(X), dtype=np.float64)
        if logits.ndim == 1:  # binary: the log-odds of the second class
            logits = np.column_stack([np.zeros_like(logits), logits])
        return -logsumexp(logits, axis=1)


class _NearestNormal:
    """Mean distance to the ``n_neighbors`` nearest normal training rows."""

    requires = None

    def fit(self, estimator, X_normal, *, n_neighbors, **_):
        reference = np.asarray(feature_space(estimator, X_normal), dtype=np.float32)
        if len(reference) < n_neighbors:
            raise ValueError(
                f"n_neighbors={n_neighbors} exceeds the {len(reference)} normal "
                "training rows."
            )
        return {"reference": reference, "n_neighbors": n_neighbors}

    def score(self, estimator, state, X):
        features = np.asarray(feature_space(estimator, X), dtype=np.float32)
        search = NearestNeighbors(n_neighbors=state["n_neighbors"], algorithm="brute")
        distances, _ = search.fit(state["reference"]).kneighbors(features)
        return distances.mean(axis=1)


class _Isolation:
    """``-score_samples`` of an IsolationForest fitted on the normal rows."""

    requires = None

    def fit(self, estimator, X_normal, *, random_state, **_):
        features = feature_space(estimator, X_normal)
        return {"forest": IsolationForest(random_state=random_state).fit(features)}

    def score(self, estimator, state, X):
        return -state["forest"].score_samples(feature_space(estimator, X))


#: Name -> score, as ``OpenSetClassifier(novelty=...)`` accepts them.
SCORES = {
    "normal_proba": _NormalProba(),
    "max_proba": _MaxProba(),
    "energy": _Energy(),
    "knn": _NearestNormal(),
    "isolation": _Isolation(),
}
