"""The paper's whole flow as one pipeline."""

from ._awdids import PAPER_OVERSAMPLING, PAPER_PCA_COMPONENTS, make_awdids_pipeline

__all__ = ["PAPER_OVERSAMPLING", "PAPER_PCA_COMPONENTS", "make_awdids_pipeline"]
