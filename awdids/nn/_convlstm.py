"""ConvLSTM with weight-dropped hidden-to-hidden kernels (AWD-ConvLSTM)."""

import math

import torch
from torch import nn

from ._lstm_scan import (
    peephole_lstm_scan,
    peephole_lstm_scan_autograd,
    peephole_lstm_scan_inference,
)

__all__ = ["AWDConvLSTMCell", "AWDConvLSTM", "AWDConvLSTMNet"]


def _autocast_enabled(device_type):
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch < 2.4 has one query per device type
        if device_type == "cpu":
            return torch.is_autocast_cpu_enabled()
        return torch.is_autocast_enabled()


def _tap_map(spatial_shape, kernel_size):
    """One-hot map of the kernel tap linking each (output, input) position.

    ``tap_map[x, p_out, p_in]`` is 1 where tap ``x = dy * k + dx`` of a
    same-padded convolution connects input position ``p_in`` to output
    position ``p_out``, else 0; shape ``(k * k, P, P)`` for ``P = H * W``.
    """
    height, width = spatial_shape
    radius = kernel_size // 2
    n_pos = height * width
    tap_map = torch.zeros(kernel_size * kernel_size, n_pos, n_pos)
    for p_out in range(n_pos):
        y_out, x_out = divmod(p_out, width)
        for p_in in range(n_pos):
            y_in, x_in = divmod(p_in, width)
            dy, dx = y_in - y_out + radius, x_in - x_out + radius
            if 0 <= dy < kernel_size and 0 <= dx < kernel_size:
                tap_map[dy * kernel_size + dx, p_out, p_in] = 1.0
    return tap_map


def conv_as_matrix(kernel, tap_map):
    """The dense matrix of a same-padded 2-D convolution on a small frame.

    For ``kernel`` of shape ``(O, C, k, k)`` and ``tap_map`` from
    :func:`_tap_map`, returns ``M`` of shape ``(O * P, C * P)`` (``P`` =
    positions) with
    ``conv2d(x, kernel, padding=k // 2).flatten(1) == x.flatten(1) @ M.T``.
    On the tiny frames of tabular data one matrix product per step is several
    times faster on a CPU than ``conv2d``, and it fuses the four gates. The
    matrix is built by a product with the one-hot tap map rather than by
    indexing: exact (one nonzero term per entry), and its backward is a matrix
    product too instead of a scatter.
    """
    out_ch, in_ch = kernel.shape[:2]
    n_pos = tap_map.shape[1]
    dense = (kernel.flatten(2) @ tap_map.flatten(1)).view(out_ch, in_ch, n_pos, n_pos)
    return dense.permute(0, 2, 1, 3).reshape(out_ch * n_pos, in_ch * n_pos)


