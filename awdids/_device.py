"""Torch device resolution shared by the estimators."""

import torch

__all__ = ["resolve_device"]


def resolve_device(device):
    """``"auto"`` -> ``"cuda"`` when available else ``"cpu"``; others are checked.

    Raises
    ------
    ValueError
        For a string torch does not recognise as a device, or CUDA asked for on
        a machine without it.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(f"device={device!r} is not a torch device: {error}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but CUDA is not available here.")
    return resolved
