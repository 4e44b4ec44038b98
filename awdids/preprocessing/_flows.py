"""The paper's preprocessing for any schema: one-hot text columns, Min-Max numbers."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

from ..datasets._builtin import get_schema
from ..datasets._records import check_numeric_columns

__all__ = ["make_preprocessor", "one_hot_groups", "n_output_features"]


def _as_frame(X):
    return (
        X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=object))
    )


def _check_finite_numbers(X, **allowed):
    """Refuse non-numeric, missing or infinite values, naming column and row."""
    X = _as_frame(X)
    check_numeric_columns(
        X, X.columns, lambda position: f"row {position} (0-based)", **allowed
    )


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


class _FillMissing(TransformerMixin, BaseEstimator):
    """Replace missing values (and, with ``infinite``, infinite numbers) by ``value``.

    Stateless; the schema's ``fillNumeric``, ``fillCategorical`` and
    ``infinite: "missing"`` choices, applied to whatever table reaches the
    pipeline, not only to files read by awdids.
    """

    def __init__(self, value=0.0, *, infinite=False):
        self.value = value
        self.infinite = infinite

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        frame = _as_frame(X)
        if isinstance(self.value, str):
            return frame.astype(object).where(frame.notna(), self.value)
        _check_finite_numbers(frame, allow_missing=True, allow_infinite=self.infinite)
        numbers = np.array(frame.apply(pd.to_numeric), dtype=float)  # a copy
        if self.infinite:
            numbers[np.isinf(numbers)] = np.nan
        numbers[np.isnan(numbers)] = self.value
        return numbers


def _one_hot_branch(schema):
    open_columns = schema.open_vocabulary
    if open_columns:
        raise ValueError(
            f"schema {schema.name!r} fixes no categories for {list(open_columns)}; "
            "take them from the training rows first: "
            "schema = schema.with_vocabulary(X_train)."
        )
    # A capped vocabulary expects other values; they would warn on every batch.
    one_hot = OneHotEncoder(
        categories=[list(schema.vocabulary[c]) for c in schema.categorical_features],
        handle_unknown="ignore" if schema.other else "warn",
        sparse_output=False,
        dtype=float,
    )
    if schema.fill_categorical is None:
        return one_hot
    return Pipeline(
        [("fill", _FillMissing(schema.fill_categorical)), ("onehot", one_hot)]
    )


def _numeric_branch(schema, clip):
    scaler = _FiniteMinMaxScaler(clip=clip)
    if schema.fill_numeric is None:
        return scaler
    fill = _FillMissing(schema.fill_numeric, infinite=schema.infinite == "missing")
    return Pipeline([("fill", fill), ("minmax", scaler)])


def make_preprocessor(schema="nsl-kdd", *, clip=False):
    """Build the transformer from a schema's feature columns to model features.

    The output columns are, in this order: one one-hot block per categorical
    column (in the schema's order, each in the sorted order of its
    vocabulary), then the numeric columns in file order, Min-Max scaled with
    the training minimum and maximum. The one-hot layout comes from the
    schema's vocabulary, not from the data, so it is known before fit. A text
    value outside the vocabulary encodes as all zeros, with a warning unless
    the schema lists capped columns (``awdids.other``), whose other values are
    expected. A
    missing, infinite or non-numeric value in a numeric column is refused with
    a ``ValueError`` naming the column and the row, unless the schema fills
    missing values (``fillNumeric``, ``fillCategorical``, ``infinite``).

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        See :func:`~awdids.datasets.get_schema`. Its categorical columns must
        have categories (``constraints.enum``, or
        :meth:`~awdids.datasets.DatasetSchema.with_vocabulary`).
    clip : bool, default=False
        Clip scaled numeric values to [0, 1]. By default values outside the
        training range are kept as they are.

    Returns
    -------
    preprocessor : ColumnTransformer
        Unfitted; it selects columns by name, so it expects a DataFrame with the
        schema's feature names (extra columns are dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> from awdids.datasets import get_schema
    >>> from awdids.preprocessing import make_preprocessor
    >>> schema = get_schema("unsw-nb15")
    >>> row = {name: 0 for name in schema.feature_names}
    >>> row.update(proto="tcp", service="http", state="FIN")
    >>> X = pd.DataFrame([row, {**row, "proto": "udp", "dur": 1.5}])
    >>> schema = schema.with_vocabulary(X)
    >>> make_preprocessor(schema).fit_transform(X).shape
    (2, 43)
    """
    schema = get_schema(schema)
    return ColumnTransformer(
        [
            ("onehot", _one_hot_branch(schema), list(schema.categorical_features)),
            ("minmax", _numeric_branch(schema, clip), list(schema.numeric_features)),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def one_hot_groups(schema="nsl-kdd"):
    """Column indices of each one-hot block in :func:`make_preprocessor`'s output.

    Pass them as ``discrete_groups`` to :class:`awdids.over_sampling.GPGANSampler`
    so that every synthetic row has exactly one 1 per text column.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"

    Returns
    -------
    groups : list of list of int

    Examples
    --------
    >>> from awdids.preprocessing import one_hot_groups
    >>> [len(g) for g in one_hot_groups("nsl-kdd")]
    [3, 70, 11]
    """
    schema = get_schema(schema)
    groups, start = [], 0
    for column in schema.categorical_features:
        width = len(schema.vocabulary[column] or ())
        groups.append(list(range(start, start + width)))
        start += width
    return groups


def n_output_features(schema="nsl-kdd"):
    """Width of :func:`make_preprocessor`'s output for ``schema``.

    Parameters
    ----------
    schema : str, path-like or DatasetSchema, default="nsl-kdd"
        Its categorical columns' vocabularies (one column each) and its
        numeric columns (one each).

    Returns
    -------
    n_features : int

    Examples
    --------
    >>> from awdids.preprocessing import n_output_features
    >>> n_output_features("nsl-kdd")
    122
    """
    schema = get_schema(schema)
    one_hot = sum(len(v or ()) for v in schema.vocabulary.values())
    return one_hot + len(schema.numeric_features)
