"""Hyperparameter search over the awdids pipeline, locally or on a Dask cluster,
and validation on attack types unseen in training."""

from ._novel_attack import NovelAttackKFold
from ._search import search_pipeline, summarise_search

__all__ = ["NovelAttackKFold", "search_pipeline", "summarise_search"]
