"""Flagging rows unlike any normal traffic seen in training (unknown attacks)."""

from ._open_set import OpenSetClassifier
from ._scores import SCORES

__all__ = ["OpenSetClassifier", "SCORES"]
