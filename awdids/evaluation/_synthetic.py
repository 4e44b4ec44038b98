"""Measures of how close synthetic rows are to the real rows of a class."""

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

__all__ = ["mode_coverage", "moment_rmse", "synthetic_quality"]


def moment_rmse(X_real, X_synthetic):
    """RMSE between per-feature means and standard deviations of two samples.

    ``sqrt(mean((mu_r - mu_s)^2 ++ (sd_r - sd_s)^2))`` over all features: the
    fit error the paper's Fig 7 plots (our definition; the paper gives none).

    Parameters
    ----------
    X_real, X_synthetic : array-like of shape (n_rows, n_features)
        The two samples (row counts may differ).

    Returns
    -------
    rmse : float

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.evaluation import moment_rmse
    >>> moment_rmse(np.array([[0.0], [2.0]]), np.array([[0.0], [2.0]]))
    0.0
    """
    X_real, X_synthetic = np.asarray(X_real, float), np.asarray(X_synthetic, float)
    gaps = np.concatenate(
        [
            X_real.mean(0) - X_synthetic.mean(0),
            X_real.std(0) - X_synthetic.std(0),
        ]
    )
    return float(np.sqrt(np.mean(gaps**2)))


def mode_coverage(X_real, real_modes, X_synthetic):
    """How well synthetic rows cover the modes of the real rows.

    Each synthetic row takes the mode of its nearest real row (Euclidean);
    the real and synthetic shares of every mode are then compared. The modes
    are any labelling of the real rows the generator may never have seen, such
    as NSL-KDD's attack types within R2L.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        The class's real rows.
    real_modes : array-like of shape (n_real,)
        Mode of each real row.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Rows generated for the class.

    Returns
    -------
    coverage : dict
        - ``modes_covered``: share of the real modes that receive at least
          half their real share of the synthetic rows;
        - ``mode_share_distance``: total variation distance between the real
          and the synthetic mode shares (0: the same proportions; 1: disjoint);
        - ``mode_shares``: mode -> ``(real share, synthetic share)``.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.evaluation import mode_coverage
    >>> real = np.array([[0.0], [0.1], [5.0], [5.1]])
    >>> modes = np.array(["a", "a", "b", "b"])
    >>> c = mode_coverage(real, modes, np.array([[0.05], [0.02], [0.01]]))
    >>> c["modes_covered"], c["mode_share_distance"]
    (0.5, 0.5)
    """
    X_real, X_synthetic = np.asarray(X_real, float), np.asarray(X_synthetic, float)
    real_modes = np.asarray(real_modes)
    if len(real_modes) != len(X_real):
        raise ValueError(
            f"real_modes has {len(real_modes)} entries for {len(X_real)} real rows."
        )
    labels, codes = np.unique(real_modes, return_inverse=True)
    nearest = NearestNeighbors(n_neighbors=1).fit(X_real)
    index = nearest.kneighbors(X_synthetic, return_distance=False)[:, 0]
    real_share = np.bincount(codes, minlength=len(labels)) / len(codes)
    synthetic_share = np.bincount(codes[index], minlength=len(labels)) / len(index)
    return {
        "modes_covered": float(np.mean(synthetic_share >= real_share / 2)),
        "mode_share_distance": float(np.abs(real_share - synthetic_share).sum() / 2),
        "mode_shares": {
            str(m): (float(r), float(s))
            for m, r, s in zip(labels, real_share, synthetic_share)
        },
    }


def _row_keys(X):
    X = np.ascontiguousarray(X, dtype=np.float64)
    return X.view(np.dtype((np.void, X.dtype.itemsize * X.shape[1]))).ravel()


def _invalid_one_hot_share(X, groups):
    """Share of rows where some one-hot group is not exactly one 1 and 0s."""
    invalid = np.zeros(len(X), dtype=bool)
    for columns in groups:
        block = X[:, list(columns)]
        binary = np.all((block == 0) | (block == 1), axis=1)
        invalid |= ~(binary & (block.sum(axis=1) == 1))
    return float(invalid.mean())


