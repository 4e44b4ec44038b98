"""Cross-validation that holds out whole attack types, as KDDTest+ does."""

import numbers

import numpy as np
from sklearn.model_selection import BaseCrossValidator, KFold
from sklearn.model_selection._split import GroupsConsumerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import column_or_1d

__all__ = ["NovelAttackKFold"]


# GroupsConsumerMixin: with metadata routing on, groups reach split() by default.
class NovelAttackKFold(GroupsConsumerMixin, BaseCrossValidator):
    """K-fold cross-validation where each fold tests on unseen attack types.

    KDDTest+ holds attack types absent from KDDTrain+ (163 of its 200 U2R rows,
    for one), so a random validation split of KDDTrain+, on which every model
    scores above 99%, says little about the test score. This splitter keeps
    the shift: the attack types of each category are dealt round-robin to the
    folds (sorted by name, or shuffled), and a fold's test rows are all rows
    of its attack types plus one ``n_splits``-th of the normal rows. Each
    attack type is tested once, never seen by the model that is scored on it.

    A category with fewer attack types than ``n_splits`` is absent from the
    test rows of some folds (and fully present in their training rows).

    Parameters
    ----------
    n_splits : int, default=3
        Number of folds, at least 2.
    normal_label : str or int, default="normal"
        The class of benign rows; they are split by ``KFold``.
    shuffle : bool, default=False
        Shuffle the attack types before dealing and the normal rows before
        splitting them.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling; with ``shuffle=False`` it must be None, as in
        scikit-learn's ``KFold``.

    Examples
    --------
    >>> import numpy as np
    >>> from awdids.model_selection import NovelAttackKFold
    >>> y = np.array(["normal"] * 4 + ["dos"] * 4)
    >>> attack = np.array(["normal"] * 4 + ["back", "back", "smurf", "teardrop"])
    >>> cv = NovelAttackKFold(n_splits=2)
    >>> for train, test in cv.split(y, y, groups=attack):
    ...     print(np.unique(attack[test]).tolist(), np.unique(attack[train]).tolist())
    ['back', 'normal', 'teardrop'] ['normal', 'smurf']
    ['normal', 'smurf'] ['back', 'normal', 'teardrop']
    """

    @validate_params(
        {
            "n_splits": [Interval(numbers.Integral, 2, None, closed="left")],
            "normal_label": [str, numbers.Integral],
            "shuffle": ["boolean"],
            "random_state": ["random_state"],
        },
        prefer_skip_nested_validation=True,
    )
    def __init__(
        self, n_splits=3, *, normal_label="normal", shuffle=False, random_state=None
    ):
        if not shuffle and random_state is not None:
            raise ValueError(
                f"random_state={random_state!r} has no effect with shuffle=False; "
                "set shuffle=True or leave random_state=None."
            )
        self.n_splits = n_splits
        self.normal_label = normal_label
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds (``n_splits``).

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def split(self, X, y, groups):
        """Train and test row indices of each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The rows (only their number is used).
        y : array-like of shape (n_samples,)
            Categories (``normal``, ``dos``, ...).
        groups : array-like of shape (n_samples,)
            Attack name of each row (``fetch_nsl_kdd(...).attack``).

        Yields
        ------
        train, test : ndarray of int
        """
        return super().split(X, y, groups)

    def _iter_test_masks(self, X, y, groups):
        y, attack = self._check_targets(X, y, groups)
        rng = check_random_state(self.random_state) if self.shuffle else None
        fold_of_row = np.full(len(y), -1)
        for category in sorted(set(y) - {self.normal_label}):
            types = np.unique(attack[y == category])
            if rng is not None:
                types = rng.permutation(types)
            for position, name in enumerate(types):
                fold_of_row[attack == name] = position % self.n_splits
        normal = np.flatnonzero(y == self.normal_label)
        if len(normal) < self.n_splits:
            raise ValueError(
                f"n_splits={self.n_splits} needs at least as many "
                f"{self.normal_label!r} rows, got {len(normal)}."
            )
        kfold = KFold(self.n_splits, shuffle=self.shuffle, random_state=rng)
        for fold, (_, test) in enumerate(kfold.split(normal)):
            fold_of_row[normal[test]] = fold
        for fold in range(self.n_splits):
            yield fold_of_row == fold

    def _check_targets(self, X, y, groups):
        if y is None or groups is None:
            raise ValueError(
                "NovelAttackKFold needs y (the category of each row) and groups "
                "(its attack name, e.g. fetch_nsl_kdd(...).attack)."
            )
        y = column_or_1d(y).astype(object)
        attack = column_or_1d(groups).astype(object)
        pairs = np.unique(np.stack([attack, y]).astype(str), axis=1)
        names, counts = np.unique(pairs[0], return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                "groups must name attack types that each belong to one category; "
                f"{names[counts > 1].tolist()} appear under several."
            )
        return y, attack
