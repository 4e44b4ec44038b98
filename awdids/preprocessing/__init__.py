"""Preprocessing of flow records into model features, from a dataset schema."""

from ._flows import make_preprocessor, n_output_features, one_hot_groups
from ._nsl_kdd import (
    N_OUTPUT_FEATURES,
    make_nsl_kdd_preprocessor,
    nsl_kdd_one_hot_groups,
)

__all__ = [
    "N_OUTPUT_FEATURES",
    "make_nsl_kdd_preprocessor",
    "make_preprocessor",
    "n_output_features",
    "nsl_kdd_one_hot_groups",
    "one_hot_groups",
]
