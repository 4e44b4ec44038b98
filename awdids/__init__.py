"""awdids: AWD-CNN-LSTM and GP-GAN oversampling for network intrusion detection."""

__version__ = "0.1.0.dev0"

from .classification import AWDConvLSTMClassifier  # noqa: E402
from .model_file import ModelFileError, load_model, save_model  # noqa: E402
from .novelty import OpenSetClassifier  # noqa: E402
from .over_sampling import GPGANSampler  # noqa: E402
from .pipeline import make_awdids_pipeline  # noqa: E402

__all__ = [
    "AWDConvLSTMClassifier",
    "GPGANSampler",
    "ModelFileError",
    "OpenSetClassifier",
    "__version__",
    "load_model",
    "make_awdids_pipeline",
    "save_model",
]
