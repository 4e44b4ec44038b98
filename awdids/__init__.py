"""awdids: AWD-CNN-LSTM and GP-GAN oversampling for network intrusion detection.

The names below are imported on first use (PEP 562, as scikit-learn does), so
``import awdids`` and the command line's ``--help`` do not pay for torch and
skorch until an estimator is asked for.
"""

import importlib

__version__ = "0.1.0.dev0"

#: Public name -> the subpackage that defines it.
_LAZY = {
    "AWDConvLSTMClassifier": "classification",
    "GPGANSampler": "over_sampling",
    "ModelFileError": "model_file",
    "OpenSetClassifier": "novelty",
    "load_model": "model_file",
    "make_awdids_pipeline": "pipeline",
    "save_model": "model_file",
}
_SUBPACKAGES = {
    "classification",
    "datasets",
    "evaluation",
    "experiments",
    "model_file",
    "model_selection",
    "nn",
    "novelty",
    "over_sampling",
    "pipeline",
    "preprocessing",
}

__all__ = [*sorted(_LAZY), "__version__"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBPACKAGES)
