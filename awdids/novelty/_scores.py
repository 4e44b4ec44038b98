"""Novelty scores of a fitted classifier: higher means less like known normal rows.

Each score is a small object with ``requires`` (the classifier method it
reads), ``fit(final, features_normal)`` (its state from the normal training
rows) and ``score(final, state, features)``. ``final`` is the classifier (a
pipeline's last step) and ``features`` the rows as it sees them (the output of
the steps before it), computed once by the caller for every score. The
classifier-based scores read the classifier's outputs; the distance and
isolation scores work on the features themselves.
"""

from typing import NamedTuple

import numpy as np
from scipy.special import logsumexp
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors

__all__ = ["SCORES", "knn_state"]


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
        return knn_state(reference, n_neighbors)

    def score(self, final, state, features):
        features = np.asarray(features, dtype=np.float32)
        k = state["n_neighbors"]
        distances = _nearest(state["search"], features, k)
        site = state.get("site")
        if site is not None and len(site):  # the site's capture, if calibrated
            # searched apart and merged, so that no call copies the reference
            nearest_site = _nearest(_search_columns(site), features, min(k, len(site)))
            both = np.hstack([distances, nearest_site])
            distances = np.partition(both, k - 1, axis=1)[:, :k]
        return distances.mean(axis=1)


def knn_state(reference, n_neighbors):
    """The ``"knn"`` score's state: a normal reference, with its search prepared.

    ``search`` (:func:`_search_columns`) is derived here once, not at every
    scoring; a model file stores ``reference`` alone and rebuilds the state
    with this function.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.novelty._scores import knn_state
    >>> state = knn_state(np.array([[0.0, 1.0], [3.0, 1.0]]), n_neighbors=1)
    >>> state["reference"].dtype, state["search"].varying.tolist()
    (dtype('float32'), [True, False])
    """
    reference = np.asarray(reference, dtype=np.float32)
    return {
        "reference": reference,
        "n_neighbors": n_neighbors,
        "search": _search_columns(reference),
    }


class _Search(NamedTuple):
    """A reference as :func:`_nearest` searches it."""

    varying: np.ndarray  # columns that vary over the reference
    constant: np.ndarray  # the other columns' values, shared by every row
    rows: np.ndarray  # the reference on the varying columns


def _search_columns(reference):
    """``reference`` split into the columns that vary over it and the others.

    Columns constant over the reference add the same amount to a row's
    squared distance from every reference row, so a search need not multiply
    them (one-hot features of normal traffic leave many columns constant).
    """
    varying = np.ptp(reference, axis=0) > 0
    if varying.all() or not varying.any():  # nothing to leave out, or no search
        return _Search(np.ones(reference.shape[1], bool), reference[0, :0], reference)
    return _Search(varying, reference[0, ~varying], reference[:, varying])


def _nearest(search, features, k):
    """Distances from each row of ``features`` to its ``k`` nearest reference rows.

    The search runs on the reference's varying columns, and the constant
    columns' share of each squared distance is added back: the same
    distances, with fewer products.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.novelty._scores import _nearest, _search_columns
    >>> reference = np.array([[0.0, 1.0], [3.0, 1.0], [4.0, 1.0]])
    >>> _nearest(_search_columns(reference), np.array([[0.0, 5.0]]), 2)
    array([[4., 5.]])
    """
    if search.varying.all():
        return _search(search.rows, features, k)
    shift = np.sum(
        np.square(features[:, ~search.varying] - search.constant, dtype=np.float64), 1
    )
    distances = _search(search.rows, features[:, search.varying], k)
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
