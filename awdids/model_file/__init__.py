"""Model files: fitted pipelines stored as data, loadable without running code.

See :func:`~awdids.save_model` for the format and :func:`~awdids.load_model`
for what loading guarantees.
"""

from ._errors import ModelFileError
from ._io import load_model, save_model
from ._manifest import FORMAT_VERSION
from ._steps import ALLOWED_NODES, CLASSIFIERS

__all__ = [
    "ALLOWED_NODES",
    "CLASSIFIERS",
    "FORMAT_VERSION",
    "ModelFileError",
    "load_model",
    "save_model",
]
