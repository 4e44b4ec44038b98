"""Classifiers in scikit-learn's API."""

from ._awd_convlstm import AWDConvLSTMClassifier
from ._shape import default_input_shape

__all__ = ["AWDConvLSTMClassifier", "default_input_shape"]