class AWDConvLSTMCell(nn.Module):
    """One ConvLSTM layer (Shi et al. 2015) with peepholes and weight drop.

    Gates are fused: one convolution maps the input to all four gates
    (input, forget, cell, output) for every time step at once, one convolution
    per step maps the hidden state to the four gates. Both run as a matrix
    product with the convolution's dense matrix (:func:`conv_as_matrix`). The
    peephole terms are Hadamard products ``W_c o C`` with per-position weights
    (``C_{t-1}`` for the input and forget gates, ``C_t`` for the output gate).
    In training, the hidden-to-hidden kernel is multiplied by one Bernoulli mask
    per forward pass (DropConnect, shared by every time step, as in AWD-LSTM)
    and scaled by ``1 / (1 - weight_drop)``; in eval mode it is used as is.
    The time loop runs with a hand-written backward
    (:func:`~awdids.nn._lstm_scan.peephole_lstm_scan`); under ``torch.autocast``
    it runs with autograd, and under ``torch.no_grad()`` in place, keeping
    nothing for a backward
    (:func:`~awdids.nn._lstm_scan.peephole_lstm_scan_inference`).

    Parameters
    ----------
    in_channels, hidden_channels : int
        Channels of the input and of the hidden state.
    spatial_shape : tuple of int
        ``(H, W)`` of every frame.
    kernel_size : int, default=3
        Odd size of both convolution kernels (same padding).
    weight_drop : float, default=0.0
        Probability of dropping each hidden-to-hidden kernel weight.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn import AWDConvLSTMCell
    >>> cell = AWDConvLSTMCell(1, 4, (2, 2), weight_drop=0.5)
    >>> cell(torch.zeros(3, 5, 1 * 2 * 2)).shape  # (batch, time, C*H*W)
    torch.Size([3, 5, 16])
    """

    def __init__(
        self,
        in_channels,
        hidden_channels,
        spatial_shape,
        kernel_size=3,
        weight_drop=0.0,
    ):
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        self.hidden_channels = hidden_channels
        self.spatial_shape = tuple(spatial_shape)
        self.kernel_size = kernel_size
        self.n_positions = spatial_shape[0] * spatial_shape[1]
        self.weight_drop = weight_drop
        shape = (kernel_size, kernel_size)
        self.input_weight = nn.Parameter(
            torch.empty(4 * hidden_channels, in_channels, *shape)
        )
        self.bias = nn.Parameter(torch.empty(4 * hidden_channels))
        self.hidden_weight = nn.Parameter(
            torch.empty(4 * hidden_channels, hidden_channels, *shape)
        )
        # Peephole weights of the input, forget and output gates.
        self.peephole = nn.Parameter(torch.empty(3, hidden_channels * self.n_positions))
        self.register_buffer(
            "tap_map", _tap_map(spatial_shape, kernel_size), persistent=False
        )
        self.rng = None

    def reset_parameters_with(self, generator):
        """LeCun-uniform kernels over the taps that reach the frame, forget bias 1.

        ``nn.Conv2d``'s default initialisation counts all ``k * k`` taps in the
        fan-in, but on a 2x2 frame a 3x3 kernel reaches only 4 positions; with
        that too-small scale the signal shrinks roughly tenfold per stacked
        layer and four layers leave almost nothing for the head. Scaling by the
        taps that actually reach keeps pre-activations near unit variance at
        every depth. The forget-gate bias starts at 1, the usual LSTM choice.
        """
        # Buffers of a module built on the meta device hold no values yet.
        self.tap_map.copy_(_tap_map(self.spatial_shape, self.kernel_size))
        reach = self.tap_map.sum(dim=(0, 2)).double().mean().item()
        with torch.no_grad():
            for kernel in (self.input_weight, self.hidden_weight):
                bound = math.sqrt(3.0 / (kernel.shape[1] * reach))
                kernel.uniform_(-bound, bound, generator=generator)
            self.bias.zero_()
            self.bias[self.hidden_channels : 2 * self.hidden_channels] = 1.0
        nn.init.zeros_(self.peephole)

    def _hidden_kernel(self):
        if not self.training or self.weight_drop == 0:
            return self.hidden_weight
        keep = 1.0 - self.weight_drop
        mask = torch.empty_like(self.hidden_weight).bernoulli_(keep, generator=self.rng)
        return self.hidden_weight * mask / keep

    def forward(self, x):
        """``x``: (batch, time, C*H*W) -> hidden states (batch, time, hidden*H*W)."""
        return self.forward_time_major(x.transpose(0, 1).contiguous()).transpose(0, 1)

    def forward_time_major(self, x):
        """``x``: (time, batch, C*H*W) -> hidden states (time, batch, hidden*H*W).

        Time-major frames make every step's slice contiguous; a stack of cells
        passes them on without transposing between layers.
        """
        steps, batch, _ = x.shape
        w_in = conv_as_matrix(self.input_weight, self.tap_map)
        w_hid = conv_as_matrix(self._hidden_kernel(), self.tap_map).t()
        bias = self.bias.repeat_interleave(self.n_positions)
        gates_x = torch.addmm(bias, x.reshape(steps * batch, -1), w_in.t()).view(
            steps, batch, -1
        )
        if _autocast_enabled(x.device.type):
            scan = peephole_lstm_scan_autograd
        elif torch.is_grad_enabled():
            scan = peephole_lstm_scan
        else:  # gates_x is ours and nothing needs a backward: overwrite it
            scan = peephole_lstm_scan_inference
        return scan(gates_x, w_hid, self.peephole)

    def __getstate__(self):
        # torch.Generator cannot be pickled; the estimator sets it before training.
        state = dict(self.__dict__)
        state["rng"] = None
        return state


