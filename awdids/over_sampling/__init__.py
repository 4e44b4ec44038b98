"""Over-samplers in imbalanced-learn's API."""

from ._gpgan import GPGANSampler, TrainingDivergedError
from ._strategy import AddRows

__all__ = ["AddRows", "GPGANSampler", "TrainingDivergedError"]
