"""Whether every training fold holds enough rows of each over-sampled class."""

import collections

import numpy as np
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid

from .._validation import is_int
from ..over_sampling import GPGANSampler

__all__ = ["check_fold_class_counts", "describe_shortfall", "fold_class_shortfalls"]

#: One shortfall: where (``"fold 2 of 3"`` or ``"all rows"``), the sampler's
#: step, the class, the rows it has there and the rows the sampler needs.
Shortfall = collections.namedtuple("Shortfall", "where step label n_rows minimum")


def _plain(label):
    """A numpy scalar label as the Python value its messages quote."""
    return label.item() if isinstance(label, np.generic) else label


def _minimum_rows(sampler):
    """Rows of a class ``sampler`` needs to over-sample it, or None if unknown."""
    if isinstance(sampler, GPGANSampler):
        return 2  # one row has no spread to learn
    k_neighbors = getattr(sampler, "k_neighbors", None)  # SMOTE and its kin
    return k_neighbors + 1 if is_int(k_neighbors) else None


def _samplers(pipeline, param_grid):
    """``(step, sampler, minimum)`` of each distinct sampler any candidate fits."""
    candidates = ParameterGrid(param_grid) if param_grid else [{}]
    seen = {}
    for params in candidates:
        candidate = clone(pipeline).set_params(**params) if params else pipeline
        for name, step in getattr(candidate, "steps", []):
            minimum = _minimum_rows(step)
            if minimum is not None and hasattr(step, "sampling_strategy"):
                key = (name, repr(step.sampling_strategy), minimum)
                seen.setdefault(key, (name, step, minimum))
    return list(seen.values())


def fold_class_shortfalls(pipeline, cv, X, y, groups=None, param_grid=None):
    """The training folds where an over-sampler would get too few rows of a class.

    Cheap: the folds are split and counted, nothing is fitted. The whole of
    ``y`` is checked too, as a search refits on it.

    Parameters
    ----------
    pipeline : Pipeline
        Unfitted; its GPGANSampler and SMOTE-like steps are checked.
    cv : cross-validation splitter
        As the search will use it (seeded, so that the folds are the same).
    X : array-like of shape (n_samples, n_features)
        As the search will get it (only its length is used).
    y : array-like of shape (n_samples,)
        Class labels.
    groups : array-like of shape (n_samples,), default=None
        Passed to ``cv.split`` (the attack names for ``NovelAttackKFold``).
    param_grid : dict or list of dicts, default=None
        Candidates that change a sampler are checked too.

    Returns
    -------
    shortfalls : list of Shortfall
        Empty when every fold suffices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from imblearn.pipeline import Pipeline
    >>> from awdids.model_selection import fold_class_shortfalls
    >>> from awdids.over_sampling import GPGANSampler
    >>> y = np.array(["a"] * 20 + ["b"] * 2)
    >>> pipe = Pipeline([("oversample", GPGANSampler(sampling_strategy={"b": 9}))])
    >>> [s.n_rows for s in fold_class_shortfalls(pipe, StratifiedKFold(3), y, y)]
    [1, 1]
    """
    y = np.asarray(y)
    samplers = _samplers(pipeline, param_grid)
    if not samplers:
        return []
    n_splits = cv.get_n_splits(X, y, groups)
    folds = [("all rows", np.arange(len(y)))] + [
        (f"fold {k + 1} of {n_splits}", train)
        for k, (train, _) in enumerate(cv.split(X, y, groups))
    ]
    shortfalls = []
    for where, rows in folds:
        fold_y = y[rows]
        counts = collections.Counter(fold_y.tolist())
        for name, sampler, minimum in samplers:
            try:
                wanted = check_sampling_strategy(
                    sampler.sampling_strategy, fold_y, "over-sampling"
                )
            except ValueError as error:
                raise ValueError(f"{where}, step {name!r}: {error}") from None
            shortfalls.extend(
                Shortfall(where, name, _plain(label), counts[label], minimum)
                for label in wanted
                if counts[label] < minimum
            )
    return shortfalls


def describe_shortfall(shortfall, n_more=0):
    """One shortfall as a sentence, with how many more there are."""
    more = f" ({n_more} more fold/class pairs fall short)" if n_more else ""
    rows = (
        "the rows a search refits on"
        if shortfall.where == "all rows"
        else f"the training rows of {shortfall.where}"
    )
    return (
        f"{rows} hold {shortfall.n_rows} "
        f"{shortfall.label!r} row(s), and step {shortfall.step!r} needs at "
        f"least {shortfall.minimum} of each class it over-samples{more}"
    )


def check_fold_class_counts(pipeline, cv, X, y, groups=None, param_grid=None):
    """Refuse folds too small for an over-sampler, before any fit.

    The folds checked are those of :func:`fold_class_shortfalls`.

    Parameters
    ----------
    pipeline : Pipeline
        Unfitted; its GPGANSampler and SMOTE-like steps are checked.
    cv : cross-validation splitter
        As the search will use it.
    X : array-like of shape (n_samples, n_features)
        As the search will get it (only its length is used).
    y : array-like of shape (n_samples,)
        Class labels.
    groups : array-like of shape (n_samples,), default=None
        Passed to ``cv.split``.
    param_grid : dict or list of dicts, default=None
        Candidates that change a sampler are checked too.

    Raises
    ------
    ValueError
        Naming the fold, the class, its rows and the rows needed.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from imblearn.pipeline import Pipeline
    >>> from awdids.model_selection import check_fold_class_counts
    >>> from awdids.over_sampling import GPGANSampler
    >>> y = np.array(["a"] * 20 + ["b"] * 2)
    >>> pipe = Pipeline([("oversample", GPGANSampler(sampling_strategy={"b": 9}))])
    >>> check_fold_class_counts(pipe, StratifiedKFold(3), y, y)
    Traceback (most recent call last):
    ...
    ValueError: the training rows of fold 1 of 3 hold 1 'b' row(s), and step ...
    """
    shortfalls = fold_class_shortfalls(pipeline, cv, X, y, groups, param_grid)
    if shortfalls:
        raise ValueError(
            describe_shortfall(shortfalls[0], len(shortfalls) - 1)
            + "; use more rows or more folds."
        )
