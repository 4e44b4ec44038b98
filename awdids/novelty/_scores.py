"""Novelty scores of a fitted classifier: higher means less like known normal rows.

Each score is a small object with ``requires`` (the classifier method it
reads), ``fit(final, features_normal)`` (its state from the normal training
rows) and ``score(final, state, features)``. ``final`` is the classifier (a
pipeline's last step) and ``features`` the rows as it sees them (the output of
the steps before it), computed once by the caller for every score. The
classifier-based scores read the classifier's outputs; the distance and
isolation scores work on the features themselves.
"""

import numpy as np
from scipy.special import logsumexp
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

__all__ = ["SCORES"]


def _column(estimator, label):
    return list(estimator.classes_).index(label)


class _NormalProba:
    """``1 - P(normal)``: how strongly the classifier doubts a row is normal."""

    requires = "predict_proba"

    def fit(self, final, features_normal, *, normal_label, **_):
        return {"column": _column(final, normal_label)}

    def score(self, final, state, features):
        return 1.0 - final.predict_proba(features)[:, state["column"]]


class _MaxProba:
    """``1 - max P``: the classifier's doubt about any class (max-softmax)."""

    requires = "predict_proba"

    def fit(self, final, features_normal, **_):
        return {}

    def score(self, final, state, features):
        return 1.0 - final.predict_proba(features).max(axis=1)


class _Energy:
    """``-logsumexp(logits)``: the energy score on the classifier's raw outputs."""

    requires = "decision_function"

    def fit(self, final, features_normal, **_):
        return {}

    def score(self, final, state, features):
        logits = np.asarray(final.decision_function(features), dtype=np.float64)
        if logits.ndim == 1:  # binary: the log-odds of the second class
            logits = np.column_stack([np.zeros_like(logits), logits])
        return -logsumexp(logits, axis=1)


class _NearestNormal:
    """Mean distance to the ``n_neighbors`` nearest normal training rows.

    With ``reference_size``, to those of a seeded subsample of that many rows;
    after :meth:`OpenSetClassifier.calibrate`, to those and the capture's
    rows (``state["site"]``).
    """

    requires = None

    def fit(
        self, final, features_normal, *, n_neighbors, reference_size, random_state, **_
    ):
        reference = np.asarray(features_normal, dtype=np.float32)
        if reference_size is not None and len(reference) > reference_size:
            rng = np.random.default_rng(random_state)
            keep = np.sort(rng.choice(len(reference), reference_size, replace=False))
            reference = reference[keep]
        if len(reference) < n_neighbors:
            raise ValueError(
                f"n_neighbors={n_neighbors} exceeds the {len(reference)} normal "
                "training rows."
            )
        return {"reference": reference, "n_neighbors": n_neighbors}

    def score(self, final, state, features):
        features = np.asarray(features, dtype=np.float32)
        k = state["n_neighbors"]
        distances = _nearest(state["reference"], features, k)
        site = state.get("site")
        if site is not None and len(site):  # the site's capture, if calibrated
            # searched apart and merged, so that no call copies the reference
            both = np.hstack([distances, _nearest(site, features, min(k, len(site)))])
            distances = np.partition(both, k - 1, axis=1)[:, :k]
        return distances.mean(axis=1)


def _nearest(reference, features, k):
    """Distances from each row of ``features`` to its ``k`` nearest in ``reference``.

    Columns constant over ``reference`` add the same amount to a row's squared
    distance from every reference row, so the search runs on the other
    columns alone and that amount is added back: the same distances, with
    fewer products (one-hot features of normal traffic leave many columns
    constant).

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.novelty._scores import _nearest
    >>> reference = np.array([[0.0, 1.0], [3.0, 1.0], [4.0, 1.0]])
    >>> _nearest(reference, np.array([[0.0, 5.0]]), 2)
    array([[4., 5.]])
    """
    varying = np.ptp(reference, axis=0) > 0
    if varying.all() or not varying.any():
        return _search(reference, features, k)
    constant = reference[0, ~varying]
    shift = np.sum(np.square(features[:, ~varying] - constant, dtype=np.float64), 1)
    distances = _search(reference[:, varying], features[:, varying], k)
    return np.sqrt(np.square(distances, dtype=np.float64) + shift[:, None])


def _search(reference, features, k):
    search = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(reference)
    return search.kneighbors(features)[0]


class _Isolation:
    """``-score_samples`` of an IsolationForest fitted on the normal rows."""

    requires = None

    def fit(self, final, features_normal, *, random_state, **_):
        forest = IsolationForest(random_state=random_state)
        return {"forest": forest.fit(features_normal)}

    def score(self, final, state, features):
        return -state["forest"].score_samples(features)


#: Name -> score, as ``OpenSetClassifier(novelty=...)`` accepts them.
SCORES = {
    "normal_proba": _NormalProba(),
    "max_proba": _MaxProba(),
    "energy": _Energy(),
    "knn": _NearestNormal(),
    "isolation": _Isolation(),
}
