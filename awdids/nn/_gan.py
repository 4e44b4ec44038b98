"""Generator and critic networks of the tabular GAN."""

from torch import nn

__all__ = ["MLPGenerator", "MLPCritic"]


class MLPGenerator(nn.Sequential):
    """Noise -> hidden ReLU layers -> raw outputs (activations applied by the caller).

    Parameters
    ----------
    noise_dim : int
        Width of the noise vector.
    hidden : sequence of int
        Widths of the hidden layers (the paper: 128, 256, 512, 1024).
    out_features : int
        Width of the raw output.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn import MLPGenerator
    >>> MLPGenerator(8, (16, 32), 5)(torch.zeros(3, 8)).shape
    torch.Size([3, 5])
    """

    def __init__(self, noise_dim, hidden, out_features):
        layers, width = [], noise_dim
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, out_features))
        super().__init__(*layers)


class MLPCritic(nn.Sequential):
    """Rows -> hidden LeakyReLU layers -> one score per row (no batch norm).

    Batch normalisation would make each row's score depend on the batch, which
    breaks the per-row gradient penalty of WGAN-GP, so there is none.

    Parameters
    ----------
    in_features : int
        Width of a row.
    hidden : sequence of int
        Widths of the hidden layers (the paper: 512, 256).
    negative_slope : float, default=0.2
        Slope of the LeakyReLU for negative inputs.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn import MLPCritic
    >>> MLPCritic(5, (16,))(torch.zeros(3, 5)).shape
    torch.Size([3])
    """

    def __init__(self, in_features, hidden, negative_slope=0.2):
        layers, width = [], in_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.LeakyReLU(negative_slope)]
            width = size
        layers += [nn.Linear(width, 1), nn.Flatten(0)]
        super().__init__(*layers)
