"""ConvLSTM with weight-dropped hidden-to-hidden kernels (AWD-ConvLSTM)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["AWDConvLSTMCell", "AWDConvLSTM", "AWDConvLSTMNet"]


def _conv_taps(spatial_shape, kernel_size):
    """Kernel tap linking each (output, input) position of a same-padded conv.

    ``taps[p_out, p_in]`` is ``dy * k + dx`` of the tap that connects the two
    positions, or ``k * k`` (a zero tap) when the kernel does not reach.
    """
    height, width = spatial_shape
    radius = kernel_size // 2
    n_pos = height * width
    taps = torch.full((n_pos, n_pos), kernel_size * kernel_size, dtype=torch.long)
    for p_out in range(n_pos):
        y_out, x_out = divmod(p_out, width)
        for p_in in range(n_pos):
            y_in, x_in = divmod(p_in, width)
            dy, dx = y_in - y_out + radius, x_in - x_out + radius
            if 0 <= dy < kernel_size and 0 <= dx < kernel_size:
                taps[p_out, p_in] = dy * kernel_size + dx
    return taps


def conv_as_matrix(kernel, taps):
    """The dense matrix of a same-padded 2-D convolution on a small frame.

    For ``kernel`` of shape ``(O, C, k, k)`` returns ``M`` of shape
    ``(O * P, C * P)`` (``P`` = positions) with
    ``conv2d(x, kernel, padding=k // 2).flatten(1) == x.flatten(1) @ M.T``.
    On the tiny frames of tabular data one matrix product per step is several
    times faster on a CPU than ``conv2d``, and it fuses the four gates.
    """
    out_ch, in_ch = kernel.shape[:2]
    n_pos = taps.shape[0]
    padded = F.pad(kernel.flatten(2), (0, 1))  # tap k*k is zero
    dense = padded[:, :, taps]  # (O, C, P_out, P_in)
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
            "taps", _conv_taps(spatial_shape, kernel_size), persistent=False
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
        self.taps.copy_(_conv_taps(self.spatial_shape, self.kernel_size))
        reach = (self.taps < self.kernel_size**2).sum(dim=1).double().mean().item()
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
        batch, steps, _ = x.shape
        w_in = conv_as_matrix(self.input_weight, self.taps)
        w_hid = conv_as_matrix(self._hidden_kernel(), self.taps).t()
        bias = self.bias.repeat_interleave(self.n_positions)
        gates_x = torch.addmm(bias, x.reshape(batch * steps, -1), w_in.t()).view(
            batch, steps, -1
        )
        w_ci, w_cf, w_co = self.peephole
        h = x.new_zeros(batch, self.hidden_channels * self.n_positions)
        c = torch.zeros_like(h)
        outputs = []
        # unbind, not gates_x[:, t]: the backward of T selects would build T
        # zero-filled copies of gates_x; unbind's stacks the step gradients once.
        for step_gates in gates_x.unbind(1):
            gates = torch.addmm(step_gates, h, w_hid)
            i, f, g, o = gates.chunk(4, dim=1)
            i = torch.sigmoid(i + w_ci * c)
            f = torch.sigmoid(f + w_cf * c)
            c = f * c + i * torch.tanh(g)
            o = torch.sigmoid(o + w_co * c)
            h = o * torch.tanh(c)
            outputs.append(h)
        return torch.stack(outputs, dim=1)

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
        for layer in self.layers:
            x = layer(x)
        return x


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
