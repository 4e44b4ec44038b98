"""Torch modules of awdids (no training logic)."""

from ._gan import MLPCritic, MLPGenerator

__all__ = ["MLPCritic", "MLPGenerator"]
