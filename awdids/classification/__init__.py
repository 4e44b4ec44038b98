"""Classifiers in scikit-learn's API."""

from ._awd_convlstm import AWDConvLSTMClassifier
from ._batching import TensorBatchIterator
from ._shape import default_input_shape
from ._split import StratifiedValidSplit

__all__ = [
    "AWDConvLSTMClassifier",
    "StratifiedValidSplit",
    "TensorBatchIterator",
    "default_input_shape",
]