class AWDConvLSTM(nn.Module):
    """A stack of :class:`AWDConvLSTMCell` layers.

    Input ``(batch, T, in_channels * H * W)``, output the last layer's hidden
    states ``(batch, T, hidden_channels * H * W)``.

    Parameters
    ----------
    in_channels, hidden_channels : int
        Channels of the input frames and of every layer's hidden state.
    spatial_shape : tuple of int
        ``(H, W)`` of every frame.
    num_layers : int, default=4
        Stacked cells; each takes the previous one's hidden states.
    kernel_size : int, default=3
        Odd size of the convolution kernels.
    weight_drop : float, default=0.0
        DropConnect probability on every layer's hidden-to-hidden kernel.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn import AWDConvLSTM
    >>> stack = AWDConvLSTM(1, 4, (2, 2), num_layers=2)
    >>> stack(torch.zeros(3, 5, 1 * 2 * 2)).shape
    torch.Size([3, 5, 16])
    """

    def __init__(
        self,
        in_channels,
        hidden_channels,
        spatial_shape,
        num_layers=4,
        kernel_size=3,
        weight_drop=0.0,
    ):
        super().__init__()
        self.layers = nn.ModuleList(
            AWDConvLSTMCell(
                in_channels if k == 0 else hidden_channels,
                hidden_channels,
                spatial_shape,
                kernel_size,
                weight_drop,
            )
            for k in range(num_layers)
        )

    def set_rng(self, generator):
        """Use ``generator`` for the weight-drop masks of every layer."""
        for layer in self.layers:
            layer.rng = generator

    def forward(self, x):
        x = x.transpose(0, 1).contiguous()
        for layer in self.layers:
            x = layer.forward_time_major(x)
        return x.transpose(0, 1)


class AWDConvLSTMNet(nn.Module):
    """The paper's AWD-CNN-LSTM: reshape, stacked AWD-ConvLSTM, three FC layers.

    A flat row of ``T * C * H * W`` features is viewed as a sequence of ``T``
    frames of shape ``(C, H, W)``, run through ``num_layers`` AWD-ConvLSTM
    layers, flattened (all time steps) and classified by Linear-BN-ReLU,
    Linear-BN-ReLU, Linear.

    The batch norms keep a cumulative average of the batch statistics
    (``momentum=None``) since their last ``reset_running_stats()``;
    :class:`~awdids.classification.AWDConvLSTMClassifier` resets them at the
    start of every epoch, so that eval mode normalises with the statistics of
    the epoch just trained. (An exponential average started at mean 0 and
    variance 1 needs hundreds of batches to forget its start; on a few
    thousand rows eval mode then predicted a single class.)

    Parameters
    ----------
    input_shape : tuple of int
        ``(T, C, H, W)``.
    n_classes : int
        Number of outputs (logits).
    hidden_channels : int, default=16
    num_layers : int, default=4
    kernel_size : int, default=3
    weight_drop : float, default=0.0
    head_hidden : tuple of int, default=(128, 64)
        Widths of the two hidden fully connected layers.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn import AWDConvLSTMNet
    >>> net = AWDConvLSTMNet((5, 1, 4, 4), n_classes=5, hidden_channels=4)
    >>> net(torch.zeros(8, 80)).shape
    torch.Size([8, 5])
    """

    def __init__(
        self,
        input_shape,
        n_classes,
        hidden_channels=16,
        num_layers=4,
        kernel_size=3,
        weight_drop=0.0,
        head_hidden=(128, 64),
    ):
        super().__init__()
        steps, channels, height, width = input_shape
        self.input_shape = tuple(input_shape)
        self.recurrent = AWDConvLSTM(
            channels,
            hidden_channels,
            (height, width),
            num_layers,
            kernel_size,
            weight_drop,
        )
        width_in = steps * hidden_channels * height * width
        layers = []
        for size in head_hidden:
            layers += [
                nn.Linear(width_in, size),
                nn.BatchNorm1d(size, momentum=None),
                nn.ReLU(),
            ]
            width_in = size
        layers.append(nn.Linear(width_in, n_classes))
        self.head = nn.Sequential(*layers)

    def forward(self, X):
        frames = X.reshape(X.shape[0], self.input_shape[0], -1)
        return self.head(self.recurrent(frames).flatten(1))
