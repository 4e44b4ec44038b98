"""The time loop of a peephole LSTM layer with a hand-written backward.

Autograd records about sixteen small operations per time step of a layer and
replays twice as many in the backward (plus the concatenation of the four gate
gradients and the accumulation of the peephole gradients at every step). On the
tiny frames of tabular data each of them costs more in overhead than in
arithmetic, so the loop is written out once, forward and backward, on
preallocated buffers: ten operations a step forward, about seventeen backward,
and the weight gradients of all steps as one matrix product after the loop.
"""

import torch

__all__ = [
    "peephole_lstm_scan",
    "peephole_lstm_scan_autograd",
    "peephole_lstm_scan_inference",
]

_sigmoid_backward = torch.ops.aten.sigmoid_backward.grad_input
_tanh_backward = torch.ops.aten.tanh_backward.grad_input


def _tanh(x, out):
    """``tanh(x)`` into ``out`` (may be ``x``), as ``2 * sigmoid(2x) - 1`` on a CPU.

    On a CPU torch's tanh kernel takes several times as long as its sigmoid,
    so four passes at sigmoid speed beat one tanh pass; this form agrees with
    it within 3e-7 in float32 (the bound its tests hold), about the rounding of
    a value near 1. Other
    devices keep ``torch.tanh``, one kernel instead of four.
    """
    if x.device.type != "cpu":
        return torch.tanh(x, out=out)
    return torch.mul(x, 2, out=out).sigmoid_().mul_(2).sub_(1)


def _activate(a, cell, next_cell, tanh_cell, hidden, peephole, *, first):
    """One step's gate arithmetic, in place, after the gates' matrix products.

    ``a`` (B, 4N) holds the pre-activation gates i, f, g, o and leaves holding
    their activations (``tanh(g)`` for g); ``next_cell``, ``tanh_cell`` and
    ``hidden`` receive ``C_t``, ``tanh(C_t)`` and ``H_t`` from ``cell`` =
    ``C_{t-1}`` (``next_cell`` may be ``cell``). ``first``: ``C_0 = 0``, so the
    input and forget gates get no peephole term.
    """
    batch, n = cell.shape
    w_if, w_co = peephole[:2], peephole[2]
    if not first:
        a[:, : 2 * n].view(batch, 2, n).addcmul_(w_if, cell.unsqueeze(1))
    a[:, : 2 * n].sigmoid_()
    i, f, g, o = a.chunk(4, dim=1)
    _tanh(g, out=g)
    torch.mul(f, cell, out=next_cell).addcmul_(i, g)
    o.addcmul_(w_co, next_cell).sigmoid_()
    _tanh(next_cell, out=tanh_cell)
    torch.mul(o, tanh_cell, out=hidden)


def peephole_lstm_scan(gates_x, w_hid, peephole):
    """Run a peephole LSTM over time from precomputed input gates.

    Parameters
    ----------
    gates_x : Tensor of shape (T, B, 4 * N)
        Input contribution to the gates (input, forget, cell, output) of every
        step, bias included; time-major.
    w_hid : Tensor of shape (N, 4 * N)
        Hidden-to-gates matrix (right-multiplied: ``h @ w_hid``).
    peephole : Tensor of shape (3, N)
        Hadamard weights of the cell state for the input, forget and output gates.

    Returns
    -------
    hidden : Tensor of shape (T, B, N)
        Hidden state after every step, from zero initial states.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn._lstm_scan import peephole_lstm_scan
    >>> steps, batch, n = 5, 3, 2
    >>> gates_x = torch.zeros(steps, batch, 4 * n)
    >>> peephole_lstm_scan(gates_x, torch.zeros(n, 4 * n), torch.zeros(3, n)).shape
    torch.Size([5, 3, 2])
    """
    return _PeepholeLSTMScan.apply(gates_x, w_hid, peephole)


def peephole_lstm_scan_autograd(gates_x, w_hid, peephole):
    """:func:`peephole_lstm_scan` written with autograd, step by step.

    Used under ``torch.autocast``, whose per-operation casting the hand-written
    backward does not replicate, and as the reference in the tests.
    """
    _, batch, four_n = gates_x.shape
    w_ci, w_cf, w_co = peephole
    h = gates_x.new_zeros(batch, four_n // 4)
    c = torch.zeros_like(h)
    outputs = []
    # unbind, not gates_x[t]: the backward of T selects would build T
    # zero-filled copies of gates_x; unbind's stacks the step gradients once.
    for step_gates in gates_x.unbind(0):
        gates = torch.addmm(step_gates, h, w_hid)
        i, f, g, o = gates.chunk(4, dim=1)
        i = torch.sigmoid(i + w_ci * c)
        f = torch.sigmoid(f + w_cf * c)
        c = f * c + i * torch.tanh(g)
        o = torch.sigmoid(o + w_co * c)
        h = o * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs)


