"""Loaders and schema of the NSL-KDD data set."""

from ._nsl_kdd import (
    DEFAULT_MIRRORS,
    SUBSETS,
    fetch_nsl_kdd,
    get_data_home,
    parse_nsl_kdd,
)
from ._schema import (
    CATEGORICAL_FEATURES,
    CATEGORY_VOCABULARY,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    NUMERIC_RANGES,
)
from ._taxonomy import ATTACK_CATEGORIES, CATEGORY_NAMES, attack_to_category

__all__ = [
    "ATTACK_CATEGORIES",
    "CATEGORICAL_FEATURES",
    "CATEGORY_NAMES",
    "CATEGORY_VOCABULARY",
    "DEFAULT_MIRRORS",
    "FEATURE_NAMES",
    "NUMERIC_FEATURES",
    "NUMERIC_RANGES",
    "SUBSETS",
    "attack_to_category",
    "fetch_nsl_kdd",
    "get_data_home",
    "parse_nsl_kdd",
]
