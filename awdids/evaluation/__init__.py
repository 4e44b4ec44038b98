"""Evaluation of detectors: scores, baselines and report tables."""

from ._baselines import evaluate_models, fit_and_score, make_baselines
from ._metrics import classification_scores
from ._novelty import (
    attack_score,
    known_novel_scores,
    novel_detection_curve,
    novel_type_mask,
)
from ._report import format_results_table, report_from_counts
from ._synthetic import mode_coverage, moment_rmse, synthetic_quality

__all__ = [
    "attack_score",
    "classification_scores",
    "evaluate_models",
    "fit_and_score",
    "format_results_table",
    "known_novel_scores",
    "make_baselines",
    "mode_coverage",
    "moment_rmse",
    "novel_detection_curve",
    "novel_type_mask",
    "report_from_counts",
    "synthetic_quality",
]
