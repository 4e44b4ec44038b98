"""The paper's whole flow as one pipeline."""

from ._awdids import PAPER_OVERSAMPLING, make_awdids_pipeline

__all__ = ["PAPER_OVERSAMPLING", "make_awdids_pipeline"]
