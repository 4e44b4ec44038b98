"""awdids: AWD-CNN-LSTM and GP-GAN oversampling for network intrusion detection."""

__version__ = "0.1.0.dev0"

from .classification import AWDConvLSTMClassifier  # noqa: E402
from .over_sampling import GPGANSampler  # noqa: E402

__all__ = ["AWDConvLSTMClassifier", "GPGANSampler", "__version__"]
