"""The paper's experiments: every model, table and figure in one run."""

from ._figures import draw_figures
from ._models import PAPER_PIPELINE, make_models
from ._report import (
    BOUND_NOTE,
    flag_drift_table,
    novel_attack_table,
    novel_bound_table,
    render_report,
)
from ._reproduce import reproduce

__all__ = [
    "BOUND_NOTE",
    "PAPER_PIPELINE",
    "draw_figures",
    "flag_drift_table",
    "make_models",
    "novel_attack_table",
    "novel_bound_table",
    "render_report",
    "reproduce",
]
