"""Torch modules of awdids (no training logic)."""

from ._convlstm import AWDConvLSTM, AWDConvLSTMCell, AWDConvLSTMNet
from ._gan import MLPCritic, MLPGenerator

__all__ = [
    "AWDConvLSTM",
    "AWDConvLSTMCell",
    "AWDConvLSTMNet",
    "MLPCritic",
    "MLPGenerator",
]
