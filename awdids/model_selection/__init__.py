"""Hyperparameter search over the awdids pipeline, locally or on a Dask cluster,
and validation on attack types unseen in training."""

from ._class_counts import check_fold_class_counts, fold_class_shortfalls
from ._novel_attack import NovelAttackKFold
from ._search import search_pipeline, summarise_search

__all__ = [
    "NovelAttackKFold",
    "check_fold_class_counts",
    "fold_class_shortfalls",
    "search_pipeline",
    "summarise_search",
]
