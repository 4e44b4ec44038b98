"""Preprocessing of NSL-KDD records into model features."""

from ._nsl_kdd import (
    N_OUTPUT_FEATURES,
    make_nsl_kdd_preprocessor,
    nsl_kdd_one_hot_groups,
)

__all__ = ["N_OUTPUT_FEATURES", "make_nsl_kdd_preprocessor", "nsl_kdd_one_hot_groups"]
