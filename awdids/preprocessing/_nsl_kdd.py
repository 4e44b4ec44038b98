"""The paper's preprocessing: one-hot text columns, Min-Max numeric ones."""

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

from ..datasets import CATEGORICAL_FEATURES, CATEGORY_VOCABULARY, NUMERIC_FEATURES
from ..datasets._records import check_numeric_columns

__all__ = ["make_nsl_kdd_preprocessor", "nsl_kdd_one_hot_groups", "N_OUTPUT_FEATURES"]

#: Width of the preprocessor's output: 3 + 70 + 11 one-hot columns, 38 numeric.
N_OUTPUT_FEATURES = sum(len(v) for v in CATEGORY_VOCABULARY.values()) + len(
    NUMERIC_FEATURES
)


def _check_finite_numbers(X):
    """Refuse non-numeric, missing or infinite values, naming column and row."""
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X, dtype=object))
    check_numeric_columns(X, X.columns, lambda position: f"row {position} (0-based)")


class _FiniteMinMaxScaler(MinMaxScaler):
    """MinMaxScaler that refuses NaN, infinite and non-numeric values.

    scikit-learn's scaler lets NaN through to the output; a NaN feature would
    reach the sampler or the network, so it is refused here, by column name.
    """

    def partial_fit(self, X, y=None):
        _check_finite_numbers(X)
        return super().partial_fit(X, y)

    def transform(self, X):
        _check_finite_numbers(X)
        return super().transform(X)


def make_nsl_kdd_preprocessor(*, clip=False):
    """Build the transformer from 41 NSL-KDD columns to the 122 model features.

    The output columns are, in this order: the one-hot block of
    ``protocol_type`` (3), of ``service`` (70) and of ``flag`` (11), each in the
    sorted order of :data:`awdids.datasets.CATEGORY_VOCABULARY`, then the 38
    numeric columns in file order, Min-Max scaled with the training minimum and
    maximum. The one-hot layout comes from the fixed vocabulary, not from the
    data, so it is known before fit and is the same for every data set. A text
    value outside the vocabulary encodes as all zeros, with a warning. A
    missing, infinite or non-numeric value in a numeric column is refused
    with a ``ValueError`` naming the column and the row.

    Parameters
    ----------
    clip : bool, default=False
        Clip scaled numeric values to [0, 1]. By default values outside the
        training range (common in KDDTest+) are kept as they are.

    Returns
    -------
    preprocessor : ColumnTransformer
        Unfitted; it selects columns by name, so it expects a DataFrame with the
        41 NSL-KDD feature names (extra columns are dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> from awdids.datasets import FEATURE_NAMES
    >>> from awdids.preprocessing import make_nsl_kdd_preprocessor
    >>> row = {name: 0 for name in FEATURE_NAMES}
    >>> row.update(protocol_type="tcp", service="http", flag="SF")
    >>> X = pd.DataFrame([row, {**row, "duration": 10}])
    >>> Xt = make_nsl_kdd_preprocessor().fit_transform(X)
    >>> Xt.shape
    (2, 122)
    """
    one_hot = OneHotEncoder(
        categories=[list(CATEGORY_VOCABULARY[c]) for c in CATEGORICAL_FEATURES],
        handle_unknown="warn",
        sparse_output=False,
        dtype=float,
    )
    return ColumnTransformer(
        [
            ("onehot", one_hot, list(CATEGORICAL_FEATURES)),
            ("minmax", _FiniteMinMaxScaler(clip=clip), list(NUMERIC_FEATURES)),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def nsl_kdd_one_hot_groups():
    """Column indices of the three one-hot blocks in the preprocessor's output.

    Pass them as ``discrete_groups`` to :class:`awdids.over_sampling.GPGANSampler`
    so that every synthetic row has exactly one 1 per text column.

    Returns
    -------
    groups : list of list of int
        ``[protocol_type columns, service columns, flag columns]``.

    Examples
    --------
    >>> from awdids.preprocessing import nsl_kdd_one_hot_groups
    >>> [len(g) for g in nsl_kdd_one_hot_groups()]
    [3, 70, 11]
    >>> nsl_kdd_one_hot_groups()[0]
    [0, 1, 2]
    """
    groups, start = [], 0
    for column in CATEGORICAL_FEATURES:
        width = len(CATEGORY_VOCABULARY[column])
        groups.append(list(range(start, start + width)))
        start += width
    return groups
