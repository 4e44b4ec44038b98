"""The paper's preprocessing of NSL-KDD: :func:`make_preprocessor` on its schema."""

# Model files written before the schema existed name the scaler by this module.
from ._flows import (
    _FiniteMinMaxScaler,  # noqa: F401
    make_preprocessor,
    n_output_features,
    one_hot_groups,
)

__all__ = ["make_nsl_kdd_preprocessor", "nsl_kdd_one_hot_groups", "N_OUTPUT_FEATURES"]

#: Width of the preprocessor's output: 3 + 70 + 11 one-hot columns, 38 numeric.
N_OUTPUT_FEATURES = n_output_features("nsl-kdd")


def make_nsl_kdd_preprocessor(*, clip=False):
    """Build the transformer from 41 NSL-KDD columns to the 122 model features.

    ``make_preprocessor("nsl-kdd", clip=clip)``: the one-hot block of
    ``protocol_type`` (3), of ``service`` (70) and of ``flag`` (11), each in the
    sorted order of :data:`awdids.datasets.CATEGORY_VOCABULARY`, then the 38
    numeric columns in file order, Min-Max scaled with the training minimum and
    maximum. The vocabulary is fixed, so the layout is the same for every file.

    Parameters
    ----------
    clip : bool, default=False
        Clip scaled numeric values to [0, 1]. By default values outside the
        training range (common in KDDTest+) are kept as they are.

    Returns
    -------
    preprocessor : ColumnTransformer

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
    return make_preprocessor("nsl-kdd", clip=clip)


def nsl_kdd_one_hot_groups():
    """Column indices of the three one-hot blocks: ``one_hot_groups("nsl-kdd")``.

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
    return one_hot_groups("nsl-kdd")
