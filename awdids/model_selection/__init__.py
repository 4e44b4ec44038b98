"""Hyperparameter search over the awdids pipeline, locally or on a Dask cluster."""

from ._search import search_pipeline

__all__ = ["search_pipeline"]
