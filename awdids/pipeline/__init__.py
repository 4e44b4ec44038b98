"""The paper's whole flow as one pipeline."""

from ._awdids import PAPER_OVERSAMPLING, PAPER_PCA_COMPONENTS, make_awdids_pipeline
from ._checks import check_pipeline_params

__all__ = [
    "PAPER_OVERSAMPLING",
    "PAPER_PCA_COMPONENTS",
    "check_pipeline_params",
    "make_awdids_pipeline",
]