def _unseen_category_share(X_real, X_synthetic, groups):
    """Share of synthetic rows with a 1 in a one-hot column no real row has."""
    if not len(groups):
        return 0.0
    columns = np.concatenate([np.asarray(g, dtype=np.intp) for g in groups])
    unseen = columns[~np.any(X_real[:, columns] == 1, axis=0)]
    return float(np.any(X_synthetic[:, unseen] != 0, axis=1).mean())


def synthetic_quality(
    X_real, X_synthetic, *, n_folds=5, one_hot_groups=None, random_state=0
):
    """Judge synthetic rows of one class against the real rows of that class.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_features)
        The class's real (training) rows.
    X_synthetic : array-like of shape (n_synthetic, n_features)
        Rows generated for the class.
    n_folds : int, default=5
        Folds of the two-sample tests.
    one_hot_groups : list of sequences of int, default=None
        Column indices of each one-hot block (for the NSL-KDD features,
        :func:`~awdids.preprocessing.nsl_kdd_one_hot_groups`); when given,
        ``invalid_one_hot_share`` and ``unseen_category_share`` are reported.
    random_state : int, default=0
        Seed of the subsample and the judges.

    Returns
    -------
    quality : dict
        - ``two_sample_auc``: cross-validated ROC AUC of a random forest told
          to separate real rows from as many synthetic rows (0.5: it cannot;
          1.0: it always can);
        - ``two_sample_auc_logistic``: the same with a logistic regression on
          standardised columns, a judge of another family (as SDMetrics
          uses), so that no generator is tuned to one judge;
        - ``out_of_range_share``: share of synthetic rows with a value outside
          the real rows' range in some column;
        - ``invalid_one_hot_share`` (with ``one_hot_groups``): share of
          synthetic rows whose one-hot blocks are not exactly one 1;
        - ``unseen_category_share`` (with ``one_hot_groups``): share of
          synthetic rows with a category (one-hot column) that no real row of
          the class shows;
        - ``exact_copy_share``: share of synthetic rows identical to a real row;
        - ``distinct_share``: distinct synthetic rows / synthetic rows (low
          values reveal mode collapse);
        - ``moment_rmse``: :func:`moment_rmse`.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.evaluation import synthetic_quality
    >>> rng = np.random.RandomState(0)
    >>> q = synthetic_quality(rng.rand(100, 3), rng.rand(100, 3))
    >>> q["two_sample_auc"] < 0.7, q["exact_copy_share"], q["distinct_share"]
    (True, 0.0, 1.0)
    >>> q["two_sample_auc_logistic"] < 0.7
    True
    """
    X_real, X_synthetic = np.asarray(X_real, float), np.asarray(X_synthetic, float)
    rng = check_random_state(random_state)
    n = min(len(X_real), len(X_synthetic))
    synthetic_subset = X_synthetic[rng.choice(len(X_synthetic), n, replace=False)]
    real_subset = X_real[rng.choice(len(X_real), n, replace=False)]
    X_pair = np.concatenate([real_subset, synthetic_subset])
    y_pair = np.r_[np.zeros(n), np.ones(n)]
    folds = StratifiedKFold(min(n_folds, n), shuffle=True, random_state=random_state)
    judges = {
        "two_sample_auc": RandomForestClassifier(
            n_estimators=100, random_state=random_state
        ),
        "two_sample_auc_logistic": make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000)
        ),
    }
    aucs = {
        name: float(
            cross_val_score(judge, X_pair, y_pair, cv=folds, scoring="roc_auc").mean()
        )
        for name, judge in judges.items()
    }
    real_keys, synthetic_keys = _row_keys(X_real), _row_keys(X_synthetic)
    low, high = X_real.min(axis=0), X_real.max(axis=0)
    outside = np.any((X_synthetic < low) | (X_synthetic > high), axis=1)
    quality = {
        **aucs,
        "exact_copy_share": float(np.isin(synthetic_keys, real_keys).mean()),
        "distinct_share": float(len(np.unique(synthetic_keys)) / len(synthetic_keys)),
        "moment_rmse": moment_rmse(X_real, X_synthetic),
        "out_of_range_share": float(outside.mean()),
    }
    if one_hot_groups is not None:
        quality["invalid_one_hot_share"] = _invalid_one_hot_share(
            X_synthetic, one_hot_groups
        )
        quality["unseen_category_share"] = _unseen_category_share(
            X_real, X_synthetic, one_hot_groups
        )
    return quality
