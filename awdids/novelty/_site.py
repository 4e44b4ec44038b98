"""Calibrating a fitted flag on a capture of the protected site's normal traffic.

The threshold an :class:`~awdids.novelty.OpenSetClassifier` sets on its
training rows keeps its false-alarm promise only on normal traffic like
them. A site's own traffic differs, so its normal rows are flagged far more
often (the results page measures how much on KDDTest+). These
functions cross-fit the flag on a short capture of that traffic instead: the
capture is split into folds, each fold is scored with the other folds added to
every score's reference of normal traffic, and the threshold is the conformal
quantile of those held-out scores. The classifier is not refitted.
"""

import numbers

import numpy as np
from sklearn.model_selection import KFold
from sklearn.utils import _safe_indexing

__all__ = [
    "TRIMS",
    "check_site_cv",
    "cross_fit_site",
    "refuse_refitted_scores",
    "site_states",
]

#: What :meth:`OpenSetClassifier.calibrate` may drop from a capture before
#: calibrating: nothing, or the rows its classifier calls an attack.
TRIMS = (None, "attack")

#: Scores that learn from normal rows through a fitted model, which a capture
#: cannot extend without refitting it.
_REFITTED_SCORES = ("isolation",)


def check_site_cv(cv, n_rows):
    """``cv`` as a fold count for ``n_rows`` capture rows, or a ``ValueError``."""
    if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
        raise ValueError(f"cv must be an int of at least 2, got {cv!r}.")
    if n_rows < cv:
        raise ValueError(
            f"cv={cv} folds need at least {cv} capture rows; got {n_rows}."
        )
    return int(cv)


def refuse_refitted_scores(names):
    """Refuse scores that a capture cannot extend without refitting them."""
    refused = [name for name in names if name in _REFITTED_SCORES]
    if refused:
        raise ValueError(
            f"calibrate cannot extend the {refused} score: it keeps a model "
            "fitted on the training rows (an isolation forest), which would have "
            "to be refitted. Use the 'knn', 'normal_proba', 'max_proba' or "
            "'energy' scores."
        )


def site_states(states, site_features):
    """``states`` with ``site_features`` added to each score's normal reference.

    Only the ``"knn"`` score keeps normal rows; the classifier-based scores
    read the classifier alone, so their state is unchanged. The training
    reference is kept apart (``"reference"``), so that a new capture replaces
    the old one instead of piling onto it.
    """
    extended = dict(states)
    if "knn" in states:
        extended["knn"] = {
            **states["knn"],
            "site": np.asarray(site_features, dtype=np.float32),
        }
    return extended


def cross_fit_site(score, states, features, cv, random_state):
    """Each capture row's raw scores, with the other folds as site reference.

    Parameters
    ----------
    score : callable
        ``score(states, features) -> {name: raw scores}``.
    states : dict
        The scores' states from the training rows.
    features : ndarray of shape (n_rows, n_features)
        The capture, as the classifier sees it.
    cv : int
        Folds (shuffled: a capture is in time order, and its folds should
        each span all of it).
    random_state : int
        Seed of the shuffle.

    Returns
    -------
    folds : list of dict
        Per fold, ``name -> raw scores`` of its held-out rows.
    """
    splitter = KFold(cv, shuffle=True, random_state=random_state)
    return [
        score(
            site_states(states, _safe_indexing(features, train)),
            _safe_indexing(features, test),
        )
        for train, test in splitter.split(features)
    ]
