"""Dataset schemas, loaders and fetchers: NSL-KDD, KDD Cup 99, UNSW-NB15, yours."""

from ._builtin import BUILTIN_SCHEMAS, get_schema
from ._dataset_schema import DatasetSchema, read_schema
from ._fetch import fetch_flows
from ._flows import load_flows
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
    "BUILTIN_SCHEMAS",
    "CATEGORICAL_FEATURES",
    "CATEGORY_NAMES",
    "CATEGORY_VOCABULARY",
    "DEFAULT_MIRRORS",
    "DatasetSchema",
    "FEATURE_NAMES",
    "NUMERIC_FEATURES",
    "NUMERIC_RANGES",
    "SUBSETS",
    "attack_to_category",
    "fetch_flows",
    "fetch_nsl_kdd",
    "get_data_home",
    "get_schema",
    "load_flows",
    "parse_nsl_kdd",
    "read_schema",
]
