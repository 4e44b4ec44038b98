"""The paper's experiments: every model, table and figure in one run."""

from ._models import make_models
from ._reproduce import reproduce

__all__ = ["make_models", "reproduce"]
