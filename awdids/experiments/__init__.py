"""The paper's experiments: every model, table and figure in one run."""

from ._figures import draw_figures
from ._models import make_models
from ._report import render_report
from ._reproduce import reproduce

__all__ = ["draw_figures", "make_models", "render_report", "reproduce"]