def peephole_lstm_scan_inference(gates_x, w_hid, peephole):
    """:func:`peephole_lstm_scan` without a backward, overwriting ``gates_x``.

    For prediction under ``torch.no_grad()``: nothing is kept for a backward,
    so the gates are activated in place in ``gates_x`` (no copy per step) and
    the cell state lives in one ``(B, N)`` buffer instead of ``T + 1`` of them;
    the working set of a step stays in cache. ``gates_x`` must be a tensor
    the caller does not need afterwards.

    Examples
    --------
    >>> import torch
    >>> from awdids.nn._lstm_scan import peephole_lstm_scan_inference
    >>> gates_x = torch.zeros(5, 3, 4 * 2)
    >>> w_hid, peephole = torch.zeros(2, 4 * 2), torch.zeros(3, 2)
    >>> peephole_lstm_scan_inference(gates_x, w_hid, peephole).shape
    torch.Size([5, 3, 2])
    """
    steps, batch, four_n = gates_x.shape
    n = four_n // 4
    hidden = gates_x.new_empty(steps, batch, n)
    cell = gates_x.new_zeros(batch, n)
    tanh_cell = torch.empty_like(cell)
    for t in range(steps):
        a = gates_x[t]
        if t > 0:  # H_0 = 0 adds nothing to the first step's gates
            a.addmm_(hidden[t - 1], w_hid)
        _activate(a, cell, cell, tanh_cell, hidden[t], peephole, first=t == 0)
    return hidden


class _PeepholeLSTMScan(torch.autograd.Function):
    @staticmethod
    def forward(ctx, gates_x, w_hid, peephole):
        steps, batch, four_n = gates_x.shape
        n = four_n // 4
        # act[t] holds the activated gates i, f, tanh(g), o of step t.
        act = torch.empty_like(gates_x)
        cells = gates_x.new_zeros(steps + 1, batch, n)  # cells[0] = C_0 = 0
        hidden = gates_x.new_zeros(steps + 1, batch, n)  # hidden[0] = H_0 = 0
        tanh_cells = gates_x.new_empty(steps, batch, n)
        for t in range(steps):
            a = act[t]
            if t == 0:  # H_0 = 0 adds nothing to the first step's gates
                a.copy_(gates_x[0])
            else:
                torch.addmm(gates_x[t], hidden[t], w_hid, out=a)
            _activate(
                a,
                cells[t],
                cells[t + 1],
                tanh_cells[t],
                hidden[t + 1],
                peephole,
                first=t == 0,
            )
        ctx.save_for_backward(act, cells, hidden, tanh_cells, w_hid, peephole)
        return hidden[1:]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_hidden):
        act, cells, hidden, tanh_cells, w_hid, peephole = ctx.saved_tensors
        steps, batch, four_n = act.shape
        n = four_n // 4
        w_ci, w_cf, w_co = peephole
        w_hid_t = w_hid.t()
        d_gates = torch.empty_like(act)  # gradient of the pre-activation gates
        dh = dc = None  # gradients flowing back from step t + 1
        for t in reversed(range(steps)):
            i, f, g, o = act[t].chunk(4, dim=1)
            di, df, dg, do = d_gates[t].chunk(4, dim=1)
            dh_t = grad_hidden[t] if dh is None else grad_hidden[t] + dh
            _sigmoid_backward(dh_t * tanh_cells[t], o, grad_input=do)
            dc_t = torch.ops.aten.tanh_backward(dh_t * o, tanh_cells[t])
            if dc is not None:
                dc_t += dc
            dc_t.addcmul_(do, w_co)
            _sigmoid_backward(dc_t * g, i, grad_input=di)
            _sigmoid_backward(dc_t * cells[t], f, grad_input=df)
            _tanh_backward(dc_t * i, g, grad_input=dg)
            if t > 0:  # H_0 and C_0 are constants
                dc = dc_t * f
                dc.addcmul_(di, w_ci).addcmul_(df, w_cf)
                dh = d_gates[t] @ w_hid_t
        grad_w_hid = grad_peephole = None
        if ctx.needs_input_grad[1]:
            # H_0 = 0: the first step adds nothing to the gradient.
            grad_w_hid = hidden[1:-1].reshape(-1, n).t() @ d_gates[1:].reshape(
                -1, four_n
            )
        if ctx.needs_input_grad[2]:
            d_if = d_gates[..., : 2 * n].reshape(steps, batch, 2, n)
            grad_peephole = torch.cat(
                [
                    (d_if * cells[:-1].unsqueeze(2)).sum((0, 1)),
                    (d_gates[..., 3 * n :] * cells[1:]).sum((0, 1)).unsqueeze(0),
                ]
            )
        return d_gates, grad_w_hid, grad_peephole
